/**
 * The district's bodies and the campaign's problem types, written on start-up
 * when missing. Existing entries are left as staff edited them.
 */
import { upsertRetryingDuplicates } from '../../lib/db';
import { Category } from './category.model';
import { forgetTaxonomyLists } from './taxonomy.service';
import { Unit } from './unit.model';

export const otherUnitCode = 'other';

const units: Array<[code: string, zh: string, en: string]> = [
  ['fgw', '区发改委', 'District Development and Reform Commission'],
  ['jtj', '区教体局', 'District Education and Sports Bureau'],
  ['sthjj', '区生态环境局', 'District Ecology and Environment Bureau'],
  ['zzb', '区委组织部', 'Organisation Department of the District Committee'],
  ['zfw', '区委政法委', 'Political and Legal Affairs Commission of the District Committee'],
  ['gaj', '区公安局', 'District Public Security Bureau'],
  ['swj', '区税务局', 'District Taxation Bureau'],
  ['xzspj', '区行政审批局', 'District Administrative Approval Bureau'],
  ['rsj', '区人社局', 'District Human Resources and Social Security Bureau'],
  ['nyncj', '区农业农村局', 'District Agriculture and Rural Affairs Bureau'],
  ['gxq', '南通高新区', 'Nantong High-Tech Zone'],
  ['lqz', '刘桥镇', 'Liuqiao Town'],
  ['pcz', '平潮镇', 'Pingchao Town'],
  ['jxjd', '金新街道', 'Jinxin Subdistrict'],
  [otherUnitCode, '其他（请注明）', 'Other (name it)'],
];

const categories: Array<[code: string, group: string, zh: string, en: string]> = [
  ['inaction', 'efficiency', '不作为、慢作为', 'Inaction and slow action'],
  ['shirking', 'efficiency', '推诿扯皮', 'Shirking and buck-passing'],
  ['hard-to-get-done', 'standards', '门难进、脸难看、事难办', 'Hard to get in, hard faces, hard to get done'],
  ['formalism', 'standards', '形式主义、官僚主义', 'Formalism and bureaucratism'],
  ['incompetence', 'capability', '不会为、业务不精', 'Lack of competence'],
  ['favours', 'arbitrary', '吃拿卡要', 'Asking for favours or bribes'],
  ['unauthorised-fees', 'arbitrary', '违规收费', 'Unauthorised fees'],
  ['irregular-enforcement', 'arbitrary', '执法不规范', 'Irregular law enforcement'],
  ['other', 'other', '其他', 'Other'],
];

/**
 * Categories staff set, never a reporter: kept inactive, so the report forms do not offer
 * them, and named, so staff pages and figures show a label instead of the raw code.
 * `retaliation`: a reporter's retaliation check-in (voice/retaliation.service.ts).
 */
const staffOnlyCategories: Array<[code: string, group: string, zh: string, en: string]> = [
  ['retaliation', 'other', '打击报复', 'Retaliation'],
];

/** Never offered to reporters (taxonomy-admin.service.ts refuses to offer them). */
export const staffOnlyCategoryCodes: ReadonlySet<string> = new Set(staffOnlyCategories.map(([code]) => code));

export async function seedTaxonomy(): Promise<void> {
  await Promise.all([
    ...units.map(([code, nameZh, nameEn], order) =>
      upsertRetryingDuplicates(() => Unit.updateOne({ code }, { $setOnInsert: { code, nameZh, nameEn, order, active: true } }, { upsert: true }))),
    ...categories.map(([code, group, nameZh, nameEn], order) =>
      upsertRetryingDuplicates(() => Category.updateOne({ code }, { $setOnInsert: { code, group, nameZh, nameEn, order, active: true } }, { upsert: true }))),
    ...staffOnlyCategories.map(([code, group, nameZh, nameEn], index) =>
      upsertRetryingDuplicates(() => Category.updateOne({ code }, { $setOnInsert: { code, group, nameZh, nameEn, order: categories.length + index, active: false } }, { upsert: true }))),
  ]);
  forgetTaxonomyLists(); // a form shown while seeding may have kept a partial list
}
