/**
 * Creates the commission's key pair, once per installation (and again on rotation).
 *
 *   npm run build && node dist/scripts/commission-keys.js create --out FILE
 *
 * The private key goes to FILE (mode 0600, never overwritten), the public key to
 * stdout. The private key must not stay on the web server: it is imported for
 * each staff member (wrapped under their password) and FILE is then destroyed.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateCommissionKeyPair } from '../server/cases/sealing/commission-key';

const usage = 'Usage: node dist/scripts/commission-keys.js create --out <private-key-file>';

export function createCommissionKeyFile(outPath: string): { keyId: string; publicKeyPem: string } {
  const { keyId, publicKeyPem, privateKeyPem } = generateCommissionKeyPair();
  // 'wx' fails if the file exists, atomically: an old private key may be the
  // only way left to open old cases, so it is never replaced by accident.
  writeFileSync(outPath, privateKeyPem, { mode: 0o600, flag: 'wx' });
  return { keyId, publicKeyPem };
}

export function explainNewKey(keyId: string, publicKeyPem: string, outPath: string): string {
  return [
    `Commission key ${keyId} created.`,
    '',
    'Public key: put it in the web server configuration as COMMISSION_PUBLIC_KEY.',
    '',
    publicKeyPem.trim(),
    '',
    `Private key: written to ${outPath} (readable by you only).`,
    'Import it for each staff member who may open cases, then destroy that file.',
    'Whoever holds it can read every case sealed to this key.',
    '',
  ].join('\n');
}

export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const [command] = parsed.positionals;
  const outPath = parsed.values.out;
  if (command !== 'create' || parsed.positionals.length !== 1 || !outPath) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  try {
    const { keyId, publicKeyPem } = createCommissionKeyFile(outPath);
    process.stdout.write(explainNewKey(keyId, publicKeyPem, outPath));
    return 0;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'the file already exists' : (error as Error).message;
    process.stderr.write(`Could not write ${outPath}: ${reason}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
