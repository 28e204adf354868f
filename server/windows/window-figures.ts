/**
 * The window ratings counted (window-counts.model.ts), for the monthly
 * report (per unit and per window), for /figures (per unit and level, under
 * the small-count rule of oversight/small-counts.ts) and for the unit
 * assessment (windowRatingFiguresByUnit). Read by _id, one document a month.
 */
import type { Language } from '../lib/i18n';
import { taxonomyNames } from '../oversight/monthly-report-data';
import type { Translate } from '../oversight/monthly-report-table';
import { publicUnitLevelRows, type PublicUnitLevels } from '../oversight/public-unit-levels';
import { windowMonthCounts } from './window-counts.model';
import { noCounts, windowRatingLevels, type LevelCounts } from './window-rating-levels';
import { listWindows } from './window-register.service';

export interface UnitWindowRatings {
  unit: string;
  levels: LevelCounts;
  total: number;
}

/** Ratings by unit and level over the given months (YYYY-MM), every level counted, for the unit assessment. */
export async function windowRatingFiguresByUnit(months: readonly string[]): Promise<UnitWindowRatings[]> {
  const byUnit = new Map<string, UnitWindowRatings>();
  for (const counts of await Promise.all([...new Set(months)].map(windowMonthCounts))) {
    for (const entry of counts.values()) {
      const row = byUnit.get(entry.unit) ?? { unit: entry.unit, levels: noCounts(), total: 0 };
      for (const level of windowRatingLevels) row.levels[level] += entry.counts[level];
      row.total = sum(row.levels);
      byUnit.set(entry.unit, row);
    }
  }
  return [...byUnit.values()].sort((a, b) => a.unit.localeCompare(b.unit));
}

export interface MonthlyWindowRatings {
  units: Array<UnitWindowRatings & { name: string }>;
  windows: Array<{ id: string; unitName: string; hall: string; number: string; levels: LevelCounts; total: number }>;
}

/** The monthly report's two tables: per unit, then per window. */
export async function monthlyWindowRatings(month: string, lang: Language): Promise<MonthlyWindowRatings> {
  const [counts, units, names, registered] = await Promise.all([windowMonthCounts(month), windowRatingFiguresByUnit([month]), unitNames(lang), listWindows()]);
  const known = new Map(registered.map((window) => [window.id, window]));
  const order = [...names.keys()];
  return {
    units: units.map((row) => ({ ...row, name: names.get(row.unit) ?? row.unit })).sort((a, b) => rank(order, a.unit) - rank(order, b.unit)),
    windows: [...counts].map(([id, entry]) => ({
      id, unitName: names.get(entry.unit) ?? entry.unit, hall: known.get(id)?.hall ?? '', number: known.get(id)?.number ?? id, levels: entry.counts, total: sum(entry.counts),
    })).sort((a, b) => a.unitName.localeCompare(b.unitName) || a.hall.localeCompare(b.hall) || a.number.localeCompare(b.number, undefined, { numeric: true })),
  };
}

export type PublicWindowRatings = PublicUnitLevels;

/** On /figures: one cell per unit and level, small counts suppressed as for every public table. */
export async function publicWindowRatings(month: string, lang: Language, t: Translate): Promise<PublicWindowRatings> {
  const [units, names] = await Promise.all([windowRatingFiguresByUnit([month]), unitNames(lang)]);
  const order = [...names.keys()];
  const cells = units.sort((a, b) => rank(order, a.unit) - rank(order, b.unit))
    .flatMap((row) => windowRatingLevels.map((level) => ({ unit: row.unit, level, value: row.levels[level] })));
  return publicUnitLevelRows(cells, (unit, level) => t('windows.figures.unitLevel', { unit: names.get(unit) ?? unit, level: t(`windows.levels.${level}`) }), t);
}

function sum(levels: LevelCounts): number {
  return windowRatingLevels.reduce((total, level) => total + levels[level], 0);
}

async function unitNames(lang: Language): Promise<Map<string, string>> {
  return new Map((await taxonomyNames(lang)).units.map((unit) => [unit.code, unit.name]));
}

function rank(order: readonly string[], code: string): number {
  const index = order.indexOf(code);
  return index < 0 ? order.length : index;
}
