/**
 * The public information pages: home, privacy notice, and the language
 * switch (a POST form on every page, so it works without JavaScript).
 */
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../lib/http-error';
import { languages } from '../lib/i18n';
import { languageCookie } from '../lib/language';

const languageForm = z
  .object({
    _csrf: z.string(),
    lang: z.enum(languages),
    // Only a path on this site: never "//host" or a scheme, so no open redirect.
    returnTo: z.string().max(200).regex(/^\/(?![/\\])[\w\-/.]*$/).catch('/'),
  })
  .strict();

export function pagesRoutes(options: { cookieSecure: boolean }): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res.render('pages/home', { title: 'home.title' });
  });

  router.get('/privacy', (_req, res) => {
    res.render('pages/privacy', { title: 'privacy.title' });
  });

  router.post('/language', (req, res) => {
    const form = languageForm.safeParse(req.body);
    if (!form.success) throw new HttpError(400, 'badRequest');
    res.cookie(languageCookie, form.data.lang, {
      sameSite: 'lax',
      path: '/',
      secure: options.cookieSecure,
      httpOnly: true,
      maxAge: 365 * 24 * 3600 * 1000,
    });
    res.redirect(303, form.data.returnTo);
  });

  return router;
}
