/**
 * Checks the audit trail's hash chain from the first entry to the last.
 * Exits 0 when it is intact, 1 (naming the first broken entry) when an
 * entry was altered, removed or cut from the end.
 *
 *   npm run build && npm run audit:verify
 */
import { verifyAuditChain } from '../server/audit/audit.service';
import { loadConfig } from '../server/config';
import { withDatabase } from '../server/lib/script-database';

/** Runs on an open database connection. Returns the exit code. */
export async function runVerifyAudit(out: (text: string) => void): Promise<number> {
  const result = await verifyAuditChain();
  if (result.ok) {
    out(`Audit trail intact: ${result.entries} entries.\n`);
    return 0;
  }
  out(`Audit trail BROKEN at entry ${result.firstBrokenSeq} (${result.entries} entries read). An entry was altered or removed.\n`);
  return 1;
}

if (require.main === module) {
  withDatabase(loadConfig(), () => runVerifyAudit((text) => process.stdout.write(text))).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`audit:verify failed: ${(error as Error).name}: ${(error as Error).message}\n`);
      process.exit(2);
    },
  );
}
