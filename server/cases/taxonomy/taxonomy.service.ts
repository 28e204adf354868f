/** Units and categories as the report form and the staff views show them. */
import type { Language } from '../../lib/i18n';
import { Category, categoryGroups } from './category.model';
import { Unit } from './unit.model';

export interface Choice {
  code: string;
  name: string;
}

export interface CategoryGroupChoices {
  group: (typeof categoryGroups)[number];
  categories: Choice[];
}

export async function activeUnits(lang: Language): Promise<Choice[]> {
  const units = await Unit.find({ active: true }).lean();
  return units.sort((a, b) => a.order - b.order).map((unit) => ({ code: unit.code, name: lang === 'zh' ? unit.nameZh : unit.nameEn }));
}

export async function activeCategoryGroups(lang: Language): Promise<CategoryGroupChoices[]> {
  const categories = await Category.find({ active: true }).lean();
  const sorted = categories.sort((a, b) => a.order - b.order);
  return categoryGroups
    .map((group) => ({
      group,
      categories: sorted.filter((c) => c.group === group).map((c) => ({ code: c.code, name: lang === 'zh' ? c.nameZh : c.nameEn })),
    }))
    .filter((entry) => entry.categories.length > 0);
}

export async function isActiveUnit(code: string): Promise<boolean> {
  return (await Unit.countDocuments({ code, active: true })) > 0;
}

export async function isActiveCategory(code: string): Promise<boolean> {
  return (await Category.countDocuments({ code, active: true })) > 0;
}
