/**
 * Restores a backup archive into an EMPTY database (a fresh MongoDB
 * database, or a new DATA_DIR for the embedded one), with the same
 * installation secrets (.env) as the backed-up portal. Refuses a database
 * that holds anything, and an archive that is damaged, altered, cut short or
 * encrypted to another key, before writing anything.
 *
 *   npm run restore -- --archive qingfeng-2026-12-02.qfbackup --key backup.pem
 */
import { open, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { ArchiveRefusedError } from '../server/backup/archive-cipher';
import { restoreBackup, RestoreRefusedError, type RestoreSummary } from '../server/backup/restore.service';
import { loadConfig } from '../server/config';
import { withDatabase } from '../server/lib/script-database';

const usage = 'Usage: npm run restore -- --archive <archive file> --key <backup private key file>';

/** Runs on an open database connection. */
export async function restoreFrom(archivePath: string, backupPrivateKeyPem: string): Promise<RestoreSummary> {
  const archive = await open(archivePath, 'r');
  try {
    return await restoreBackup(mongoose.connection.db!, archive, backupPrivateKeyPem);
  } finally {
    await archive.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { archive: { type: 'string' }, key: { type: 'string' } } });
  if (!values.archive || !values.key) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const key = await readFile(values.key, 'utf8');
  try {
    const summary = await withDatabase(loadConfig(), () => restoreFrom(values.archive!, key));
    process.stdout.write(`Restored ${summary.collections} collections, ${summary.documents} documents. Run npm run audit:verify to check the audit trail.\n`);
    return 0;
  } catch (error) {
    if (error instanceof RestoreRefusedError || error instanceof ArchiveRefusedError) {
      process.stderr.write(`Restore refused (nothing was written): ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`restore failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
