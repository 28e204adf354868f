/**
 * What a staff password must be (NIST SP 800-63B): long enough, not one of
 * the passwords everybody tries first, not the account's own name or
 * address. No composition rules: a long sentence with spaces is the best
 * password there is, and it is welcome here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../lib/paths';

export const passwordLength = { min: 12, max: 256 } as const;

export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'personal' | 'repetitive';

// Read from the source tree, as the compiler does not copy it to dist/.
const commonPasswordsFile = path.join(projectRoot, 'server', 'staff', 'common-passwords.txt');
let commonPasswords: Set<string> | undefined;

export function passwordProblem(password: string, account: { email?: string; name?: string }): PasswordProblem | undefined {
  const length = [...password.normalize('NFC')].length;
  if (length < passwordLength.min) return 'tooShort';
  if (length > passwordLength.max) return 'tooLong';
  const reduced = reduce(password);
  const compact = reduced.replace(/\s+/g, '');
  if (new Set(compact).size < 4) return 'repetitive';
  const common = loadCommonPasswords();
  if ([reduced, compact, withoutPadding(reduced), withoutPadding(compact)].some((form) => common.has(form))) return 'common';
  if (isPersonal(reduced, compact, account)) return 'personal';
  return undefined;
}

function isPersonal(reduced: string, compact: string, account: { email?: string; name?: string }): boolean {
  const email = reduce(account.email ?? '');
  const localPart = email.split('@')[0] ?? '';
  const name = reduce(account.name ?? '').replace(/\s+/g, '');
  const personal = [email, localPart, name].filter((word) => word.length > 0);
  if (personal.some((word) => word === compact || word === withoutPadding(compact))) return true;
  return email.length > 0 && reduced.includes(email);
}

function reduce(text: string): string {
  return text.normalize('NFC').toLowerCase().trim();
}

// "password2024!" and "!!qwerty123" are the listed word with padding around it.
function withoutPadding(text: string): string {
  return text.replace(/^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu, '');
}

function loadCommonPasswords(): Set<string> {
  if (!commonPasswords) {
    const lines = readFileSync(commonPasswordsFile, 'utf8').split('\n');
    commonPasswords = new Set(lines.map((line) => reduce(line)).filter((line) => line && !line.startsWith('#')));
  }
  return commonPasswords;
}
