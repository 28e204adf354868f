/**
 * The reporter's voice in the monthly report and on /figures: ratings per
 * unit and level, in the month they were given, read from the month's
 * counter document (voice-counts.model.ts), never from the cases.
 *
 * On /figures, ratings of cases about the commission's own staff are left
 * out, and the unit-by-level cells follow the small-count rule
 * (oversight/small-counts.ts): the month's number of ratings is not shown,
 * so the hidden cells cannot be had by subtraction from it either.
 */
import type { Language } from '../lib/i18n';
import { taxonomyNames } from '../oversight/monthly-report-data';
import type { Translate } from '../oversight/monthly-report-table';
import { applySmallCountRule } from '../oversight/small-counts';
import { publicUnitLevelRows, type PublicUnitLevels } from '../oversight/public-unit-levels';
import { ratingLevels, type RatingLevel } from './rating.model';
import { readVoiceEntries, type VoiceEntry } from './voice-counts.model';

export interface UnitSatisfaction {
  unit: string;
  name: string;
  levels: Record<RatingLevel, number>;
  total: number;
  /** satisfied or basically satisfied, of total */
  satisfied: number;
}

export async function monthlySatisfaction(month: string, lang: Language): Promise<UnitSatisfaction[]> {
  const [entries, names] = await Promise.all([readVoiceEntries(month, 'rating'), unitNames(lang)]);
  const byUnit = new Map<string, UnitSatisfaction>();
  for (const entry of entries) {
    const row = byUnit.get(entry.unit) ?? emptyRow(entry.unit, names.get(entry.unit) ?? entry.unit);
    if (isLevel(entry.value)) row.levels[entry.value] += 1;
    row.total += 1;
    row.satisfied = row.levels.satisfied + row.levels.basicallySatisfied;
    byUnit.set(entry.unit, row);
  }
  const order = [...names.keys()];
  return [...byUnit.values()].sort((a, b) => rank(order, a.unit) - rank(order, b.unit));
}

export type PublicSatisfaction = PublicUnitLevels;

export async function publicSatisfaction(month: string, lang: Language, t: Translate): Promise<PublicSatisfaction> {
  const [entries, names] = await Promise.all([readVoiceEntries(month, 'rating'), unitNames(lang)]);
  const counted = entries.filter((entry: VoiceEntry) => !entry.commission);
  const units = [...new Set(counted.map((entry) => entry.unit))].sort((a, b) => rank([...names.keys()], a) - rank([...names.keys()], b));
  const cells = units.flatMap((unit) => ratingLevels.map((level) => ({
    unit, level, value: counted.filter((entry) => entry.unit === unit && entry.value === level).length,
  })));
  return publicUnitLevelRows(cells, (unit, level) => t('voice.figures.unitLevel', { unit: names.get(unit) ?? unit, level: t(`voice.levels.${level}`) }), t);
}

/** For /figures' headline rate: the month's ratings (none about the commission's staff) and how many were satisfied or basically so. */
export async function publicSatisfactionBase(month: string): Promise<{ rated: number; satisfied: number }> {
  const counted = (await readVoiceEntries(month, 'rating')).filter((entry) => !entry.commission);
  return { rated: counted.length, satisfied: counted.filter((entry) => entry.value === 'satisfied' || entry.value === 'basicallySatisfied').length };
}

export interface UnitCount {
  unit: string;
  name: string;
  count: number;
}

/** Retaliation check-ins received in the month, per unit of the case they were started from. */
export async function monthlyRetaliation(month: string, lang: Language): Promise<UnitCount[]> {
  const [entries, names] = await Promise.all([readVoiceEntries(month, 'retaliation'), unitNames(lang)]);
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.unit, (counts.get(entry.unit) ?? 0) + 1);
  const order = [...names.keys()];
  return [...counts].map(([unit, count]) => ({ unit, name: names.get(unit) ?? unit, count })).sort((a, b) => rank(order, a.unit) - rank(order, b.unit));
}

/** On /figures: one number, the month's check-ins, under the small-count rule (none about the commission's staff). */
export async function publicRetaliation(month: string, t: Translate): Promise<{ text: string } | null> {
  const count = (await readVoiceEntries(month, 'retaliation')).filter((entry) => !entry.commission).length;
  if (count === 0) return null;
  const [cell] = applySmallCountRule([{ key: 'total', value: count }]).cells;
  return { text: cell.count.kind === 'shown' ? String(cell.count.value) : t('oversight.figures.fewerThanFive') };
}

async function unitNames(lang: Language): Promise<Map<string, string>> {
  return new Map((await taxonomyNames(lang)).units.map((unit) => [unit.code, unit.name]));
}

function emptyRow(unit: string, name: string): UnitSatisfaction {
  return { unit, name, levels: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 }, total: 0, satisfied: 0 };
}

function isLevel(value: string): value is RatingLevel {
  return (ratingLevels as readonly string[]).includes(value);
}

function rank(order: readonly string[], code: string): number {
  const index = order.indexOf(code);
  return index < 0 ? order.length : index;
}
