/**
 * The commission's private key at rest: never stored in clear, only wrapped
 * once per staff member under a key derived from that person's password.
 * Whoever copies the database and the server's secrets still has to guess a
 * password, at one argon2id evaluation per guess, to open any case.
 *
 * The argon2 parameters are stored with each wrap so they can be raised later:
 * unwrap with the stored ones, re-wrap with the current ones.
 */
import { randomBytes } from 'node:crypto';
import { argon2id, hash } from 'argon2';
import { commissionKeyIdOfPrivateKey } from './commission-key';
import { open, SealBrokenError, seal } from './content-box';

export interface StaffKdfParameters {
  algorithm: 'argon2id';
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  /** base64, 16 random bytes per wrap */
  salt: string;
}

/** Plain JSON so it can sit on the staff member's document. */
export interface WrappedPrivateKey {
  keyId: string;
  kdf: StaffKdfParameters;
  /** base64 content box holding the private key PEM */
  box: string;
}

export class WrongPasswordError extends Error {
  override readonly name = 'WrongPasswordError';
  constructor() {
    super('The password does not open this commission key');
  }
}

/**
 * Stronger than the tracking-code baseline: this key opens every case, and
 * staff unlock it once per session, not once per page.
 */
export const staffKeyWrapArgon2Parameters = Object.freeze({ memoryCost: 65536, timeCost: 3, parallelism: 1 });

// Stored parameters come from the database, so bound them: a tampered record
// must not be able to ask for terabytes of memory or hours of work.
const limits = { memoryCost: [8192, 1_048_576], timeCost: [1, 32], parallelism: [1, 16] } as const;

export async function wrapPrivateKeyForStaff(privateKeyPem: string, password: string): Promise<WrappedPrivateKey> {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('A staff password is required');
  const keyId = commissionKeyIdOfPrivateKey(privateKeyPem);
  const kdf: StaffKdfParameters = {
    algorithm: 'argon2id',
    ...staffKeyWrapArgon2Parameters,
    salt: randomBytes(16).toString('base64'),
  };
  const wrapKey = await passwordKey(password, kdf);
  const box = seal(wrapKey, Buffer.from(privateKeyPem, 'utf8'), wrapContext(keyId, kdf));
  wrapKey.fill(0);
  return { keyId, kdf, box: box.toString('base64') };
}

export async function unwrapPrivateKeyForStaff(wrapped: WrappedPrivateKey, password: string): Promise<string> {
  checkKdf(wrapped.kdf);
  const wrapKey = await passwordKey(password, wrapped.kdf);
  let privateKeyPem: string;
  try {
    privateKeyPem = open(wrapKey, Buffer.from(wrapped.box, 'base64'), wrapContext(wrapped.keyId, wrapped.kdf)).toString('utf8');
  } catch (error) {
    // GCM cannot tell a wrong password from a damaged box; the password is by far the likelier cause.
    if (error instanceof SealBrokenError) throw new WrongPasswordError();
    throw error;
  } finally {
    wrapKey.fill(0);
  }
  if (commissionKeyIdOfPrivateKey(privateKeyPem) !== wrapped.keyId) {
    throw new Error(`Wrapped key ${wrapped.keyId} holds a different commission key`);
  }
  return privateKeyPem;
}

// NFC so that the same password typed on two systems (composed or decomposed
// characters) gives the same key.
async function passwordKey(password: string, kdf: StaffKdfParameters): Promise<Buffer> {
  return hash(password.normalize('NFC'), {
    type: argon2id,
    memoryCost: kdf.memoryCost,
    timeCost: kdf.timeCost,
    parallelism: kdf.parallelism,
    hashLength: 32,
    salt: Buffer.from(kdf.salt, 'base64'),
    raw: true,
  });
}

// The key id and parameters are authenticated, so a wrap cannot be relabelled
// as another commission key or quietly re-described.
function wrapContext(keyId: string, kdf: StaffKdfParameters): string {
  return `staff-key-wrap:${keyId}:argon2id:m=${kdf.memoryCost},t=${kdf.timeCost},p=${kdf.parallelism}`;
}

function checkKdf(kdf: StaffKdfParameters): void {
  if (kdf?.algorithm !== 'argon2id') throw new Error('Unsupported key-wrap algorithm');
  for (const name of ['memoryCost', 'timeCost', 'parallelism'] as const) {
    const [low, high] = limits[name];
    const value = kdf[name];
    if (!Number.isInteger(value) || value < low || value > high) {
      throw new Error(`Stored key-wrap ${name} ${String(value)} is outside ${low}..${high}`);
    }
  }
  if (Buffer.from(kdf.salt, 'base64').length < 16) throw new Error('Stored key-wrap salt is too short');
}
