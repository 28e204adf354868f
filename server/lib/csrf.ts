/**
 * CSRF protection for every state-changing form (double-submit cookie,
 * csrf-csrf). The token is bound to a random per-browser value kept in its
 * own cookie; it is never stored or logged, so it identifies no one.
 * Every POST is checked here, before any route reads its body: a
 * urlencoded form carries the token in its `_csrf` field; a multipart form
 * (evidence files) in its action's query (`?_csrf=…`, res.locals.csrfQuery),
 * so that no file is read, and no route runs, for a request without it.
 */
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { doubleCsrf } from 'csrf-csrf';

interface CsrfOptions {
  secret: string;
  cookieSecure: boolean;
}

export interface Csrf {
  /** Checks every POST and exposes res.locals.csrfToken and csrfQuery to every view. */
  middleware: RequestHandler[];
}

export function createCsrf({ secret, cookieSecure }: CsrfOptions): Csrf {
  const prefix = cookieSecure ? '__Host-' : '';
  const browserCookie = `${prefix}qf_browser`;
  const isMultipart = (req: Request): boolean => Boolean(req.is('multipart/form-data'));

  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => String(req.cookies?.[browserCookie] ?? ''),
    cookieName: `${prefix}qf_csrf`,
    cookieOptions: { sameSite: 'strict', path: '/', secure: cookieSecure, httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const token: unknown = isMultipart(req) ? req.query?._csrf : req.body?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });

  const ensureBrowserCookie: RequestHandler = (req, res, next) => {
    if (typeof req.cookies?.[browserCookie] !== 'string') {
      const value = randomBytes(18).toString('base64url');
      res.cookie(browserCookie, value, { sameSite: 'strict', path: '/', secure: cookieSecure, httpOnly: true });
      req.cookies = { ...req.cookies, [browserCookie]: value };
    }
    // Also what a report form's one-time token is bound to (reports/form-token.ts).
    res.locals.browserId = req.cookies[browserCookie];
    next();
  };

  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = generateCsrfToken(req, res);
    res.locals.csrfQuery = `_csrf=${encodeURIComponent(res.locals.csrfToken as string)}`;
    next();
  };

  return { middleware: [ensureBrowserCookie, doubleCsrfProtection, exposeToken] };
}
