/** How a month is named on pages: 2025年3月, March 2025. */
import type { Language } from '../lib/i18n';

const formats: Record<Language, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', timeZone: 'UTC' }),
};

const shortEnglish = new Intl.DateTimeFormat('en-GB', { year: '2-digit', month: 'short', timeZone: 'UTC' });

export function monthLabel(month: string, lang: Language): string {
  return formats[lang].format(new Date(`${month}-01T00:00:00Z`));
}

/** For chart axes, where space is short. */
export function shortMonthLabel(month: string, lang: Language): string {
  if (lang === 'zh') return `${month.slice(2, 4)}年${Number(month.slice(5, 7))}月`;
  return shortEnglish.format(new Date(`${month}-01T00:00:00Z`));
}
