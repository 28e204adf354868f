import type { TFunction } from 'i18next';
import type { Language } from './i18n';

declare global {
  namespace Express {
    interface Locals {
      lang: Language;
      htmlLang: string;
      t: TFunction;
      csrfToken: string;
      requestId: string;
      currentPath: string;
    }
  }
}

export {};
