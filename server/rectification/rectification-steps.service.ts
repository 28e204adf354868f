/**
 * The life of an item, each step a story: check who and in which state,
 * write the item, audit, put its row again in the kept lists.
 *
 *   open ──answer (liaison)──▶ reported ──verify (commission)──▶ verified
 *     ▲                            │
 *     └──send back with a reason───┘
 *
 * Steps of one item take its lock, so two answers or a verification and a
 * send-back cannot both win; the item is written before the lists, and a
 * list missed by a crash is put right by the item's next step.
 */
import { Types } from 'mongoose';
import { recordAudit } from '../audit/audit.service';
import { Case } from '../cases/case.model';
import { caseIdForReference } from '../cases/case-reference-key.model';
import { addWorkingDays } from '../cases/working-days';
import { workingCalendar } from '../cases/deadlines';
import { refuseField } from '../lib/forms';
import { forbidden, HttpError, notFound } from '../lib/http-error';
import { withLock } from '../lib/locks';
import type { SignedInStaff } from '../staff/access';
import { isCommission, isLiaisonOf } from './item-access';
import { RectificationItem, type RectificationItemDocument } from './rectification-item.model';
import { refreshLists } from './rectification-lists.service';
import { cleanAndStoreFiles, type FilesOutcome } from './rectification-files.service';
import type { OpenItemForm } from './rectification.schema';

const eligibleOutcomes = ['substantiated', 'partlySubstantiated'];

export interface ItemSource {
  caseId: string;
  reference: string;
  unitCode: string;
  source: 'case' | 'inspection';
}

/** The case an item may be opened from: concluded as substantiated (or partly), or an inspection finding; null when not eligible. */
export async function itemSourceOf(reference: string): Promise<ItemSource | null> {
  const caseId = await caseIdForReference(reference);
  const found = caseId ? await Case.findById(caseId, { reference: 1, unitCode: 1, outcome: 1, channel: 1, purgedDate: 1 }).lean() : null;
  if (!found) throw notFound();
  // Purged under retention: only its skeleton is left, nothing to put right from.
  if (found.purgedDate) return null;
  const fromFinding = found.channel === 'inspection';
  if (!fromFinding && !eligibleOutcomes.includes(String(found.outcome))) return null;
  return { caseId: String(found._id), reference: found.reference, unitCode: found.unitCode, source: fromFinding ? 'inspection' : 'case' };
}

export async function openItem(staff: SignedInStaff, form: OpenItemForm, today: string): Promise<string> {
  if (!staff.roles.includes('supervisor')) throw forbidden();
  const source = await itemSourceOf(form.reference);
  if (!source) throw refuseField('reference', 'rectification.errors.notEligible', 409);
  const id = new Types.ObjectId().toHexString();
  const item = await RectificationItem.create({
    _id: id, unitCode: form.unit, caseId: source.caseId, caseReference: source.reference, source: source.source,
    problem: form.problem, measure: form.measure, workingDays: form.workingDays,
    openedDate: today, openedBy: staff.id, dueDate: addWorkingDays(today, form.workingDays, workingCalendar()),
  });
  await recordAudit({ actor: staff.id, action: 'rectification.opened', caseId: source.caseId, caseRef: source.reference, details: { itemId: id, unit: form.unit, workingDays: form.workingDays } });
  await refreshLists(item.toObject());
  return id;
}

export type AnswerOutcome = { ok: true } | Extract<FilesOutcome, { ok: false }>;

export async function answerItem(staff: SignedInStaff, itemId: string, text: string, files: ReadonlyArray<() => Promise<Buffer>>, commissionPublicKey: string, today: string): Promise<AnswerOutcome> {
  let outcome: AnswerOutcome = { ok: true };
  await stepOn(itemId, async (item) => {
    if (!isLiaisonOf(staff, item.unitCode)) throw forbidden();
    if (item.state !== 'open') throw refuseField('text', 'rectification.errors.notOpen', 409);
    const stored = await cleanAndStoreFiles(itemId, today, files, commissionPublicKey);
    if (!stored.ok) {
      outcome = stored;
      return null;
    }
    const answer = { date: today, by: staff.id, text, fileIds: stored.ids };
    await RectificationItem.updateOne({ _id: itemId }, { $set: { state: 'reported', answers: [...item.answers, answer] } });
    await recordAudit({ actor: staff.id, action: 'rectification.answered', caseId: item.caseId ?? undefined, details: { itemId, unit: item.unitCode, files: stored.ids.length } });
    return true;
  });
  return outcome;
}

export async function verifyItem(staff: SignedInStaff, itemId: string, today: string): Promise<void> {
  await stepOn(itemId, async (item) => {
    if (!isCommission(staff)) throw forbidden();
    if (item.state !== 'reported') throw new HttpError(409, 'badRequest');
    const answeredOn = item.answers.at(-1)!.date;
    const closedOnTime = answeredOn <= item.dueDate;
    await RectificationItem.updateOne({ _id: itemId }, { $set: { state: 'verified', verifiedDate: today, verifiedBy: staff.id, closedOnTime } });
    await recordAudit({ actor: staff.id, action: 'rectification.verified', caseId: item.caseId ?? undefined, caseRef: item.caseReference ?? undefined, details: { itemId, unit: item.unitCode, onTime: closedOnTime } });
    return true;
  });
}

export async function sendBackItem(staff: SignedInStaff, itemId: string, reason: string, today: string): Promise<void> {
  await stepOn(itemId, async (item) => {
    if (!isCommission(staff)) throw forbidden();
    if (item.state !== 'reported') throw refuseField('reason', 'rectification.errors.notReported', 409);
    await RectificationItem.updateOne({ _id: itemId }, { $set: { state: 'open', sentBack: [...item.sentBack, { date: today, by: staff.id, reason }] } });
    await recordAudit({ actor: staff.id, action: 'rectification.sentBack', caseId: item.caseId ?? undefined, caseRef: item.caseReference ?? undefined, details: { itemId, unit: item.unitCode } });
    return true;
  });
}

export async function findItem(itemId: string): Promise<RectificationItemDocument> {
  const item = /^[0-9a-f]{24}$/.test(itemId) ? await RectificationItem.findById(itemId).lean() : null;
  if (!item) throw notFound();
  return item;
}

/** Under the item's lock: the step reads the item, writes it (true) or leaves it (null); then the lists are put right. */
async function stepOn(itemId: string, step: (item: RectificationItemDocument) => Promise<true | null>): Promise<void> {
  await findItem(itemId);
  let changed = false;
  const locked = await withLock(`rectification:${itemId}`, { waitMs: 10_000 }, async () => {
    changed = (await step(await findItem(itemId))) === true;
  });
  if (!locked) throw new HttpError(503, 'unavailable');
  if (changed) await refreshLists(await findItem(itemId));
}
