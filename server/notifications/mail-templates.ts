/**
 * The texts of every email the system sends, from locales/<lang>/notifications.json.
 * A mail may say only that something happened, a case reference and a link:
 * never content, units, categories, identities or tracking codes. So each
 * template takes exactly those few values, and rejects anything that does
 * not look like a reference, a date or a count (a caller passing the wrong
 * field must fail loudly, not mail it).
 */
import type { TFunction } from 'i18next';
import { defaultLanguage, isLanguage, translator, type Language } from '../lib/i18n';

export const templateNames = ['newCase', 'caseAssigned', 'dailyDigest', 'reporterUpdate', 'retaliationInvitation', 'reporterAddition'] as const;
export type TemplateName = (typeof templateNames)[number];

export interface TrafficLightCounts {
  green: number;
  amber: number;
  red: number;
}

/** publicUrl is config.publicUrl: services take plain data, so the caller passes it. */
export interface TemplateData {
  newCase: { publicUrl: string; reference: string };
  caseAssigned: { publicUrl: string; reference: string };
  /** rectification: items not yet verified, by light (rectification/); counts only */
  dailyDigest: { publicUrl: string; date: string; counts: TrafficLightCounts; overdueReferences: string[]; rectification?: TrafficLightCounts };
  reporterUpdate: { publicUrl: string };
  /** 1 and 3 months after a conclusion (voice/): "tell us if anything happened", nothing more */
  retaliationInvitation: { publicUrl: string };
  reporterAddition: { publicUrl: string; reference: string };
}

export interface RenderedMail {
  subject: string;
  text: string;
}

/** More than this and the digest says "N more" instead of listing them. */
export const digestListLimit = 50;

const referencePattern = /^TZ-\d{4}-\d{5,}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

type Renderer<T extends TemplateName> = (data: TemplateData[T], t: TFunction) => RenderedMail;

const renderers: { [T in TemplateName]: Renderer<T> } = {
  newCase: (data, t) => staffCaseMail('newCase', data, t),
  caseAssigned: (data, t) => staffCaseMail('caseAssigned', data, t),
  dailyDigest: renderDailyDigest,
  // Its words are in workday.json (the queue's feature), hence a prefix of its own.
  reporterAddition: (data, t) => staffCaseMail('workday.additionMail', data, t, ''),
  reporterUpdate: (data, t) => ({
    subject: t('notifications.reporterUpdate.subject'),
    text: lines(
      t('notifications.reporterUpdate.body', { link: `${baseUrl(data.publicUrl)}/track` }),
      '',
      t('notifications.reporterUpdate.privacy'),
    ),
  }),
  retaliationInvitation: (data, t) => ({
    subject: t('notifications.retaliationInvitation.subject'),
    text: lines(
      t('notifications.retaliationInvitation.body', { link: `${baseUrl(data.publicUrl)}/track` }),
      '',
      t('notifications.reporterUpdate.privacy'),
    ),
  }),
};

export function isTemplateName(value: unknown): value is TemplateName {
  return typeof value === 'string' && (templateNames as readonly string[]).includes(value);
}

export function renderMail<T extends TemplateName>(template: T, data: TemplateData[T], lang: Language = defaultLanguage): RenderedMail {
  if (!isTemplateName(template)) throw new TypeError('Unknown mail template');
  if (!isLanguage(lang)) throw new TypeError('Unknown mail language');
  const render = renderers[template] as Renderer<T>;
  return render(data, translator(lang));
}

export function staffCaseLink(publicUrl: string, reference: string): string {
  return `${baseUrl(publicUrl)}/staff/cases/${checkReference(reference)}`;
}

function staffCaseMail(template: string, data: TemplateData['newCase'], t: TFunction, namespace = 'notifications.'): RenderedMail {
  const reference = checkReference(data.reference);
  const key = `${namespace}${template}`;
  return {
    subject: t(`${key}.subject`, { reference }),
    text: lines(
      t(`${key}.intro`),
      '',
      t(`${key}.reference`, { reference }),
      t(`${key}.link`, { link: staffCaseLink(data.publicUrl, reference) }),
      '',
      t('notifications.staffFooter'),
    ),
  };
}

function renderDailyDigest(data: TemplateData['dailyDigest'], t: TFunction): RenderedMail {
  const date = checkDate(data.date);
  const references = data.overdueReferences.map(checkReference);
  const listed = references.slice(0, digestListLimit);
  const overdue =
    references.length === 0
      ? [t('notifications.dailyDigest.noOverdue')]
      : [
          t('notifications.dailyDigest.overdueHeading'),
          ...listed.map((reference) => t('notifications.dailyDigest.overdueLine', { reference, link: staffCaseLink(data.publicUrl, reference) })),
          ...(references.length > listed.length ? [t('notifications.dailyDigest.overdueMore', { number: references.length - listed.length })] : []),
        ];
  return {
    subject: t('notifications.dailyDigest.subject', { date }),
    text: lines(
      t('notifications.dailyDigest.intro', { date }),
      '',
      ...(['green', 'amber', 'red'] as const).map((light) => t(`notifications.dailyDigest.${light}`, { number: checkCount(data.counts[light]) })),
      '',
      ...overdue,
      '',
      ...rectificationLines(data, t),
      t('notifications.staffFooter'),
    ),
  };
}

function rectificationLines(data: TemplateData['dailyDigest'], t: TFunction): string[] {
  const counts = data.rectification;
  if (!counts) return [];
  const [green, amber, red] = [checkCount(counts.green), checkCount(counts.amber), checkCount(counts.red)];
  return [
    t('rectification.digest.lights', { green, amber, red }),
    ...(red > 0 ? [t('rectification.digest.overdue', { number: red, link: `${baseUrl(data.publicUrl)}/staff/rectification` })] : []),
    '',
  ];
}

function checkReference(reference: unknown): string {
  if (typeof reference !== 'string' || !referencePattern.test(reference)) throw new TypeError('A mail may carry only a case reference like TZ-2026-00042');
  return reference;
}

function checkDate(date: unknown): string {
  if (typeof date !== 'string' || !datePattern.test(date)) throw new TypeError('A digest date must be YYYY-MM-DD');
  return date;
}

function checkCount(count: unknown): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new TypeError('A digest count must be a whole number');
  return count;
}

function baseUrl(publicUrl: unknown): string {
  if (typeof publicUrl !== 'string' || !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicUrl)) throw new TypeError('publicUrl must be an http(s) URL');
  return publicUrl.replace(/\/+$/, '');
}

function lines(...parts: string[]): string {
  return `${parts.join('\n')}\n`;
}
