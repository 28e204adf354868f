/**
 * Backs up the whole database into one archive encrypted to the backup key,
 * and makes that key. Stop the portal first (the archive is not a snapshot);
 * the database may keep running.
 *
 *   npm run backup -- create-key --out backup.pem      (once, on the operator's machine; prints the public key)
 *   npm run backup -- --to backup-public.pem --out qingfeng-2026-12-02.qfbackup
 *
 * The private key never goes to the server: only `npm run restore` needs it.
 */
import { createWriteStream, readFileSync, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { createCommissionKeyFile } from './commission-keys';
import { writeBackup, type BackupSummary } from '../server/backup/backup.service';
import { loadConfig } from '../server/config';
import { withDatabase } from '../server/lib/script-database';

const usage = 'Usage: npm run backup -- --to <backup public key file> --out <archive file>\n       npm run backup -- create-key --out <private key file>';

/** Runs on an open database connection; the archive appears under its name only once complete. */
export async function backupTo(outPath: string, backupPublicKeyPem: string): Promise<BackupSummary> {
  const partial = `${outPath}.partial`;
  const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  try {
    const summary = await writeBackup(mongoose.connection.db!, out, backupPublicKeyPem);
    renameSync(partial, outPath);
    return summary;
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { to: { type: 'string' }, out: { type: 'string' } } });
  if (positionals[0] === 'create-key' && values.out) {
    const { keyId, publicKeyPem } = createCommissionKeyFile(values.out);
    process.stdout.write(`Backup key ${keyId} created. Private key: ${values.out} (keep it offline; restore needs it).\nPublic key, for the server (--to):\n${publicKeyPem}`);
    return 0;
  }
  if (positionals.length > 0 || !values.to || !values.out) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const publicKeyPem = readFileSync(values.to, 'utf8');
  const started = Date.now();
  const summary = await withDatabase(loadConfig(), () => backupTo(values.out!, publicKeyPem));
  process.stdout.write(`Backup written to ${values.out}: ${summary.collections} collections, ${summary.documents} documents, ${summary.archiveBytes} bytes, in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`backup failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
