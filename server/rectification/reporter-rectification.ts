/**
 * What a reporter's page shows of rectification: for each item tied to their
 * case, 整改中 (not yet verified) or 已整改 (verified), in the order opened,
 * and nothing more: no unit, no problem, no measure, no dates. Read from the
 * case's list (one document, by _id).
 */
import { listIds } from './rectification-lists.model';
import { readRows } from './rectification-lists.service';

export type ReporterRectification = Array<{ number: number; done: boolean }>;

export async function reporterRectification(caseId: string): Promise<ReporterRectification> {
  return (await readRows(listIds.ofCase(caseId))).map((row, index) => ({ number: index + 1, done: row.state === 'verified' }));
}
