/**
 * Staff password hashes. The parameters are the key wrap's (64 MiB, 3 passes),
 * not the lighter OWASP baseline: the same password wraps the commission's
 * private key, so a cheaper hash would be the easier way to crack it.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { argon2id, hash, verify } from 'argon2';
import { staffKeyWrapArgon2Parameters } from '../cases/sealing/staff-key-wrap';

const hashOptions = { type: argon2id, ...staffKeyWrapArgon2Parameters } as const;
// No 0/o, 1/l/i: generated passwords are read off a screen and typed.
const readableAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), hashOptions);
}

/**
 * Computes the dummy hash ahead of the first sign-in (the staff area calls
 * it when built): made on demand, the first unknown address would answer
 * slower than a wrong password.
 */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hash(randomBytes(32).toString('base64'), hashOptions);
  return dummyHash;
}

/**
 * With no stored hash (unknown account) a dummy one is checked anyway, so
 * that an unknown address costs the same time as a wrong password.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  const against = storedHash ?? (await prepareDummyHash());
  try {
    const matches = await verify(against, password.normalize('NFC'));
    return matches && storedHash !== undefined;
  } catch {
    return false;
  }
}

/** Six groups of four: about 118 bits, easy to read out and type. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < 6; group += 1) {
    let chars = '';
    for (let i = 0; i < 4; i += 1) chars += readableAlphabet[randomInt(readableAlphabet.length)];
    groups.push(chars);
  }
  return groups.join('-');
}
