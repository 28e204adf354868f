/**
 * Administrators maintain the units and categories. Entries are never
 * deleted, since cases keep their codes: an entry no longer offered is
 * switched off and stays named in the staff views and the reports.
 */
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.service';
import { isDuplicateKeyError } from '../../lib/db';
import { refuseField } from '../../lib/forms';
import { Category, categoryGroups } from './category.model';
import { forgetTaxonomyLists } from './taxonomy.service';
import { Unit } from './unit.model';
import { staffOnlyCategoryCodes } from './taxonomy-seed';

export const taxonomyListNames = ['units', 'categories'] as const;
export type TaxonomyListName = (typeof taxonomyListNames)[number];

export function isTaxonomyListName(value: unknown): value is TaxonomyListName {
  return typeof value === 'string' && (taxonomyListNames as readonly string[]).includes(value);
}

/** 'other' carries the report form's "name it" field; 'none' marks cases without a category. */
const alwaysOffered = 'other';
const reservedCodes = ['none'];

const entryFields = z.object({
  _csrf: z.string().max(300),
  nameZh: z.string().trim().min(1).max(60),
  nameEn: z.string().trim().min(1).max(120),
  order: z.string().trim().regex(/^\d{1,4}$/).transform(Number),
  active: z.literal('yes').optional().transform((value) => value === 'yes'),
});

const newEntryFields = entryFields.extend({
  code: z.string().trim().min(2).max(40).regex(/^[a-z0-9][a-z0-9-]*$/).refine((code) => !reservedCodes.includes(code)),
});

export const taxonomyForms = {
  edit: { units: entryFields.strict(), categories: entryFields.extend({ group: z.enum(categoryGroups) }).strict() },
  add: { units: newEntryFields.strict(), categories: newEntryFields.extend({ group: z.enum(categoryGroups) }).strict() },
};


interface EntryChange {
  nameZh: string;
  nameEn: string;
  order: number;
  active: boolean;
  group?: (typeof categoryGroups)[number];
}

const models = { units: Unit, categories: Category } as const;

export async function addTaxonomyEntry(list: TaxonomyListName, entry: EntryChange & { code: string }, adminId: string): Promise<void> {
  try {
    if (list === 'units') await Unit.create(entry);
    else await Category.create(entry);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw refuseField('code', 'taxonomy.problems.codeTaken', 409);
    throw error;
  }
  forgetTaxonomyLists();
  await recordAudit({ actor: adminId, action: 'taxonomy.entryAdded', details: { list, code: entry.code, active: entry.active } });
}

export async function changeTaxonomyEntry(list: TaxonomyListName, code: string, change: EntryChange, adminId: string): Promise<void> {
  if (code === alwaysOffered && !change.active) throw refuseField('active', 'taxonomy.problems.otherStaysOffered', 409);
  if (list === 'categories' && staffOnlyCategoryCodes.has(code) && change.active) throw refuseField('active', 'taxonomy.problems.staffOnly', 409);
  const model = models[list] as typeof Unit;
  const result = await model.updateOne({ code }, { $set: change });
  if (result.matchedCount === 0) throw refuseField('code', 'taxonomy.problems.notFound', 409);
  forgetTaxonomyLists();
  await recordAudit({ actor: adminId, action: 'taxonomy.entryChanged', details: { list, code, active: change.active } });
}

export async function taxonomyEntry(list: TaxonomyListName, code: string) {
  const model = models[list] as typeof Category;
  return model.findOne({ code }).lean();
}
