/**
 * The reporter's tracking code: the only thing that links a reporter to their
 * case, so it is both their "login" and the key to their conversation.
 *
 * A code is 20 digits: a 6-digit locator, which finds the case's entry by
 * `_id`, and a 14-digit secret. The secret is stretched by one argon2id
 * evaluation salted with the case's own random salt (kept on that entry), its
 * input first keyed with the installation salt (a server secret). The result
 * feeds HKDF twice: a verifier (stored, to check a guess) and a wrap key
 * (never stored, to open the case's data key). So one evaluation tests a
 * guess against one case only: with the database alone nothing can be tried;
 * with the server's secrets too, opening any one case takes 10^14 evaluations
 * (half that on average), whatever the number of cases.
 *
 * Codes of the first scheme (16 digits, one installation-wide salt, found
 * through `case_lookups`) still open their cases: `deriveLegacyTrackingKeys`.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { argon2id, hash } from 'argon2';

export const locatorLength = 6;
export const secretLength = 14;
export const trackingCodeLength = locatorLength + secretLength;
export const legacyTrackingCodeLength = 16;
export const caseSaltLength = 16;

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). Changing it changes every verifier. */
export const trackingCodeArgon2Parameters = Object.freeze({
  type: argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  hashLength: 32,
});

export interface TrackingKeys {
  /** hex; stored (the verifier of a code, or a legacy code's lookup id) */
  lookupId: string;
  /** 32 bytes; never stored */
  wrapKey: Buffer;
}

export interface TrackingCodeParts {
  locator: string;
  secret: string;
}

const minimumSaltLength = 16;
// Longer than any honest spelling of a code (20 digits with a separator
// between each): caps the work done on hostile input before we reject it.
const maximumInputLength = 64;
const separators = /[\s\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const fullWidthDigits = /[\uFF10-\uFF19]/g;

/**
 * Accepts what people actually type or paste: spaces, hyphens and the
 * full-width digits of a Chinese input method. Returns the digits of a
 * 20-digit code or of a legacy 16-digit one, and null for anything else.
 */
export function normalizeTrackingCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > maximumInputLength) return null;
  const digits = input
    .replace(fullWidthDigits, (digit) => String(digit.charCodeAt(0) - 0xff10))
    .replace(separators, '');
  if (!/^[0-9]+$/.test(digits)) return null;
  return digits.length === trackingCodeLength || digits.length === legacyTrackingCodeLength ? digits : null;
}

export function isLegacyTrackingCode(code: string): boolean {
  return code.length === legacyTrackingCodeLength;
}

export function formatTrackingCode(code: string): string {
  return requireTrackingCode(code).match(/.{4}/g)!.join(' ');
}

export function joinTrackingCode(parts: TrackingCodeParts): string {
  return requireTrackingCode(parts.locator + parts.secret);
}

export function splitTrackingCode(code: string): TrackingCodeParts {
  const normalized = requireTrackingCode(code);
  if (isLegacyTrackingCode(normalized)) throw new TypeError('A legacy code has no locator');
  return { locator: normalized.slice(0, locatorLength), secret: normalized.slice(locatorLength) };
}

export async function deriveCaseTrackingKeys(secret: string, caseSalt: Buffer, installationSalt: Buffer): Promise<TrackingKeys> {
  if (!/^[0-9]{14}$/.test(secret)) throw new TypeError('Not the secret part of a tracking code');
  requireSalt(caseSalt, caseSaltLength, 'case salt');
  requireSalt(installationSalt, minimumSaltLength, 'installation salt');
  const keyedSecret = createHmac('sha256', installationSalt).update('qingfeng code secret v2\0').update(secret).digest();
  const stretched = await hash(keyedSecret, { ...trackingCodeArgon2Parameters, salt: caseSalt, raw: true });
  keyedSecret.fill(0);
  return expandKeys(stretched, 'v2');
}

/** The first scheme: 16 digits stretched with the installation salt alone. */
export async function deriveLegacyTrackingKeys(code: string, installationSalt: Buffer): Promise<TrackingKeys> {
  const normalized = requireTrackingCode(code);
  if (!isLegacyTrackingCode(normalized)) throw new TypeError('Not a legacy tracking code');
  requireSalt(installationSalt, minimumSaltLength, 'installation salt');
  const stretched = await hash(normalized, { ...trackingCodeArgon2Parameters, salt: installationSalt, raw: true });
  return expandKeys(stretched, 'v1');
}

// argon2's output is already uniformly random, so HKDF needs no salt: it only
// splits it into two keys that reveal nothing about each other.
function expandKeys(stretched: Buffer, version: 'v1' | 'v2'): TrackingKeys {
  const expand = (info: string) => Buffer.from(hkdfSync('sha256', stretched, Buffer.alloc(0), info, 32));
  const keys = { lookupId: expand(`qingfeng lookup ${version}`).toString('hex'), wrapKey: expand(`qingfeng wrap ${version}`) };
  stretched.fill(0);
  return keys;
}

function requireSalt(salt: Buffer, length: number, name: string): void {
  if (!Buffer.isBuffer(salt) || salt.length < length) throw new TypeError(`The ${name} must be a Buffer of at least ${length} bytes`);
}

function requireTrackingCode(code: string): string {
  const normalized = normalizeTrackingCode(code);
  if (normalized === null) throw new TypeError('Not a tracking code');
  return normalized;
}
