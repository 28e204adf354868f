/**
 * CSRF protection for every state-changing form (double-submit cookie,
 * csrf-csrf). The token is bound to a random per-browser value kept in its
 * own cookie; it is never stored or logged, so it identifies no one.
 * Multipart forms are checked after their body is parsed (see
 * `protectMultipart`), because the token travels inside the body.
 */
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { doubleCsrf } from 'csrf-csrf';

interface CsrfOptions {
  secret: string;
  cookieSecure: boolean;
}

export interface Csrf {
  /** Checks urlencoded POSTs and exposes res.locals.csrfToken to every view. */
  middleware: RequestHandler[];
  /** To run right after a multipart parser. */
  protectMultipart: RequestHandler;
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
    getCsrfTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined),
  });

  const ensureBrowserCookie: RequestHandler = (req, res, next) => {
    if (typeof req.cookies?.[browserCookie] !== 'string') {
      const value = randomBytes(18).toString('base64url');
      res.cookie(browserCookie, value, { sameSite: 'strict', path: '/', secure: cookieSecure, httpOnly: true });
      req.cookies = { ...req.cookies, [browserCookie]: value };
    }
    next();
  };

  const protectUnlessMultipart: RequestHandler = (req, res, next) =>
    isMultipart(req) && req.method === 'POST' ? next() : doubleCsrfProtection(req, res, next);

  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = generateCsrfToken(req, res);
    next();
  };

  return {
    middleware: [ensureBrowserCookie, protectUnlessMultipart, exposeToken],
    protectMultipart: doubleCsrfProtection,
  };
}
