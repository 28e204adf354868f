/**
 * Purging one case, as steps a crash can stop anywhere and the next run
 * completes: (1) the case is listed as purging and its record says so;
 * (2) the sealed archive is written (never overwritten); (3) the case is
 * marked purged (from here on every reader sees a purged case: no code opens
 * it, the case page says so); (4) its parts go: files, messages, events,
 * their entries (last first, so a resumed run still finds the rest), the
 * code's locator and lookup, and the sealed fields and keys of the case;
 * (5) the audit entry; (6) the record says purged and the case leaves the
 * purging list and its day. What stays is the clear skeleton the roll-up,
 * the lists and the monthly report count: no figure changes, and nothing is
 * announced to them (recordCaseChange) because nothing they count changed.
 */
import { Types } from 'mongoose';
import { recordAudit } from '../audit/audit.service';
import { Attachment } from '../cases/attachment.model';
import { CaseEvent } from '../cases/case-event.model';
import { CaseItem } from '../cases/case-items.model';
import { CaseLocator } from '../cases/case-locator.model';
import { CaseLookup } from '../cases/case-lookup.model';
import { CaseMessage } from '../cases/case-message.model';
import { Case } from '../cases/case.model';
import { withLock } from '../lib/locks';
import { collectCase, writeArchive } from './case-archive';
import { addToList, removeFromList, unscheduleCase } from './purge-schedule.service';
import { CaseRetention, scheduleKeys } from './retention.model';

export type PurgeStep = 'marked' | 'archived' | 'flagged' | 'items' | 'parts' | 'audited' | 'done';

export interface PurgeOptions {
  archiveDir: string;
  commissionPublicKey: string;
  today: string;
  /** 'rule' (the job) or the actor who asked for it by hand */
  by: 'rule' | string;
  /** called after each step (a drill stops the process here) */
  afterStep?: (step: PurgeStep) => Promise<void> | void;
}

export type PurgeResult = 'purged' | 'held' | 'absent' | 'busy' | 'reopened';

export async function purgeCase(caseId: string, options: PurgeOptions): Promise<PurgeResult> {
  let result: PurgeResult = 'busy';
  await withLock(`case-move:${caseId}`, { waitMs: 3_000 }, async () => {
    result = await purgeUnderLock(caseId, options);
  });
  return result;
}

async function purgeUnderLock(caseId: string, options: PurgeOptions): Promise<PurgeResult> {
  const step = async (name: PurgeStep) => options.afterStep?.(name);
  const record = await CaseRetention.findById(caseId).lean();
  if (!record) return 'absent';
  if (record.state === 'purged') return 'purged';
  // A purge begun before a hold is finished: the case is already gone to every reader.
  if (record.hold && record.state !== 'purging') return 'held';
  const id = new Types.ObjectId(caseId);
  // A reporter's objection takes a closed case back to review (voice/): its period starts again when it closes again.
  if (record.state !== 'purging' && !(await isClosedWithNothingOpenOnItsCode(id))) return 'reopened';

  await addToList(scheduleKeys.purging, caseId);
  await CaseRetention.updateOne({ _id: caseId }, { $set: { state: 'purging', purgedBy: options.by } });
  await step('marked');

  const stored = await Case.findById(id, { purgedDate: 1, reference: 1 }).lean();
  if (stored && !stored.purgedDate) {
    const archived = await collectCase(id);
    if (archived) writeArchive(options.archiveDir, record.reference, caseId, archived, options.commissionPublicKey);
  }
  await step('archived');

  if (stored && !stored.purgedDate) await Case.updateOne({ _id: id }, { $set: { purgedDate: options.today } });
  await step('flagged');

  await removeParts(id, step);
  await step('parts');

  const by = (await CaseRetention.findById(caseId).lean())?.purgedBy ?? options.by;
  await recordAudit({ actor: by === 'rule' ? 'system' : by, action: 'case.purged', caseId, caseRef: record.reference, details: { by: by === 'rule' ? 'rule' : 'hand', retentionClass: record.retentionClass, closedDate: record.closedDate } });
  await step('audited');

  await CaseRetention.updateOne({ _id: caseId }, { $set: { state: 'purged', purgedDate: options.today, hold: null } });
  await removeFromList(scheduleKeys.purging, caseId);
  await unscheduleCase(caseId, record.retentionClass, record.closedDate);
  await step('done');
  return 'purged';
}

/** Each part is removed by _id; removing one already gone changes nothing, so a resumed run repeats safely. */
async function removeParts(caseId: Types.ObjectId, step: (name: PurgeStep) => Promise<void>): Promise<void> {
  const caseDocument = await Case.findById(caseId, { attachmentIds: 1, locator: 1, lookupId: 1 }).lean();
  const entries = (await Promise.all((await entryKeys(caseId)).map((key) => CaseItem.findById(key).lean()))).filter((entry) => entry !== null);
  for (const entry of entries) {
    const model = entry.kind === 'event' ? CaseEvent : entry.kind === 'message' ? CaseMessage : Attachment;
    await (model as typeof Attachment).deleteOne({ _id: entry.itemId });
  }
  for (const fileId of caseDocument?.attachmentIds ?? []) await Attachment.deleteOne({ _id: fileId });
  await step('items');
  for (const entry of [...entries].sort((a, b) => entryNumber(b._id) - entryNumber(a._id))) await CaseItem.deleteOne({ _id: entry._id });
  if (caseDocument) await forgetCode(caseId, caseDocument);
  await Case.updateOne(
    { _id: caseId },
    { $unset: { sealed: 1, keys: 1 }, $set: { lookupId: `purged:${caseId.toString()}`, attachmentIds: [], locator: null } },
  );
}

/**
 * Closed, and no retaliation case the reporter follows with this case's code
 * (voice/) still open: purging the case, or expiring its code, would cut the
 * reporter off from that case.
 */
export async function isClosedWithNothingOpenOnItsCode(caseId: Types.ObjectId): Promise<boolean> {
  const stored = await Case.findById(caseId, { status: 1, linkedCaseIds: 1 }).lean();
  if (stored?.status !== 'closed') return false;
  for (const linkedId of stored.linkedCaseIds ?? []) {
    if ((await Case.findById(linkedId, { status: 1 }).lean())?.status !== 'closed') return false;
  }
  return true;
}

/** The code's locator and legacy lookup; afterwards no code finds the case. */
export async function forgetCode(caseId: Types.ObjectId, caseDocument: { locator?: string | null; lookupId?: string | null }): Promise<void> {
  const lookupId = caseDocument.lookupId ?? '';
  if (caseDocument.locator) await CaseLocator.deleteOne({ _id: caseDocument.locator, caseId });
  // Cases stored before they kept their locator: found by case (a scan on FerretDB, once per such case).
  // Not for a case whose locator is already gone (null), nor one followed by another case's code (linked:).
  else if (caseDocument.locator === undefined && !lookupId.startsWith('linked:') && !lookupId.startsWith('purged:')) await CaseLocator.deleteMany({ caseId });
  if (caseDocument.lookupId && !caseDocument.lookupId.startsWith('purged:')) await CaseLookup.deleteOne({ _id: caseDocument.lookupId });
}

/** The keys of a case's entries, probing from 0 up to the first free one (as entriesOf does). */
async function entryKeys(caseId: Types.ObjectId): Promise<string[]> {
  const keys: string[] = [];
  for (let n = 0; ; n += 1) {
    const key = `${caseId.toString()}:${n}`;
    if (!(await CaseItem.exists({ _id: key }))) return keys;
    keys.push(key);
  }
}

function entryNumber(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}
