/**
 * The confirmation of a report must survive the language switch (a POST and
 * a redirect) and a reload, for a few minutes, in the browser that sent it.
 * It is kept in the browser itself, in a cookie sealed under a server key
 * (AES-256-GCM), bound to the browser's random value (lib/csrf.ts) as
 * associated data and to its expiry: the server stores nothing, so the code
 * is in no database, no Redis and no log, and nothing needs to be cleaned up.
 * Copied to another browser the cookie opens nothing; after the expiry, or
 * once the reporter says they have written the code down, it is gone.
 * A sealed cookie cannot be revoked before its expiry, which is why it is
 * short (15 minutes), httpOnly, SameSite=Strict and scoped to the receipt's path.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';

export const receiptPath = '/report/received';
const cookieName = 'qf_receipt';
const lifetimeMs = 15 * 60 * 1000;

/** What the reporter was given and what was received: no content of the report. */
export interface Receipt {
  code: string;
  unit: string;
  receivedDate: string;
  fileCount: number;
}

const receiptSchema = z.object({
  code: z.string().regex(/^\d{16,24}$/),
  unit: z.string().max(40),
  receivedDate: z.string().max(10),
  fileCount: z.number().int().min(0).max(10),
  expiresAt: z.number(),
});

export function receiptKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'qingfeng report receipt v1', 32));
}

export function keepReceipt(res: Response, key: Buffer, receipt: Receipt, cookieSecure: boolean, now = Date.now()): void {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(String(res.locals.browserId), 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify({ ...receipt, expiresAt: now + lifetimeMs }), 'utf8'), cipher.final()]);
  const value = Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString('base64url');
  res.cookie(cookieName, value, { path: receiptPath, httpOnly: true, sameSite: 'strict', secure: cookieSecure, maxAge: lifetimeMs });
}

export function readReceipt(req: Request, res: Response, key: Buffer, now = Date.now()): Receipt | null {
  const value: unknown = req.cookies?.[cookieName];
  if (typeof value !== 'string' || value.length > 1000) return null;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length < 29) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(String(res.locals.browserId), 'utf8'));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const opened = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    const parsed = receiptSchema.safeParse(JSON.parse(opened));
    if (!parsed.success || parsed.data.expiresAt < now) return null;
    const { expiresAt: _expiresAt, ...receipt } = parsed.data;
    return receipt;
  } catch {
    return null;
  }
}

export function forgetReceipt(res: Response, cookieSecure: boolean): void {
  res.clearCookie(cookieName, { path: receiptPath, httpOnly: true, sameSite: 'strict', secure: cookieSecure });
}
