/**
 * Submitting a report, as a story: wait for a turn in the intake queue
 * (or be told to come back, nothing stored), derive the reporter's keys from the code's
 * secret, stop if this form was already submitted, claim the code's locator,
 * clean, seal and store the files one at a time, then store the case — the insert that makes
 * the report exist — announce it (cases/case-changes.ts) and queue the notice
 * to the intake mailbox. If anything fails before that insert, the files are
 * removed again and no code is shown.
 */
import type { Types } from 'mongoose';
import { claimAttachments, cleanAndStoreFiles, discardAttachments } from '../cases/attachments.service';
import { Case, sealContext } from '../cases/case.model';
import { claimLocator, earlierClaim, type LocatorClaim } from '../cases/case-locator.model';
import { rememberReference } from '../cases/case-reference-key.model';
import { proposeCaseReference } from '../cases/case-reference.service';
import { isDuplicateKeyError } from '../lib/db';
import { HttpError } from '../lib/http-error';
import { receiptDates } from '../cases/deadlines';
import { createCaseKeysFor, type NewCaseKeys } from '../cases/sealing/case-keys';
import { sealJson } from '../cases/sealing/content-box';
import { deriveCaseTrackingKeys, joinTrackingCode } from '../cases/sealing/tracking-code';
import { recordCaseChange } from '../cases/case-changes';
import { sealIdentity, type IdentityKeys } from '../cases/identity-sealing';
import { dayStampedId, reporterDayOf } from '../cases/reporter-time';
import { caseFigureFields, type CaseLike } from '../cases/case-figures';
import type { Logger } from '../lib/logger';
import { QueueFull, type WorkQueue } from '../lib/work-queue';
import { enqueueMail } from '../notifications/outbox.service';
import type { EvidenceRefusalReason } from '../cases/evidence/clean-evidence';
import type { EnteredChannel, InspectionMethod } from '../cases/case-channels';
import type { FormCodeMaterial } from './form-token';
import type { ReportForm } from './report.schema';

export interface ReportSecrets extends IdentityKeys {
  commissionPublicKey: string;
  trackingSalt: Buffer;
}

/** Where "a new case arrived" goes: the intake mailbox, with a link into the staff area. */
export interface IntakeNotice {
  inbox: string;
  publicUrl: string;
  logger: Logger;
}

export interface SubmitDeps {
  secrets: ReportSecrets;
  intake: IntakeNotice;
  /** The instance's intake queue: argon2, cleaning and sealing take a core and tens of MB each. */
  queue: WorkQueue;
}

export type SubmitOutcome =
  | { status: 'created' | 'alreadySubmitted'; code: string; reference: string; caseId: Types.ObjectId }
  | { status: 'evidenceRefused'; fileNumber: number; reason: EvidenceRefusalReason }
  | { status: 'busy'; retryAfterMs: number };

const maxReferenceAttempts = 20;
const twinWaitMs = 10_000;

/** A report an intake officer enters (intake/): how it came and the day it was received, which the deadlines count from. */
export interface EnteredReport {
  channel: EnteredChannel | 'inspection' | 'window';
  receivedDate: string;
  /** an inspection finding's method (cases/case-channels.ts) */
  inspectionMethod?: InspectionMethod;
}

/** Each file is read when its turn comes (cleanAndStoreFiles). */
export async function submitReport(form: ReportForm, files: ReadonlyArray<() => Promise<Buffer>>, material: FormCodeMaterial, deps: SubmitDeps, entered?: EnteredReport): Promise<SubmitOutcome> {
  try {
    return await deps.queue.run(() => storeReport(form, files, material, deps.secrets, deps.intake, entered));
  } catch (error) {
    // Refused before it started: nothing was stored.
    if (error instanceof QueueFull) return { status: 'busy', retryAfterMs: error.retryAfterMs };
    throw error;
  }
}

async function storeReport(form: ReportForm, files: ReadonlyArray<() => Promise<Buffer>>, material: FormCodeMaterial, secrets: ReportSecrets, intake: IntakeNotice, entered?: EnteredReport): Promise<SubmitOutcome> {
  const reporterKeys = await deriveCaseTrackingKeys(material.secret, material.caseSalt, secrets.trackingSalt);
  const earlier = await earlierClaim(material);
  const earlierCase = earlier ? await Case.findById(earlier.caseId, { reference: 1 }).lean() : null;
  if (earlier && earlierCase) return alreadySubmitted(codeOf(earlier, material), earlier.caseId, earlierCase.reference);

  // A claim without its case is this form's first attempt, which died: this one goes on under it.
  const keys = createCaseKeysFor(reporterKeys, secrets.commissionPublicKey);
  const caseId = earlier?.caseId ?? dayStampedId();
  let attachmentIds: Types.ObjectId[] = [];
  let document: Record<string, unknown>;
  let inserted: InsertOutcome;
  let code: string;
  try {
    const stored = await cleanAndStoreFiles(caseId, keys.dataKey, files);
    if (!stored.ok) return { status: 'evidenceRefused', fileNumber: stored.fileNumber, reason: stored.reason };
    attachmentIds = stored.ids;
    // Claimed once the files are accepted, so a refused submission holds no locator.
    const claim = earlier ?? await claimLocator(material, caseId, reporterKeys.lookupId);
    code = codeOf(claim, material);
    if (!claim.caseId.equals(caseId)) {
      // A twin request of this form claimed first, under its own case id.
      await discardAttachments(attachmentIds);
      return await twinsOutcome(code, claim.caseId);
    }
    const receivedAt = entered ? new Date(`${entered.receivedDate}T00:00:00+08:00`) : reporterDayOf();
    const dates = receiptDates(receivedAt);
    document = {
      _id: caseId,
      lookupId: keys.lookupId,
      locator: claim.locator,
      channel: entered?.channel ?? 'web',
      inspectionMethod: entered?.inspectionMethod ?? null,
      kind: form.kind,
      reporterType: form.reporterType,
      unitCode: form.unit,
      categoryCode: form.kind === 'complaint' ? form.category : 'none',
      concernsCommission: form.concernsCommission,
      hasIdentity: form.identityChoice === 'confidential',
      bound: true,
      attachmentCount: attachmentIds.length,
      attachmentIds,
      receivedAt,
      receivedDate: dates.receivedDate,
      monthKey: dates.monthKey,
      acceptDueDate: dates.acceptDueDate,
      dueDate: dates.acceptDueDate,
      stageOrder: 0,
      ...sealedFields(form, caseId.toString(), keys, secrets),
    };
    inserted = await insertWithReference(document, dates.year);
  } catch (error) {
    await discardAttachments(attachmentIds).catch(() => undefined);
    throw error;
  } finally {
    keys.dataKey.fill(0);
  }
  if (inserted.status === 'alreadySubmitted') {
    await discardAttachments(attachmentIds);
    return alreadySubmitted(code, inserted.caseId, inserted.reference);
  }
  // The sweep checks a mark's case before removing a file, so a mark left behind is harmless.
  await claimAttachments(attachmentIds).catch(() => undefined);
  await rememberReference(inserted.reference, caseId);
  await recordCaseChange({ ...document, status: 'new' } as unknown as CaseLike);
  await queueIntakeNotice(intake, caseId, inserted.reference);
  return { status: 'created', code, reference: inserted.reference, caseId };
}

