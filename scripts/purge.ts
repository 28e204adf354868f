/**
 * The retention purge from the command line: the same run as the portal's
 * hourly job (finish interrupted purges, purge the cases whose period ended,
 * expire idle tracking codes), or one case by hand:
 *
 *   node dist/scripts/purge.js                        # by rule
 *   node dist/scripts/purge.js --reference TZ-2026-00042  # by hand (audited as such)
 */
import { parseArgs } from 'node:util';
import { caseIdForReference } from '../server/cases/case-reference-key.model';
import { loadConfig } from '../server/config';
import { withDatabase } from '../server/lib/script-database';
import { purgeCase } from '../server/retention/case-purge.service';
import { runPurgeJob } from '../server/retention/purge-job.service';
import { retentionToday } from '../server/retention/retention-rules';
import { setRetentionDefaults } from '../server/retention/retention-settings.service';

export async function purgeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { reference: { type: 'string' } } });
  const config = loadConfig();
  setRetentionDefaults(config.retention);
  const jobConfig = { archiveDir: config.retention.archiveDir, commissionPublicKey: config.secrets.commissionPublicKey };
  return withDatabase(config, async () => {
    if (!values.reference) {
      process.stdout.write(`${JSON.stringify(await runPurgeJob(jobConfig))}\n`);
      return 0;
    }
    const caseId = await caseIdForReference(values.reference.trim().toUpperCase());
    if (!caseId) {
      process.stderr.write(`No case ${values.reference}\n`);
      return 1;
    }
    const result = await purgeCase(caseId.toString(), { ...jobConfig, today: retentionToday(), by: 'system:hand' });
    process.stdout.write(`${values.reference}: ${result === 'absent' || result === 'reopened' ? 'not closed (nothing purged)' : result}\n`);
    return result === 'purged' ? 0 : 1;
  });
}

if (require.main === module) {
  purgeCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`purge failed: ${(error as Error).name}: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
