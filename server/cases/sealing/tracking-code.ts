/**
 * The reporter's tracking code: the only thing that links a reporter to their
 * case, so it is both their "login" and the key to their conversation.
 *
 * One argon2id evaluation of the code, salted with a secret installation salt,
 * feeds HKDF twice: a lookup id (stored on the case, to find it) and a wrap key
 * (never stored, to open the case's data key). With the database alone no code
 * can be tried, as the salt is a server secret; with the server's secrets too,
 * every guess still costs one argon2id evaluation out of 10^16 codes.
 */
import { hkdfSync, randomInt } from 'node:crypto';
import { argon2id, hash } from 'argon2';

export const trackingCodeLength = 16;

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). Changing it changes every lookup id. */
export const trackingCodeArgon2Parameters = Object.freeze({
  type: argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  hashLength: 32,
});

export interface TrackingKeys {
  /** hex; stored on the case and indexed */
  lookupId: string;
  /** 32 bytes; never stored */
  wrapKey: Buffer;
}

const minimumSaltLength = 16;
// Longer than any honest spelling of a code (16 digits with a separator
// between each): caps the work done on hostile input before we reject it.
const maximumInputLength = 64;
const separators = /[\s\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const fullWidthDigits = /[\uFF10-\uFF19]/g;

/** randomInt is uniform (it rejects biased draws); one digit at a time stays below its 2^48 range limit. */
export function generateTrackingCode(): string {
  let code = '';
  for (let i = 0; i < trackingCodeLength; i += 1) code += String(randomInt(10));
  return code;
}

/**
 * Accepts what people actually type or paste: spaces, hyphens and the
 * full-width digits of a Chinese input method. Returns null for anything else.
 */
export function normalizeTrackingCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > maximumInputLength) return null;
  const digits = input
    .replace(fullWidthDigits, (digit) => String(digit.charCodeAt(0) - 0xff10))
    .replace(separators, '');
  return /^[0-9]{16}$/.test(digits) ? digits : null;
}

export function formatTrackingCode(code: string): string {
  const normalized = requireTrackingCode(code);
  return normalized.match(/.{4}/g)!.join(' ');
}

export async function deriveTrackingKeys(code: string, installationSalt: Buffer): Promise<TrackingKeys> {
  const normalized = requireTrackingCode(code);
  if (!Buffer.isBuffer(installationSalt) || installationSalt.length < minimumSaltLength) {
    throw new TypeError(`The installation salt must be a Buffer of at least ${minimumSaltLength} bytes`);
  }
  const stretched = await hash(normalized, {
    ...trackingCodeArgon2Parameters,
    salt: installationSalt,
    raw: true,
  });
  const lookupId = expand(stretched, 'qingfeng lookup v1').toString('hex');
  const wrapKey = expand(stretched, 'qingfeng wrap v1');
  stretched.fill(0);
  return { lookupId, wrapKey };
}

// argon2's output is already uniformly random, so HKDF needs no salt: it only
// splits it into two keys that reveal nothing about each other.
function expand(stretched: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', stretched, Buffer.alloc(0), info, 32));
}

function requireTrackingCode(code: string): string {
  const normalized = normalizeTrackingCode(code);
  if (normalized === null) throw new TypeError('Not a tracking code');
  return normalized;
}
