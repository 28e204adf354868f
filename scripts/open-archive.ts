/**
 * Opens a purged case's sealed archive (DATA_DIR/archive/<reference>.qfarchive)
 * with the commission's private key: prints the report and the conversation;
 * the identity only with --identity; files only with --out DIR. Needs no database.
 *
 *   node dist/scripts/open-archive.js --file TZ-2026-00042.qfarchive --key commission.pem [--identity] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openMessageBody } from '../server/cases/bound-seals';
import { caseDataKey, readIdentity, readReport } from '../server/cases/case-content.service';
import { sealContext, type CaseDocument } from '../server/cases/case.model';
import { needsIdentityKey } from '../server/cases/identity-sealing';
import { open } from '../server/cases/sealing/content-box';
import { storedBytes } from '../server/cases/stored-bytes';
import { openArchive } from '../server/retention/case-archive';

const usage = 'usage: archive:open --file ARCHIVE.qfarchive --key PRIVATE_KEY.pem [--identity] [--out DIR]';

export function openArchiveCommand(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { file: { type: 'string' }, key: { type: 'string' }, identity: { type: 'boolean', default: false }, out: { type: 'string' } } });
  if (!values.file || !values.key) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const privateKeyPem = readFileSync(values.key, 'utf8');
  const { reference, archived } = openArchive(values.file, privateKeyPem);
  const caseDocument = archived.case as unknown as CaseDocument;
  const caseId = caseDocument._id.toString();
  const dataKey = caseDataKey(caseDocument, privateKeyPem);
  const output: Record<string, unknown> = {
    reference,
    status: caseDocument.status,
    report: readReport(caseDocument, dataKey),
    messages: archived.messages.map((message) => ({ from: message.from, type: message.type, at: message.at, text: openMessageBody(dataKey, caseId, message as never) })),
  };
  if (values.identity) output.identity = needsIdentityKey(caseDocument) ? 'sealed to the identity key: open it with that key' : readIdentity(caseDocument, dataKey);
  if (values.out) {
    mkdirSync(values.out, { recursive: true, mode: 0o700 });
    output.files = archived.attachments.map((file) => {
      const id = String(file._id);
      const target = path.join(values.out!, `${id}.${file.type === 'jpeg' ? 'jpg' : String(file.type)}`);
      writeFileSync(target, open(dataKey, storedBytes(file.sealedBytes as Buffer), sealContext.attachment(caseId, id)), { mode: 0o600 });
      return target;
    });
  }
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exit(openArchiveCommand(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`archive:open failed: ${(error as Error).name}: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
