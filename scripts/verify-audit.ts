/**
 * Checks the audit trail's hash chain from the first entry to the last, and
 * with `--anchor HASH@SEQ` (repeatable; the value printed at the foot of a
 * monthly report) that the chain still holds that entry unchanged. Exits 0
 * when all is intact, 1 (naming what failed) when an entry was altered,
 * removed or cut from the end, or the chain was rewritten past an anchor,
 * 2 when the arguments are wrong.
 *
 *   npm run build && npm run audit:verify -- [--anchor HASH@SEQ]
 */
import { checkAnchor, parseAnchor, type AuditAnchor } from '../server/audit/audit-anchor';
import { verifyAuditChain } from '../server/audit/audit.service';
import { loadConfig } from '../server/config';
import { withDatabase } from '../server/lib/script-database';

/** The anchors given, or a message saying what is wrong with the arguments. */
export function anchorsFrom(args: string[]): AuditAnchor[] | string {
  const anchors: AuditAnchor[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] !== '--anchor') return `Unknown argument ${JSON.stringify(args[i])}. Usage: audit:verify [--anchor HASH@SEQ]…`;
    const anchor = parseAnchor(args[i + 1] ?? '');
    if (!anchor) return 'An anchor is the 64-character hash, "@" and the entry number, as printed in the monthly report: --anchor HASH@SEQ';
    anchors.push(anchor);
    i += 1;
  }
  return anchors;
}

/** Runs on an open database connection. Returns the exit code. */
export async function runVerifyAudit(out: (text: string) => void, anchors: AuditAnchor[] = []): Promise<number> {
  const result = await verifyAuditChain();
  if (!result.ok) {
    out(`Audit trail BROKEN at entry ${result.firstBrokenSeq} (${result.entries} entries read). An entry was altered or removed.\n`);
    return 1;
  }
  out(`Audit trail intact: ${result.entries} entries.\n`);
  let code = 0;
  for (const anchor of anchors) {
    const check = await checkAnchor(anchor);
    if (check.ok) {
      out(`Anchor ${anchor.seq} holds: entry ${anchor.seq} carries the hash given.\n`);
    } else {
      const what = check.reason === 'missing' ? 'is not in the trail' : 'carries another hash';
      out(`Anchor ${anchor.seq} FAILS: entry ${anchor.seq} ${what}. The trail was rewritten at or before entry ${anchor.seq}.\n`);
      code = 1;
    }
  }
  return code;
}

if (require.main === module) {
  const anchors = anchorsFrom(process.argv.slice(2));
  if (typeof anchors === 'string') {
    process.stderr.write(`${anchors}\n`);
    process.exit(2);
  }
  withDatabase(loadConfig(), () => runVerifyAudit((text) => process.stdout.write(text), anchors)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`audit:verify failed: ${(error as Error).name}: ${(error as Error).message}\n`);
      process.exit(2);
    },
  );
}
