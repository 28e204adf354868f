/**
 * A real process that runs the purge job and dies the hard way (SIGKILL,
 * no cleanup, no finally) right after the step named on its command line:
 *   node -r test/drills/transpile-on-require.js test/retention/purge-child.ts DB_NAME ARCHIVE_DIR PUBLIC_KEY_FILE TODAY STEP
 */
import { readFileSync } from 'node:fs';
import { connectDatabase } from '../../server/lib/db';
import { runPurgeJob } from '../../server/retention/purge-job.service';

async function main(): Promise<void> {
  const [dbName, archiveDir, publicKeyFile, today, stopAfter] = process.argv.slice(2);
  await connectDatabase(process.env.QINGFENG_TEST_MONGODB_URI!, dbName);
  await runPurgeJob({ archiveDir, commissionPublicKey: readFileSync(publicKeyFile, 'utf8') }, today, (step) => {
    if (step === stopAfter) process.kill(process.pid, 'SIGKILL');
  });
  process.stdout.write('finished without being stopped\n');
  process.exit(0);
}

void main();
