/**
 * The backup and restore drill: reports submitted and acted on, backed up,
 * the database wiped, restored: every code opens its case, every file reads
 * the same, the audit chain verifies, the figures and every stored document
 * are unchanged, the indexes are back. A damaged, cut or wrong-key archive,
 * and a database that is not empty, are refused before anything is written.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { backupTo } from '../../scripts/backup';
import { restoreFrom } from '../../scripts/restore';
import { AuditEntry } from '../../server/audit/audit.model';
import { verifyAuditChain } from '../../server/audit/audit.service';
import { Case } from '../../server/cases/case.model';
import { generateCommissionKeyPair } from '../../server/cases/sealing/commission-key';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { sessionCollection } from '../../server/staff/session';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { lookUp } from '../helpers/tracking';
import { tableRows } from '../oversight/oversight-fixtures';
import { createAccount, signIn, type TestAccount } from '../staff/staff-helpers';
import { dumpDatabase, fileLinkIn, indexesOf, submitAndAct, type SubmittedCase } from './lifecycle-fixtures';

const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-backup-test-'));
const archive = path.join(dir, 'drill.qfbackup');
const backupKey = generateCommissionKeyPair();
let app: ReturnType<typeof buildTestApp>;
let intakeAccount: TestAccount;
let supervisorAccount: TestAccount;
let cases: SubmittedCase[];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  intakeAccount = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: app.commissionPrivateKey });
  supervisorAccount = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: app.commissionPrivateKey });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropTestDatabase();
});

async function signedIn(account: TestAccount, steps = 0) {
  const agent = browser(app.app);
  await signIn(agent, account, { steps });
  return agent;
}

/** What a reader of the portal sees: each case by code and by reference, its file, the figures, the month's report. */
async function whatStaffAndReportersSee(intake: ReturnType<typeof browser>, supervisor: ReturnType<typeof browser>) {
  const seen: Record<string, unknown> = {};
  for (const submitted of cases) {
    const tracked = await lookUp(browser(app.app), submitted.code);
    expect(tracked.status).toBe(200);
    expect(tracked.text).toContain(submitted.reply);
    const casePage = await intake.get(`/staff/cases/${submitted.reference}`).expect(200);
    expect(casePage.text).toContain(submitted.description);
    seen[submitted.reference] = withoutTokens(tracked.text);
  }
  const link = fileLinkIn((await intake.get(`/staff/cases/${cases[0].reference}`)).text, cases[0].reference);
  expect(link).toBeDefined();
  seen.file = (await intake.get(link!).buffer(true).expect(200)).body;
  seen.figures = withoutTokens((await browser(app.app).get('/figures').expect(200)).text);
  const month = (await supervisor.get('/staff/reports').expect(200)).text.match(/\/staff\/reports\/(\d{4}-\d{2})/)![1];
  const report = (await supervisor.get(`/staff/reports/${month}`).expect(200)).text;
  seen.report = ['summary', 'received-by-unit', 'stages'].map((table) => tableRows(report, table));
  return seen;
}

describe('the backup and restore drill', () => {
  it('when reports are backed up, the database wiped and the archive restored, then everything reads as before, and bad archives and a non-empty database are refused without a write', async () => {
    const intake = await signedIn(intakeAccount);
    cases = await submitAndAct(app.app, intake);
    const before = await whatStaffAndReportersSee(intake, await signedIn(supervisorAccount));
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: true });
    const dumpBefore = await dumpDatabase([sessionCollection]);
    const indexesBefore = await indexesOf();

    const summary = await backupTo(archive, backupKey.publicKeyPem);
    expect(summary.archiveBytes).toBe(statSync(archive).size);
    const bytes = readFileSync(archive);
    for (const planted of [cases[0].description, 'NOTE-DRILL', 'REPLY-DRILL', '孙某某', 'reference']) expect(bytes.includes(Buffer.from(planted))).toBe(false);

    // Into a database that holds anything: refused.
    await expect(restoreFrom(archive, backupKey.privateKeyPem)).rejects.toThrow(/not empty \(collection "[a-z_]+" holds documents\)/);

    await mongoose.connection.db!.dropDatabase();
    const refusals: Array<[string, Buffer, string, RegExp]> = [
      ['damaged', flipByte(bytes, Math.floor(bytes.length / 2)), backupKey.privateKeyPem, /failed authentication/],
      ['cut short', bytes.subarray(0, bytes.length - 100), backupKey.privateKeyPem, /ends early/],
      ['last chunk dropped', withoutLastChunk(bytes), backupKey.privateKeyPem, /ends early/],
      ['another key', bytes, generateCommissionKeyPair().privateKeyPem, /encrypted to backup key [0-9a-f]{16}; the key given is another one/],
      ['with bytes added', Buffer.concat([bytes, Buffer.from('x')]), backupKey.privateKeyPem, /bytes after its end/],
    ];
    for (const [what, altered, key, message] of refusals) {
      const file = path.join(dir, `${what.replace(/ /g, '-')}.qfbackup`);
      writeFileSync(file, altered);
      await expect(restoreFrom(file, key)).rejects.toThrow(message);
      expect(await documentsIn()).toBe(0);
    }

    // A portal started once on the empty database has made its collections and indexes: still empty.
    await Promise.all([Case.createIndexes(), AuditEntry.createIndexes()]);
    await expect(restoreFrom(archive, backupKey.privateKeyPem)).resolves.toEqual({ collections: summary.collections, documents: summary.documents });
    expect(await dumpDatabase([sessionCollection])).toEqual(dumpBefore);
    expect(await indexesOf()).toEqual(expect.objectContaining(Object.fromEntries(Object.entries(indexesBefore).filter(([name]) => name !== sessionCollection))));
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: true });

    // Sessions are not restored: staff sign in again (with the next TOTP step: the code used before is remembered as used).
    await intake.get('/staff/cases').expect(303);
    const after = await whatStaffAndReportersSee(await signedIn(intakeAccount, 1), await signedIn(supervisorAccount, 1));
    expect(after).toEqual(before);
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: true });
  });
});

/** The page without what differs on every load (CSRF tokens) or browser (the code in a hidden field). */
function withoutTokens(html: string): string {
  return html.replace(/_csrf(&#x3D;|=)[0-9a-f.]+/g, '').replace(/name="_csrf" value="[^"]+"/g, '').replace(/name="code" value="[^"]+"/g, '');
}

async function documentsIn(): Promise<number> {
  let total = 0;
  for (const { name } of await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray()) total += await mongoose.connection.db!.collection(name).countDocuments();
  return total;
}

function flipByte(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}

/** The archive without its last chunk: each chunk is u8 flag, u32 length, sealed bytes. */
function withoutLastChunk(bytes: Buffer): Buffer {
  let position = 10 + 4 + bytes.readUInt32BE(10);
  let lastStart = position;
  while (position < bytes.length) {
    lastStart = position;
    position += 5 + bytes.readUInt32BE(position + 1);
  }
  return bytes.subarray(0, lastStart);
}
