/**
 * The other ways to report (telephone, letter, visit), from configuration,
 * in the page's language, for the footer of every page: the portal is one
 * channel among several, and someone who cannot or will not use it must
 * find the others without searching.
 */
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import type { Language } from './i18n';

export function otherChannels(channels: Config['channels']): RequestHandler {
  return (_req, res, next) => {
    const lang = res.locals.lang as Language;
    const city = { phone: channels.city.phone, letterAddress: channels.city.letterAddress[lang], website: channels.city.website };
    res.locals.otherChannels = { phone: channels.phone, letterAddress: channels.letterAddress[lang], visitHours: channels.visitHours[lang], city };
    next();
  };
}
