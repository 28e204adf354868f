/**
 * Cases a reporter started from their case (a retaliation check-in) are
 * followed with the same code: each linked case's data key is wrapped under
 * the first case's key, which the code opens. The reporter's page shows them
 * as the first case is shown (tracking/reporter-view.service.ts).
 */
import type { Types } from 'mongoose';
import { Case, type CaseDocument } from '../cases/case.model';
import { open, seal } from '../cases/sealing/content-box';
import { reporterCaseView, type ReporterCaseView } from '../tracking/reporter-view.service';

const linkedWrapContext = (linkedId: string) => `case:${linkedId}:linked-wrap`;

export function wrapForLinkedCase(originalKey: Buffer, linkedId: Types.ObjectId, linkedKey: Buffer): string {
  return seal(originalKey, linkedKey, linkedWrapContext(linkedId.toString())).toString('base64');
}

export type LinkedCaseView = ReporterCaseView & { id: string; dueDate: string | null };

/**
 * A case the reporter started from this one, opened with this case's key: for an addition
 * (追加信息) that belongs to it. Null unless it is one of this case's own linked cases.
 */
export async function openLinkedCase(caseDocument: CaseDocument, dataKey: Buffer, linkedId: string): Promise<{ caseDocument: CaseDocument; dataKey: Buffer } | null> {
  const isLinked = ((caseDocument.linkedCaseIds ?? []) as Types.ObjectId[]).some((id) => id.toString() === linkedId);
  const linkedCase = isLinked ? await Case.findById(linkedId).lean<CaseDocument>() : null;
  if (!linkedCase?.keys?.wrappedForReporter || String(linkedCase.linkedFrom) !== caseDocument._id.toString() || linkedCase.purgedDate) return null;
  return { caseDocument: linkedCase, dataKey: open(dataKey, Buffer.from(linkedCase.keys.wrappedForReporter, 'base64'), linkedWrapContext(linkedId)) };
}

export async function linkedCaseViews(caseDocument: CaseDocument, dataKey: Buffer): Promise<LinkedCaseView[]> {
  const ids = (caseDocument.linkedCaseIds ?? []) as Types.ObjectId[];
  const linked = await Promise.all(ids.map((id) => Case.findById(id).lean<CaseDocument>()));
  const views: LinkedCaseView[] = [];
  for (const linkedCase of linked) {
    // A purged case has no parts left to show (retention/); openLinkedCase refuses it too.
    if (!linkedCase?.keys?.wrappedForReporter || String(linkedCase.linkedFrom) !== caseDocument._id.toString() || linkedCase.purgedDate) continue;
    const key = open(dataKey, Buffer.from(linkedCase.keys.wrappedForReporter, 'base64'), linkedWrapContext(linkedCase._id.toString()));
    try {
      views.push({ ...(await reporterCaseView(linkedCase, key)), id: linkedCase._id.toString(), dueDate: linkedCase.dueDate ?? null });
    } finally {
      key.fill(0);
    }
  }
  return views;
}