/**
 * The code is shown only for a stored case: the twin's, once it is there. If it does not come
 * (the twin failed), the reporter is asked to send the form again, which goes on under the claim.
 */
async function twinsOutcome(code: string, twinId: Types.ObjectId): Promise<SubmitOutcome> {
  for (let waited = 0; waited <= twinWaitMs; waited += 250) {
    const twin = await Case.findById(twinId, { reference: 1 }).lean();
    if (twin) return alreadySubmitted(code, twin._id, twin.reference);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new HttpError(503, 'unavailable');
}

function codeOf(claim: LocatorClaim, material: FormCodeMaterial): string {
  return joinTrackingCode({ locator: claim.locator, secret: material.secret });
}

// Reference and staff link only. Its failure must not hide the stored case from the reporter:
// the case is in the queue, only the heads-up mail is missing.
async function queueIntakeNotice(intake: IntakeNotice, caseId: Types.ObjectId, reference: string): Promise<void> {
  try {
    await enqueueMail({ to: intake.inbox, template: 'newCase', data: { publicUrl: intake.publicUrl, reference }, caseId });
  } catch (error) {
    intake.logger.warn({ error: (error as Error).name, reference }, 'intake notice not queued');
  }
}

/**
 * The form was sent before and its case is stored. The first request may have
 * died before announcing the case or keeping its reference: do both now
 * (a state already counted, a key already there, changes nothing).
 */
async function alreadySubmitted(code: string, caseId: Types.ObjectId, reference: string): Promise<SubmitOutcome> {
  const stored = await Case.findById(caseId, caseFigureFields).lean();
  if (stored) await recordCaseChange(stored as unknown as CaseLike);
  await rememberReference(reference, caseId);
  return { status: 'alreadySubmitted', code, reference, caseId };
}

function sealedFields(form: ReportForm, caseId: string, keys: NewCaseKeys, secrets: IdentityKeys) {
  const report = {
    description: form.description,
    whenWhere: form.whenWhere,
    officialName: form.officialName,
    workOrderNumber: form.workOrderNumber,
    unitOther: form.unit === 'other' ? form.unitOther : '',
  };
  const identity = form.identityChoice === 'confidential'
    ? sealIdentity(caseId, { name: form.name, phone: form.phone, email: form.email, companyName: form.companyName, creditCode: form.creditCode, notifyByEmail: form.notifyByEmail }, keys.dataKey, secrets)
    : null;
  return {
    keys: { sealedForCommission: keys.sealedForCommission, wrappedForReporter: keys.wrappedForReporter, sealedForIdentity: identity?.sealedForIdentity ?? null },
    sealed: {
      report: sealJson(keys.dataKey, report, sealContext.report(caseId, { concernsCommission: form.concernsCommission })),
      identity: identity?.identity ?? null,
      notice: identity?.notice ?? null,
    },
  };
}

type InsertOutcome = { status: 'inserted'; reference: string } | { status: 'alreadySubmitted'; reference: string; caseId: Types.ObjectId };

// A twin request of the same form (double click) holds the same claim, so it
// inserts the same _id: the unique index catches it, and the twin is read by
// _id. The unique reference catches two requests given the same number
// (FerretDB's $inc is not atomic, so under load that is the usual duplicate).
async function insertWithReference(document: Record<string, unknown>, year: string): Promise<InsertOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    const reference = await proposeCaseReference(year);
    try {
      await Case.create({ ...document, reference });
      return { status: 'inserted', reference };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const twin = await Case.findById(document._id, { reference: 1 }).lean();
      if (twin) return { status: 'alreadySubmitted', reference: twin.reference, caseId: twin._id };
      if (attempt >= maxReferenceAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/** What the confirmation says was received (by _id: one read). */
export async function receivedFacts(caseId: Types.ObjectId): Promise<{ unit: string; receivedDate: string; fileCount: number } | null> {
  const stored = await Case.findById(caseId, { unitCode: 1, receivedDate: 1, attachmentCount: 1 }).lean();
  return stored ? { unit: String(stored.unitCode), receivedDate: String(stored.receivedDate), fileCount: Number(stored.attachmentCount ?? 0) } : null;
}
