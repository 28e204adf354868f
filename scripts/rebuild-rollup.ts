/**
 * Rebuilds the oversight roll-up from the cases: every month (default) or
 * the months given; and, for every month, the staff lists (cases/listings/).
 * This is the repair command for every kept count. Safe while the portal runs: each month is recounted
 * under its lock, keeping any newer state a staff action recorded meanwhile.
 * Run it after importing cases, after restoring a backup, or to clear months
 * marked dirty.
 *
 *   npm run build && npm run rollup:rebuild [-- --month 2025-03 --month 2025-04]
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { rebuildListings } from '../server/cases/listings/listing-rebuild.service';
import { withDatabase } from '../server/lib/script-database';
import { isMonthKey } from '../server/oversight/months';
import { rebuildRollup, repairDirtyMonths } from '../server/oversight/rollup.service';

const usage = 'usage: rebuild-rollup [--month YYYY-MM ...]';

export async function rebuildRollupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { month: { type: 'string', multiple: true } } });
  const months = values.month;
  if (months && !months.every(isMonthKey)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  return withDatabase(loadConfig(), async () => {
    const started = performance.now();
    const summary = await rebuildRollup({ months });
    const repaired = await repairDirtyMonths();
    const listed = await rebuildListings();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`Rebuilt ${summary.months.length} month(s) from ${summary.cases} case(s) and the staff lists from ${listed.cases} case(s) in ${seconds} s${repaired.length ? `; also recounted ${repaired.join(', ')}` : ''}.\n`);
    return 0;
  });
}

if (require.main === module) {
  rebuildRollupCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`rebuild-rollup failed: ${(error as Error).name}: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
