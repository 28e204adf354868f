/**
 * The case view held in this browser after a form on /track was taken
 * (POST/redirect/GET): the code, sealed in the qf_case_view cookie
 * (lib/sealed-cookie.ts), and at most one confirmation to show once on the
 * next GET /track/case (an addition uses ?added=1, voice/'s forms this).
 */
import type { Request, Response } from 'express';
import { readSealedCookie, setSealedCookie, type SealedCookie } from '../lib/sealed-cookie';

export const heldConfirmations = ['rating', 'objection', 'retaliation'] as const;
export type HeldConfirmation = (typeof heldConfirmations)[number];

export interface HeldView {
  code: string | null;
  confirmation: HeldConfirmation | null;
}

export function holdCaseView(res: Response, cookie: SealedCookie, code: string, confirmation?: HeldConfirmation): void {
  setSealedCookie(res, cookie, confirmation ? { code, confirmation } : { code });
}

/** What the cookie holds; a confirmation is taken out of it as it is read, so a reload shows the case alone. */
export function takeHeldView(req: Request, res: Response, cookie: SealedCookie): HeldView {
  const held = readSealedCookie(req, res, cookie) as { code?: unknown; confirmation?: unknown } | null;
  const code = typeof held?.code === 'string' ? held.code : null;
  const confirmation = (heldConfirmations as readonly unknown[]).includes(held?.confirmation) ? (held!.confirmation as HeldConfirmation) : null;
  if (code && confirmation) holdCaseView(res, cookie, code);
  return { code, confirmation };
}
