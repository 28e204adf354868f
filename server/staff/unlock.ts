/**
 * Keeping the commission's private key usable for a signed-in staff member
 * without storing it: at sign-in it is sealed under a fresh random key; the
 * sealed box goes into the session (server side), the key into its own
 * cookie (browser side). Either half alone opens nothing, so a copy of the
 * session store (even with the database) reveals no key, and any portal
 * instance behind the proxy can open it for the request in hand.
 */
import { randomBytes } from 'node:crypto';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { open, seal } from '../cases/sealing/content-box';

export function unlockCookieName(cookieSecure: boolean): string {
  return cookieSecure ? '__Host-qf_unlock' : 'qf_unlock';
}

export function unlockCookieOptions(cookieSecure: boolean): CookieOptions {
  // No maxAge: a browser-session cookie, gone when the browser closes.
  return { path: '/', httpOnly: true, secure: cookieSecure, sameSite: 'strict' };
}

/** For the staff area, after loadStaff: opens the key this session unlocked, for this request only. */
export function openUnlockedKey(cookieSecure: boolean): RequestHandler {
  return (req, res, next) => {
    req.unlockedCommissionKey = openBox(req, res.locals.staff?.id, unlockCookieName(cookieSecure));
    next();
  };
}

export function keepUnlocked(req: Request, res: Response, cookieSecure: boolean, staffId: string, privateKeyPem: string): void {
  const key = randomBytes(32);
  req.session.unlockBox = seal(key, Buffer.from(privateKeyPem, 'utf8'), context(staffId)).toString('base64');
  res.cookie(unlockCookieName(cookieSecure), key.toString('base64url'), unlockCookieOptions(cookieSecure));
  key.fill(0);
}

/**
 * The commission's private key (PEM) for the signed-in staff member of this
 * request, or undefined if they hold no key or the session is not unlocked.
 * Use it for the request at hand; never store it or put it in a view.
 */
export function unlockedCommissionKey(req: Request): string | undefined {
  return req.unlockedCommissionKey;
}

function openBox(req: Request, staffId: string | undefined, cookieName: string): string | undefined {
  const box = req.session?.unlockBox;
  const cookie: unknown = req.cookies?.[cookieName];
  if (!staffId || !box || typeof cookie !== 'string') return undefined;
  try {
    return open(Buffer.from(cookie, 'base64url'), Buffer.from(box, 'base64'), context(staffId)).toString('utf8');
  } catch {
    return undefined;
  }
}

function context(staffId: string): string {
  return `staff-unlock:${staffId}`;
}
