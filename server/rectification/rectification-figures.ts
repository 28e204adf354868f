/**
 * Counts of items per unit for a period, from the month lists (one document
 * per month opened, read by _id; rectification-lists.model.ts), never from a
 * scan of the items. Every count describes the items *opened* in the period
 * as they stand now, like the monthly report's cases:
 *
 * - opened: items opened in the period;
 * - closedOnTime: of those, verified on an answer given by the due date;
 * - overdue: of those, red now (open past the due date, or answered late)
 *   or verified on a late answer;
 * - sentBack: of those, items sent back at least once.
 *
 * rectificationFiguresByUnit is also for the unit assessment (综合考核).
 */
import { chinaDateOf } from '../lib/china-time';
import { listIds } from './rectification-lists.model';
import { readRows } from './rectification-lists.service';
import { isOverdue } from './rectification-lights';

export interface UnitRectificationFigures {
  unitCode: string;
  opened: number;
  closedOnTime: number;
  overdue: number;
  sentBack: number;
}

/** Per unit, for the months given (YYYY-MM: one for a month, three for a quarter, twelve for a year). */
export async function rectificationFiguresByUnit(months: readonly string[], today = chinaDateOf(new Date())): Promise<Map<string, UnitRectificationFigures>> {
  const lists = await Promise.all([...new Set(months)].map((month) => readRows(listIds.month(month))));
  const byUnit = new Map<string, UnitRectificationFigures>();
  for (const row of lists.flat()) {
    const figures = byUnit.get(row.unitCode) ?? { unitCode: row.unitCode, opened: 0, closedOnTime: 0, overdue: 0, sentBack: 0 };
    figures.opened += 1;
    if (row.state === 'verified' && row.closedOnTime) figures.closedOnTime += 1;
    if (isOverdue(row, today)) figures.overdue += 1;
    if (row.sentBackCount > 0) figures.sentBack += 1;
    byUnit.set(row.unitCode, figures);
  }
  return byUnit;
}
