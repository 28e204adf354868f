/**
 * Picks the page language from the `lang` cookie (zh or en; nothing else is
 * in it, so it identifies no one) and exposes it to views and routes.
 */
import type { RequestHandler } from 'express';
import { defaultLanguage, htmlLang, isLanguage, translator, type Language } from './i18n';

export const languageCookie = 'qf_lang';

export function language(): RequestHandler {
  return (req, res, next) => {
    const chosen: unknown = req.cookies?.[languageCookie];
    const lang: Language = isLanguage(chosen) ? chosen : defaultLanguage;
    res.locals.lang = lang;
    res.locals.htmlLang = htmlLang[lang];
    res.locals.t = translator(lang);
    res.locals.currentPath = req.path;
    next();
  };
}
