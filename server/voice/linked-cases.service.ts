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

export type LinkedCaseView = ReporterCaseView & { dueDate: string | null };

export async function linkedCaseViews(caseDocument: CaseDocument, dataKey: Buffer): Promise<LinkedCaseView[]> {
  const ids = (caseDocument.linkedCaseIds ?? []) as Types.ObjectId[];
  const linked = await Promise.all(ids.map((id) => Case.findById(id).lean<CaseDocument>()));
  const views: LinkedCaseView[] = [];
  for (const linkedCase of linked) {
    if (!linkedCase || String(linkedCase.linkedFrom) !== caseDocument._id.toString()) continue;
    const key = open(dataKey, Buffer.from(linkedCase.keys!.wrappedForReporter, 'base64'), linkedWrapContext(linkedCase._id.toString()));
    try {
      views.push({ ...(await reporterCaseView(linkedCase, key)), dueDate: linkedCase.dueDate ?? null });
    } finally {
      key.fill(0);
    }
  }
  return views;
}
