/**
 * A few minutes of state kept in the browser itself, in a cookie sealed
 * under a server key (AES-256-GCM), bound to the browser's random value
 * (lib/csrf.ts) as associated data and carrying its own expiry. The server
 * stores nothing: what the cookie holds (a tracking code) is in no database,
 * no Redis and no log, and there is nothing to clean up. Copied to another
 * browser, or after its expiry, it opens nothing. A sealed cookie cannot be
 * revoked before it expires, which is why every use keeps it short,
 * httpOnly, SameSite=Strict and on the narrowest path.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

export interface SealedCookie {
  name: string;
  path: string;
  lifetimeMs: number;
  key: Buffer;
  secure: boolean;
}

/** A key of its own per use, derived from the server secret. */
export function sealedCookieKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `qingfeng sealed cookie ${purpose} v1`, 32));
}

export function setSealedCookie(res: Response, cookie: SealedCookie, payload: object, now = Date.now()): void {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cookie.key, nonce);
  cipher.setAAD(browserOf(res));
  const sealed = Buffer.concat([cipher.update(JSON.stringify({ payload, expiresAt: now + cookie.lifetimeMs }), 'utf8'), cipher.final()]);
  const value = Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString('base64url');
  res.cookie(cookie.name, value, { path: cookie.path, httpOnly: true, sameSite: 'strict', secure: cookie.secure, maxAge: cookie.lifetimeMs });
}

/** What the cookie holds, or null when it is absent, forged, from another browser or expired. */
export function readSealedCookie(req: Request, res: Response, cookie: SealedCookie, now = Date.now()): unknown {
  const value: unknown = req.cookies?.[cookie.name];
  if (typeof value !== 'string' || value.length > 2000) return null;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length < 29) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cookie.key, bytes.subarray(0, 12));
    decipher.setAAD(browserOf(res));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const opened = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as { payload?: unknown; expiresAt?: unknown };
    return typeof opened.expiresAt === 'number' && opened.expiresAt >= now ? (opened.payload ?? null) : null;
  } catch {
    return null;
  }
}

export function clearSealedCookie(res: Response, cookie: SealedCookie): void {
  res.clearCookie(cookie.name, { path: cookie.path, httpOnly: true, sameSite: 'strict', secure: cookie.secure });
}

function browserOf(res: Response): Buffer {
  return Buffer.from(String(res.locals.browserId), 'utf8');
}
