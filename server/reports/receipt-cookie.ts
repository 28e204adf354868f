/**
 * The confirmation of a report must survive the language switch (a POST and
 * a redirect) and a reload, for a few minutes, in the browser that sent it.
 * It is kept in a sealed cookie (lib/sealed-cookie.ts): the code is stored
 * nowhere on the server, in clear nowhere at all, and is gone after
 * 15 minutes or once the reporter says they have written it down. (Redis or
 * memory with a TTL would keep the code on the server, and memory would not
 * be shared by two instances.)
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { clearSealedCookie, readSealedCookie, sealedCookieKey, setSealedCookie, type SealedCookie } from '../lib/sealed-cookie';

export const receiptPath = '/report/received';

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
});

export function receiptCookie(secret: string, secure: boolean): SealedCookie {
  return { name: 'qf_receipt', path: receiptPath, lifetimeMs: 15 * 60 * 1000, key: sealedCookieKey(secret, 'report receipt'), secure };
}

export function keepReceipt(res: Response, cookie: SealedCookie, receipt: Receipt): void {
  setSealedCookie(res, cookie, receipt);
}

export function readReceipt(req: Request, res: Response, cookie: SealedCookie): Receipt | null {
  const parsed = receiptSchema.safeParse(readSealedCookie(req, res, cookie));
  return parsed.success ? parsed.data : null;
}

export function forgetReceipt(res: Response, cookie: SealedCookie): void {
  clearSealedCookie(res, cookie);
}
