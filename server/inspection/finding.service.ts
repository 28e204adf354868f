/**
 * Recording a finding, as a story: store it as a case with the channel
 * `inspection` through the service that stores every report (cleaned files,
 * sealed text, its deadlines counted from the day of the finding; no
 * identity, and no code is ever shown: no reporter follows it), then add it
 * to the inspector's own list and audit it. The case is the commit point: a
 * finding sent twice (same form token) is one case, and a list entry
 * missed by a crash is added by the second sending.
 */
import { recordAudit } from '../audit/audit.service';
import { Case } from '../cases/case.model';
import { submitReport, type SubmitDeps, type SubmitOutcome } from '../reports/report.service';
import type { FormCodeMaterial } from '../reports/form-token';
import { FindingList, findingListId } from './finding-list.model';
import { findingAsReport, type FindingForm } from './finding.schema';

export type FindingOutcome = Extract<SubmitOutcome, { status: 'busy' | 'evidenceRefused' }> | { status: 'recorded'; reference: string };

export async function recordFinding(inspectorId: string, form: FindingForm, files: ReadonlyArray<() => Promise<Buffer>>, material: FormCodeMaterial, deps: SubmitDeps): Promise<FindingOutcome> {
  const outcome = await submitReport(findingAsReport(form), files, material, deps, { channel: 'inspection', receivedDate: form.findingDate, inspectionMethod: form.method });
  if (outcome.status === 'busy' || outcome.status === 'evidenceRefused') return outcome;
  const row = { caseId: String(outcome.caseId), reference: outcome.reference, findingDate: form.findingDate, unitCode: form.unit, method: form.method, categoryCode: form.category };
  const listed = await FindingList.findById(findingListId(inspectorId)).lean();
  if (!listed?.rows.some((entry) => entry.caseId === row.caseId)) {
    await FindingList.updateOne({ _id: findingListId(inspectorId) }, { $push: { rows: row } }, { upsert: true });
  }
  if (outcome.status === 'created') {
    await recordAudit({ actor: inspectorId, action: 'finding.recorded', caseId: row.caseId, caseRef: row.reference, details: { method: form.method } });
  }
  return { status: 'recorded', reference: outcome.reference };
}

export interface OwnFinding {
  reference: string;
  findingDate: string;
  unitCode: string;
  method: string;
  categoryCode: string;
  stage: string | null;
}

/** The inspector's findings, newest first, each with its case's stage now (read by _id). */
export async function ownFindings(inspectorId: string, limit = 100): Promise<OwnFinding[]> {
  const listed = await FindingList.findById(findingListId(inspectorId)).lean();
  const rows = [...(listed?.rows ?? [])].reverse().slice(0, limit);
  const cases = await Promise.all(rows.map((row) => Case.findById(row.caseId, { status: 1 }).lean()));
  return rows.map((row, index) => ({
    reference: row.reference, findingDate: row.findingDate, unitCode: row.unitCode, method: row.method, categoryCode: row.categoryCode,
    stage: cases[index]?.status ?? null,
  }));
}
