/**
 * Traffic lights of items not yet verified: an open item is green, amber
 * within 3 working days of its due date, red once past it (the case
 * deadlines' rule, cases/working-days.ts); an item answered and awaiting
 * verification keeps the light its answer earned: green when it came by the
 * due date, red when late. "Overdue" in counts: red now, or verified on an
 * answer that came late.
 */
import { workingCalendar } from '../cases/deadlines';
import { chinaDateOf } from '../lib/china-time';
import { deadlineStatus, type DeadlineStatus } from '../cases/working-days';
import type { ItemRow } from './rectification-lists.model';
import { listIds } from './rectification-lists.model';
import { readRows } from './rectification-lists.service';

type Lit = Pick<ItemRow, 'state' | 'dueDate' | 'reportedDate' | 'closedOnTime'>;

export function lightOf(row: Lit, today: string): DeadlineStatus | null {
  if (row.state === 'verified') return null;
  if (row.state === 'reported') return row.reportedDate && row.reportedDate <= row.dueDate ? 'green' : 'red';
  return deadlineStatus(row.dueDate, today, workingCalendar());
}

export function isOverdue(row: Lit, today: string): boolean {
  if (row.state === 'verified') return row.closedOnTime === false;
  return lightOf(row, today) === 'red';
}

export interface OpenItemLights {
  counts: { green: number; amber: number; red: number };
  red: Array<ItemRow & { light: DeadlineStatus }>;
}

/** The open list (one document), counted by light; the red ones listed, oldest due first. */
export async function openItemLights(today: string): Promise<OpenItemLights> {
  const counts = { green: 0, amber: 0, red: 0 };
  const red: OpenItemLights['red'] = [];
  for (const row of await readRows(listIds.open)) {
    const light = lightOf(row, today);
    if (!light) continue;
    counts[light] += 1;
    if (light === 'red') red.push({ ...row, light });
  }
  red.sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  return { counts, red };
}

/** The staff dashboard's part: the counts by light and the red items (at most ten, oldest due first). */
export async function dashboardRectification(today = chinaDateOf(new Date())): Promise<OpenItemLights> {
  const lights = await openItemLights(today);
  return { counts: lights.counts, red: lights.red.slice(0, 10) };
}
