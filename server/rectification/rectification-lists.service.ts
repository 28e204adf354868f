/**
 * After every step of an item, its row is put again into each kept list it
 * belongs to (rectification-lists.model.ts): its unit's, its month's, its
 * case's, and the open list while it is not verified. One lock for all the
 * lists, as two steps of different items may write the same list; each
 * write reads and replaces one document by _id.
 */
import { upsertRetryingDuplicates } from '../lib/db';
import { withLock } from '../lib/locks';
import { HttpError } from '../lib/http-error';
import type { RectificationItemDocument } from './rectification-item.model';
import { listIds, RectificationList, type ItemRow } from './rectification-lists.model';

export function rowOf(item: RectificationItemDocument): ItemRow {
  const lastAnswer = item.answers.at(-1);
  return {
    itemId: item._id, unitCode: item.unitCode, caseReference: item.caseReference ?? null, problem: item.problem, measure: item.measure,
    state: item.state, openedDate: item.openedDate, dueDate: item.dueDate,
    reportedDate: item.state === 'open' ? null : (lastAnswer?.date ?? null),
    verifiedDate: item.verifiedDate ?? null, closedOnTime: item.closedOnTime ?? null, sentBackCount: item.sentBack.length,
  };
}

export async function refreshLists(item: RectificationItemDocument): Promise<void> {
  const row = rowOf(item);
  const done = await withLock('rectification-lists', { waitMs: 10_000 }, async () => {
    await putRow(listIds.unit(item.unitCode), row);
    await putRow(listIds.month(item.openedDate.slice(0, 7)), row);
    if (item.caseId) await putRow(listIds.ofCase(item.caseId), row);
    if (item.state === 'verified') await dropRow(listIds.open, row.itemId);
    else await putRow(listIds.open, row);
  });
  if (!done) throw new HttpError(503, 'unavailable');
}

export async function readRows(listId: string): Promise<ItemRow[]> {
  const list = await RectificationList.findById(listId).lean();
  return (list?.rows ?? []) as ItemRow[];
}

async function putRow(listId: string, row: ItemRow): Promise<void> {
  const rows = (await readRows(listId)).filter((entry) => entry.itemId !== row.itemId);
  rows.push(row);
  rows.sort((a, b) => a.openedDate.localeCompare(b.openedDate) || a.itemId.localeCompare(b.itemId));
  await writeRows(listId, rows);
}

async function dropRow(listId: string, itemId: string): Promise<void> {
  const rows = await readRows(listId);
  if (rows.some((entry) => entry.itemId === itemId)) await writeRows(listId, rows.filter((entry) => entry.itemId !== itemId));
}

function writeRows(listId: string, rows: ItemRow[]): Promise<unknown> {
  return upsertRetryingDuplicates(() => RectificationList.updateOne({ _id: listId }, { $set: { rows } }, { upsert: true }));
}
