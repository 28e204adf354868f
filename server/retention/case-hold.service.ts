/**
 * A hold keeps a closed case past its period (a complaint to the courts, a
 * request from the archives…) until it is released. Administrators put and
 * release holds by reference, with a reason from a fixed list (so the audit
 * trail never carries free text); both are audited.
 */
import { recordAudit } from '../audit/audit.service';
import { caseIdForReference } from '../cases/case-reference-key.model';
import { refuseField } from '../lib/forms';
import { addToList, listOf, removeFromList } from './purge-schedule.service';
import { CaseRetention, scheduleKeys } from './retention.model';
import { retentionToday } from './retention-rules';

export const holdReasons = ['litigation', 'review', 'archives', 'investigation', 'other'] as const;
export type HoldReason = (typeof holdReasons)[number];

async function recordByReference(reference: string) {
  const caseId = await caseIdForReference(reference);
  const record = caseId ? await CaseRetention.findById(caseId.toString()).lean() : null;
  if (!record) throw refuseField('reference', 'retention.errors.notClosed');
  if (record.state !== 'scheduled') throw refuseField('reference', 'retention.errors.purged', 409);
  return record;
}

export async function holdCase(reference: string, reason: HoldReason, actorId: string): Promise<void> {
  const record = await recordByReference(reference);
  await CaseRetention.updateOne({ _id: record._id }, { $set: { hold: { reason, by: actorId, day: retentionToday() } } });
  await addToList(scheduleKeys.held, record._id);
  await recordAudit({ actor: actorId, action: 'case.held', caseId: record._id, caseRef: record.reference, details: { reason } });
}

export async function releaseCase(reference: string, reason: HoldReason, actorId: string): Promise<void> {
  const record = await recordByReference(reference);
  if (!record.hold) throw refuseField('reference', 'retention.errors.notHeld', 409);
  await CaseRetention.updateOne({ _id: record._id }, { $set: { hold: null } });
  await removeFromList(scheduleKeys.held, record._id);
  await recordAudit({ actor: actorId, action: 'case.released', caseId: record._id, caseRef: record.reference, details: { reason } });
}

export interface HeldCase {
  reference: string;
  reason: string;
  day: string;
  closedDate: string;
}

/** The cases on hold: the `held` list and their records, by _id. */
export async function heldCases(): Promise<HeldCase[]> {
  const records = await Promise.all((await listOf(scheduleKeys.held)).map((id) => CaseRetention.findById(id).lean()));
  return records
    .filter((record) => record?.hold)
    .map((record) => ({ reference: record!.reference, reason: record!.hold!.reason ?? 'other', day: record!.hold!.day ?? '', closedDate: record!.closedDate }))
    .sort((a, b) => a.reference.localeCompare(b.reference));
}
