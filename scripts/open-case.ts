/**
 * Opens one case with the commission's private key, for an operator who
 * holds the key file (for example to check a key ceremony, or in an
 * emergency without the web workspace). Prints the report; the reporter's
 * identity only with --identity; attachments only with --out DIR.
 *
 *   node dist/scripts/open-case.js --reference TZ-2026-00042 --key commission.pem [--identity [--identity-key identity.pem]] [--out DIR]
 *
 * An identity sealed to the identity key (cases/identity-sealing.ts) needs that key's file too.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Case, type CaseDocument } from '../server/cases/case.model';
import { caseDataKey, readAttachments, readIdentity, readReport } from '../server/cases/case-content.service';
import { needsIdentityKey, openIdentityWithKey } from '../server/cases/identity-sealing';
import { loadConfig } from '../server/config';
import { withDatabase } from '../server/lib/script-database';

const usage = 'usage: open-case --reference TZ-YYYY-NNNNN --key PRIVATE_KEY.pem [--identity [--identity-key IDENTITY_KEY.pem]] [--out DIR]';

export async function openCaseCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { reference: { type: 'string' }, key: { type: 'string' }, identity: { type: 'boolean', default: false }, 'identity-key': { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.reference || !values.key) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const privateKeyPem = readFileSync(values.key, 'utf8');
  return withDatabase(loadConfig(), async () => {
    const caseDocument = await Case.findOne({ reference: values.reference }).lean<CaseDocument>();
    if (!caseDocument) {
      process.stderr.write(`No case ${values.reference}\n`);
      return 1;
    }
    const dataKey = caseDataKey(caseDocument, privateKeyPem);
    const output: Record<string, unknown> = { reference: caseDocument.reference, status: caseDocument.status, report: readReport(caseDocument, dataKey) };
    if (values.identity && needsIdentityKey(caseDocument)) {
      if (!values['identity-key']) {
        process.stderr.write(`The identity of ${values.reference} is sealed to the identity key: give --identity-key FILE\n`);
        return 2;
      }
      output.identity = openIdentityWithKey(caseDocument, readFileSync(values['identity-key'], 'utf8'));
    } else if (values.identity) output.identity = readIdentity(caseDocument, dataKey);
    if (values.out) {
      mkdirSync(values.out, { recursive: true, mode: 0o700 });
      output.files = (await readAttachments(caseDocument, dataKey)).map((file) => {
        const target = path.join(values.out!, `${file.id}.${file.type === 'jpeg' ? 'jpg' : file.type}`);
        writeFileSync(target, file.bytes, { mode: 0o600 });
        return target;
      });
    }
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  });
}

if (require.main === module) {
  openCaseCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`open-case failed: ${(error as Error).name}: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
