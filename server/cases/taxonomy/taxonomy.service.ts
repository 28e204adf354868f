/**
 * Units and categories as the report form and the staff views show them.
 * Every form view needs both lists, so each instance keeps them for a short
 * while; a change by an administrator shows at once on the instance that made
 * it and within `listLifetimeMs` on the others.
 */
import type { Language } from '../../lib/i18n';
import { Category, categoryGroups, type CategoryDocument } from './category.model';
import { Unit, type UnitDocument } from './unit.model';

export interface Choice {
  code: string;
  name: string;
  active: boolean;
}

export interface CategoryGroupChoices {
  group: (typeof categoryGroups)[number];
  categories: Choice[];
}

export const listLifetimeMs = 30_000;

interface Lists {
  units: UnitDocument[];
  categories: CategoryDocument[];
  readAt: number;
}

let kept: Promise<Lists> | undefined;

/** Both lists, sorted by their order; from memory when read less than `listLifetimeMs` ago. */
export function taxonomyLists(): Promise<Lists> {
  const now = Date.now();
  if (!kept) {
    const reading = readLists(now);
    reading.catch(() => {
      if (kept === reading) kept = undefined;
    });
    kept = reading;
  }
  const current = kept;
  return current.then((lists) => {
    if (now - lists.readAt < listLifetimeMs) return lists;
    // Stale: the first caller to notice starts one new read, the others share it.
    if (kept === current) kept = undefined;
    return taxonomyLists();
  });
}

export function forgetTaxonomyLists(): void {
  kept = undefined;
}

async function readLists(readAt: number): Promise<Lists> {
  const [units, categories] = await Promise.all([Unit.find({}).lean(), Category.find({}).lean()]);
  const byOrder = (a: { order: number; code: string }, b: { order: number; code: string }) => a.order - b.order || a.code.localeCompare(b.code);
  return { units: units.sort(byOrder), categories: categories.sort(byOrder), readAt };
}

const named = (lang: Language) => (entry: { code: string; nameZh: string; nameEn: string; active: boolean }): Choice =>
  ({ code: entry.code, name: lang === 'zh' ? entry.nameZh : entry.nameEn, active: entry.active });

/** The units a report can name; staff views pass includeInactive to name old cases' units too. */
export async function activeUnits(lang: Language, options: { includeInactive?: boolean } = {}): Promise<Choice[]> {
  const { units } = await taxonomyLists();
  return units.filter((unit) => unit.active || options.includeInactive).map(named(lang));
}

export async function activeCategoryGroups(lang: Language, options: { includeInactive?: boolean } = {}): Promise<CategoryGroupChoices[]> {
  const { categories } = await taxonomyLists();
  const offered = categories.filter((category) => category.active || options.includeInactive);
  return categoryGroups
    .map((group) => ({ group, categories: offered.filter((category) => category.group === group).map(named(lang)) }))
    .filter((entry) => entry.categories.length > 0);
}

export async function isActiveUnit(code: string): Promise<boolean> {
  return (await taxonomyLists()).units.some((unit) => unit.code === code && unit.active);
}

export async function isActiveCategory(code: string): Promise<boolean> {
  return (await taxonomyLists()).categories.some((category) => category.code === code && category.active);
}
