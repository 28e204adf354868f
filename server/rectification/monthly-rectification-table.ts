/**
 * The monthly report's table of rectification by unit (督查整改情况): for each
 * unit with items opened in the month, the figures of rectification-figures.ts,
 * and a total row. A separate builder with its own partial, so the report's
 * other tables stay untouched.
 */
import { activeUnits } from '../cases/taxonomy/taxonomy.service';
import type { Language } from '../lib/i18n';
import { rectificationFiguresByUnit, type UnitRectificationFigures } from './rectification-figures';

export interface MonthlyRectificationTable {
  rows: Array<UnitRectificationFigures & { unitName: string }>;
  total: Omit<UnitRectificationFigures, 'unitCode'>;
}

export async function monthlyRectificationTable(month: string, lang: Language): Promise<MonthlyRectificationTable> {
  const [figures, units] = await Promise.all([rectificationFiguresByUnit([month]), activeUnits(lang, { includeInactive: true })]);
  const order = new Map(units.map((unit, index) => [unit.code, index]));
  const names = new Map(units.map((unit) => [unit.code, unit.name]));
  const rows = [...figures.values()]
    .sort((a, b) => (order.get(a.unitCode) ?? 999) - (order.get(b.unitCode) ?? 999))
    .map((row) => ({ ...row, unitName: names.get(row.unitCode) ?? row.unitCode }));
  const total = { opened: 0, closedOnTime: 0, overdue: 0, sentBack: 0 };
  for (const row of rows) {
    total.opened += row.opened;
    total.closedOnTime += row.closedOnTime;
    total.overdue += row.overdue;
    total.sentBack += row.sentBack;
  }
  return { rows, total };
}
