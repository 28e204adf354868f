/**
 * A reporter tells the commission they suffered retaliation for reporting
 * (打击报复): what happened, when, and files. It becomes a case of its own,
 * linked to the reporter's case: category `retaliation`, high priority, seen
 * by supervisors only (supervisorsOnly), sealed like every case under its own
 * data key, with the acceptance deadline of every new case. The reporter
 * follows it with the same code: its data key is wrapped under the first
 * case's key (linked-cases.ts), never under a code of its own.
 *
 * Order without transactions: the link on the reporter's case first (an id
 * without its case is shown as nothing), then the files, the case (the commit
 * point), its reference key, the change for the read models, the counter and
 * the intake notice (a reference and a link only).
 */
import type { Types } from 'mongoose';
import { claimAttachments, cleanFiles, discardAttachments, storeSealedAttachments } from '../cases/attachments.service';
import { recordCaseChange } from '../cases/case-changes';
import type { CaseLike } from '../cases/case-figures';
import { rememberReference } from '../cases/case-reference-key.model';
import { proposeCaseReference } from '../cases/case-reference.service';
import { Case, sealContext, type CaseDocument } from '../cases/case.model';
import type { EvidenceRefusalReason } from '../cases/evidence/clean-evidence';
import { receiptDates } from '../cases/deadlines';
import { dayStampedId, reporterDayOf } from '../cases/reporter-time';
import { sealToCommission } from '../cases/sealing/commission-key';
import { newDataKey, sealJson } from '../cases/sealing/content-box';
import { isDuplicateKeyError } from '../lib/db';
import { HttpError } from '../lib/http-error';
import { withLock } from '../lib/locks';
import { enqueueMail } from '../notifications/outbox.service';
import { wrapForLinkedCase } from './linked-cases.service';
import type { ReporterKey } from './rating.service';
import { countVoiceEntry } from './voice-counts.model';

export const retaliationCategory = 'retaliation';

export interface RetaliationDeps {
  commissionPublicKey: string;
  inbox: string;
  publicUrl: string;
}

export type RetaliationOutcome = { status: 'created'; reference: string } | { status: 'evidenceRefused'; fileNumber: number; reason: EvidenceRefusalReason };

export async function reportRetaliation(access: ReporterKey, form: { happened: string; when: string }, files: readonly Buffer[], deps: RetaliationDeps): Promise<RetaliationOutcome> {
  const cleaning = await cleanFiles(files);
  if (!cleaning.ok) return { status: 'evidenceRefused', fileNumber: cleaning.fileNumber, reason: cleaning.reason };
  const original = access.caseDocument;
  const caseId = dayStampedId();
  await linkToOriginal(original, caseId);
  const dataKey = newDataKey();
  let attachmentIds: Types.ObjectId[] = [];
  let document: Record<string, unknown>;
  let reference: string;
  try {
    attachmentIds = await storeSealedAttachments(caseId, dataKey, cleaning.files);
    const receivedAt = reporterDayOf();
    const dates = receiptDates(receivedAt);
    document = {
      _id: caseId,
      lookupId: `linked:${caseId.toString()}`,
      kind: 'complaint',
      reporterType: original.reporterType,
      unitCode: original.unitCode,
      categoryCode: retaliationCategory,
      concernsCommission: false,
      supervisorsOnly: true,
      priority: 'high',
      linkedFrom: original._id,
      bound: true,
      attachmentCount: attachmentIds.length,
      attachmentIds,
      receivedAt,
      receivedDate: dates.receivedDate,
      monthKey: dates.monthKey,
      acceptDueDate: dates.acceptDueDate,
      dueDate: dates.acceptDueDate,
      stageOrder: 0,
      keys: { sealedForCommission: sealToCommission(deps.commissionPublicKey, dataKey), wrappedForReporter: wrapForLinkedCase(access.dataKey, caseId, dataKey) },
      sealed: {
        report: sealJson(dataKey, { description: form.happened, whenWhere: form.when, officialName: '', workOrderNumber: '', unitOther: '' }, sealContext.report(caseId.toString(), { concernsCommission: false })),
      },
    };
    reference = await insertWithReference(document, dates.year);
  } catch (error) {
    await discardAttachments(attachmentIds).catch(() => undefined);
    throw error;
  } finally {
    dataKey.fill(0);
  }
  await claimAttachments(attachmentIds).catch(() => undefined);
  await rememberReference(reference, caseId);
  await recordCaseChange({ ...document, status: 'new' } as unknown as CaseLike);
  await countVoiceEntry(String(document.monthKey), 'retaliation', caseId.toString(), { unit: original.unitCode, value: '', commission: Boolean(original.concernsCommission) }).catch(() => undefined);
  await enqueueMail({ to: deps.inbox, template: 'newCase', data: { publicUrl: deps.publicUrl, reference }, caseId }).catch(() => undefined);
  return { status: 'created', reference };
}

/** Under the case's lock, as every change of a case: FerretDB's updates are read-then-write. */
async function linkToOriginal(original: CaseDocument, linkedId: Types.ObjectId): Promise<void> {
  const locked = await withLock(`case-move:${original._id.toString()}`, { waitMs: 3_000 }, async () => {
    const current = await Case.findById(original._id, { linkedCaseIds: 1 }).lean();
    const ids = [...(current?.linkedCaseIds ?? []), linkedId];
    await Case.updateOne({ _id: original._id }, { $set: { linkedCaseIds: ids } });
  });
  if (!locked) throw new HttpError(409, 'caseChanged');
}

async function insertWithReference(document: Record<string, unknown>, year: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const reference = await proposeCaseReference(year);
    try {
      await Case.create({ ...document, reference });
      return reference;
    } catch (error) {
      // Two cases given the same number (FerretDB's $inc is not atomic): take the next.
      if (!isDuplicateKeyError(error) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
