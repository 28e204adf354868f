/**
 * The bounded schedule (retention.model.ts): written when a case closes,
 * read by the purge job and the month-ahead page by _id only. Lists change
 * under one lock: FerretDB's updates are read-then-write.
 */
import { withLock } from '../lib/locks';
import { CaseRetention, PurgeSchedule, scheduleKeys } from './retention.model';
import { addMonths } from '../cases/deadlines';
import { purgeDueDate, retentionClasses, retentionClassOf, type RetentionClass, type RetentionMonths } from './retention-rules';

const scheduleLock = 'purge-schedule';

async function changeList(id: string, change: (ids: string[]) => string[]): Promise<void> {
  const locked = await withLock(scheduleLock, { waitMs: 10_000 }, async () => {
    const current = (await PurgeSchedule.findById(id).lean())?.ids ?? [];
    const next = change([...current]);
    if (next.length === 0) await PurgeSchedule.deleteOne({ _id: id });
    else await PurgeSchedule.updateOne({ _id: id }, { $set: { ids: next } }, { upsert: true });
  });
  if (!locked) throw new Error('purge schedule busy');
}

export const addToList = (id: string, value: string) => changeList(id, (ids) => (ids.includes(value) ? ids : [...ids, value]));
export const removeFromList = (id: string, value: string) => changeList(id, (ids) => ids.filter((item) => item !== value));

export async function listOf(id: string): Promise<string[]> {
  return (await PurgeSchedule.findById(id).lean())?.ids ?? [];
}

export interface ClosedCase {
  _id: { toString(): string };
  reference: string;
  decision?: string | null;
  outcome?: string | null;
}

/**
 * A case closed on `closedDate`: its record first, then the day in the
 * class's index, then the case in the day's list (a day listed with no
 * cases is harmless). A hold put on earlier is kept.
 */
export async function scheduleClosedCase(caseState: ClosedCase, closedDate: string): Promise<void> {
  const caseId = caseState._id.toString();
  const retentionClass = retentionClassOf(caseState);
  await CaseRetention.updateOne(
    { _id: caseId },
    { $set: { reference: caseState.reference, retentionClass, closedDate, activeDate: closedDate, state: 'scheduled' } },
    { upsert: true },
  );
  await addToList(scheduleKeys.daysOf(retentionClass), closedDate);
  await addToList(scheduleKeys.closedOn(retentionClass, closedDate), caseId);
  await addToList(scheduleKeys.codeDays, closedDate);
  await addToList(scheduleKeys.codesOn(closedDate), caseId);
}

/**
 * A closed case taken back (an objection starts a review, voice/) leaves its
 * closure's day: its next closure schedules it afresh. A purge already begun
 * is not stopped.
 */
export async function unscheduleReopenedCase(caseId: string): Promise<void> {
  const record = await CaseRetention.findById(caseId).lean();
  if (!record || record.state === 'purging' || record.state === 'purged') return;
  await CaseRetention.updateOne({ _id: caseId }, { $set: { state: 'reopened' } });
  await unscheduleCase(caseId, record.retentionClass, record.closedDate);
  await unscheduleCode(caseId, record.activeDate);
}

export interface DueCase {
  caseId: string;
  reference: string;
  retentionClass: RetentionClass;
  closedDate: string;
  dueDate: string;
  held: boolean;
}

/** The cases whose period ends on or before `horizon`, not yet purged, earliest first. */
export async function casesDueBy(horizon: string, months: RetentionMonths): Promise<DueCase[]> {
  const due: DueCase[] = [];
  for (const retentionClass of retentionClasses) {
    for (const day of (await listOf(scheduleKeys.daysOf(retentionClass))).sort()) {
      const dueDate = purgeDueDate(day, retentionClass, months);
      if (dueDate > horizon) continue;
      for (const caseId of await listOf(scheduleKeys.closedOn(retentionClass, day))) {
        const record = await CaseRetention.findById(caseId).lean();
        // Closed again since: the later day's entry is the one that counts.
        if (!record || record.state === 'purged' || record.state === 'reopened' || record.closedDate !== day || record.retentionClass !== retentionClass) continue;
        due.push({ caseId, reference: record.reference, retentionClass, closedDate: day, dueDate, held: Boolean(record.hold) });
      }
    }
  }
  return due.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.reference.localeCompare(b.reference));
}

/** Takes a purged case off its day's list, and the day off the index once it is empty. */
export async function unscheduleCase(caseId: string, retentionClass: string, closedDate: string): Promise<void> {
  const dayKey = scheduleKeys.closedOn(retentionClass, closedDate);
  await removeFromList(dayKey, caseId);
  if ((await listOf(dayKey)).length === 0) await removeFromList(scheduleKeys.daysOf(retentionClass), closedDate);
}

/** Case ids whose tracking code has had no activity for `expiryMonths` by `today`, by day. */
export async function codesDueBy(today: string, expiryMonths: number): Promise<Array<{ day: string; caseIds: string[] }>> {
  const days = (await listOf(scheduleKeys.codeDays)).filter((day) => addMonths(day, expiryMonths) <= today).sort();
  return Promise.all(days.map(async (day) => ({ day, caseIds: await listOf(scheduleKeys.codesOn(day)) })));
}

export async function unscheduleCode(caseId: string, day: string): Promise<void> {
  await removeFromList(scheduleKeys.codesOn(day), caseId);
  if ((await listOf(scheduleKeys.codesOn(day))).length === 0) await removeFromList(scheduleKeys.codeDays, day);
}
