/**
 * Sealing layer: everything that could identify a reporter (identity, description,
 * messages, files) is encrypted before it reaches the database. Each case has its
 * own random data key; this file is the one place that turns a key and a
 * plaintext into a box and back. Who may hold a data key is decided in
 * case-keys.ts, never here.
 *
 * Box layout: version (1 byte) | IV (12) | GCM tag (16) | ciphertext.
 * The context string (e.g. `case:<id>:description`) is authenticated but not
 * stored, so a box copied to another case or field refuses to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const boxVersion = 1;
const keyLength = 32;
const ivLength = 12;
const tagLength = 16;
const headerLength = 1 + ivLength + tagLength;
const sliceLength = 64 * 1024;

/** One error for every failed opening: telling "wrong key" from "tampered" would help nobody but an attacker. */
export class SealBrokenError extends Error {
  override readonly name = 'SealBrokenError';
  constructor(context: string) {
    super(`Sealed box for "${context}" could not be opened: wrong key, wrong context, or altered data`);
  }
}

export function newDataKey(): Buffer {
  return randomBytes(keyLength);
}

export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  assertKey(key);
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  cipher.setAAD(additionalData(boxVersion, context));
  const box = Buffer.allocUnsafe(headerLength + plaintext.length);
  box[0] = boxVersion;
  iv.copy(box, 1);
  transformInto(cipher, plaintext, box, headerLength);
  cipher.final();
  cipher.getAuthTag().copy(box, 1 + ivLength);
  return box;
}

export function open(key: Buffer, box: Buffer, context: string): Buffer {
  assertKey(key);
  if (box.length < headerLength || box[0] !== boxVersion) throw new SealBrokenError(context);
  const iv = box.subarray(1, 1 + ivLength);
  const tag = box.subarray(1 + ivLength, headerLength);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  decipher.setAAD(additionalData(boxVersion, context));
  decipher.setAuthTag(tag);
  const plaintext = Buffer.allocUnsafe(box.length - headerLength);
  try {
    transformInto(decipher, box.subarray(headerLength), plaintext, 0);
    decipher.final();
  } catch {
    plaintext.fill(0);
    throw new SealBrokenError(context);
  }
  return plaintext;
}

/**
 * GCM gives out exactly as many bytes as it takes in. Feeding it a slice at a
 * time and copying each result into the box keeps the whole file in memory
 * once, not three times (update's output, then two concatenations): evidence
 * files are up to 10 MB each.
 */
function transformInto(transform: { update(data: Buffer): Buffer }, input: Buffer, output: Buffer, offset: number): void {
  for (let start = 0; start < input.length; start += sliceLength) {
    const slice = input.subarray(start, start + sliceLength);
    const result = transform.update(slice);
    if (result.length !== slice.length) throw new Error('the cipher changed the length of its input');
    result.copy(output, offset + start);
  }
}

export function sealJson(key: Buffer, value: unknown, context: string): Buffer {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`Nothing JSON-serialisable to seal for "${context}"`);
  return seal(key, Buffer.from(json, 'utf8'), context);
}

/** The caller vouches for T: the box is authentic, so its shape is whatever we sealed. */
export function openJson<T>(key: Buffer, box: Buffer, context: string): T {
  return JSON.parse(open(key, box, context).toString('utf8')) as T;
}

// The version byte is authenticated with the context so that a box can never
// be read under another format version's rules.
function additionalData(version: number, context: string): Buffer {
  return Buffer.concat([Buffer.of(version), Buffer.from(context, 'utf8')]);
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== keyLength) {
    throw new TypeError(`A data key must be a ${keyLength}-byte Buffer`);
  }
}
