/**
 * Two languages: Simplified Chinese (default) and English. Every user-facing
 * string lives in server/locales/*.json; code refers to keys only.
 */
import i18next, { type TFunction } from 'i18next';
import en from '../locales/en.json';
import zh from '../locales/zh.json';

export const languages = ['zh', 'en'] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = 'zh';
export const htmlLang: Record<Language, string> = { zh: 'zh-CN', en: 'en' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

let instance: typeof i18next | undefined;

function i18n(): typeof i18next {
  if (!instance) {
    instance = i18next.createInstance();
    // initAsync false: resources are in memory, so init completes synchronously.
    void instance.init({
      resources: { zh: { translation: zh }, en: { translation: en } },
      lng: defaultLanguage,
      fallbackLng: false,
      initAsync: false,
      interpolation: { escapeValue: false }, // Handlebars escapes on output
      returnNull: false,
    });
  }
  return instance;
}

export function translator(language: Language): TFunction {
  return i18n().getFixedT(language);
}
