/**
 * One-time form tokens make a double submit (refresh, double click) create
 * one case. The token is random and signed with its issue time; the tracking
 * code's secret, its candidate locators and the case's salt are derived from
 * it, so a resubmission of the same form finds the claim the first one made
 * (cases/case-locator.model.ts) and shows the same code again.
 * Tokens are never stored, and expire after a few hours.
 *
 * A token is bound to the browser that loaded the form (its random browser
 * value, lib/csrf.ts): the code is derived from the token, so a token that
 * worked from any browser would be a bearer credential for the code; from
 * another browser it is refused like an expired form, and gets no code.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CodeMaterial } from '../cases/case-locator.model';
import { caseSaltLength, locatorLength, secretLength } from '../cases/sealing/tracking-code';

const maxAgeMs = 6 * 60 * 60 * 1000;

export interface FormTokenKeys {
  signing: Buffer;
  code: Buffer;
}

export function formTokenKeys(secret: string): FormTokenKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  return { signing: derive('qingfeng form token signing v1'), code: derive('qingfeng form token code v1') };
}

export function issueFormToken(keys: FormTokenKeys, browser: string, now = Date.now()): string {
  const body = Buffer.alloc(30);
  body.writeUIntBE(Math.floor(now / 1000), 0, 6);
  randomBytes(24).copy(body, 6);
  return `${body.toString('base64url')}.${sign(keys, body, browser)}`;
}

export function isValidFormToken(keys: FormTokenKeys, token: string, browser: string, now = Date.now()): boolean {
  const [encoded, signature] = token.split('.');
  if (!encoded || !signature || token.split('.').length !== 2) return false;
  const body = Buffer.from(encoded, 'base64url');
  if (body.length !== 30) return false;
  const expected = Buffer.from(sign(keys, body, browser));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  const issuedAt = body.readUIntBE(0, 6) * 1000;
  return issuedAt <= now + 60_000 && now - issuedAt <= maxAgeMs;
}

/** How many locators a form may try: at half a million stored cases all sixteen are taken for 1 form in 65,000. */
export const candidateLocatorCount = 16;

export interface FormCodeMaterial extends CodeMaterial {
  /** the 14-digit secret part of the code */
  secret: string;
}

/** Digits are uniform for practical purposes (256 bits reduced mod 10^n). */
export function codeMaterialForToken(keys: FormTokenKeys, token: string): FormCodeMaterial {
  const derive = (purpose: string) => createHmac('sha256', keys.code).update(purpose).update('\0').update(token).digest();
  const digits = (digest: Buffer, length: number) => (BigInt(`0x${digest.toString('hex')}`) % 10n ** BigInt(length)).toString().padStart(length, '0');
  return {
    secret: digits(derive('secret'), secretLength),
    locators: Array.from({ length: candidateLocatorCount }, (_, index) => digits(derive(`locator ${index}`), locatorLength)),
    caseSalt: derive('case salt').subarray(0, caseSaltLength),
  };
}

function sign(keys: FormTokenKeys, body: Buffer, browser: string): string {
  return createHmac('sha256', keys.signing).update(body).update('\0').update(browser, 'utf8').digest('base64url');
}
