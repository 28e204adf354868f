/**
 * The rotation drill: reports submitted and acted on under the old commission
 * and identity keys; new key pairs made and configured; every case re-sealed
 * from a holder's key (twice: the second run changes nothing); holders get
 * the new key when they next type their password; the old key is retired.
 * Nothing is lost: every code, case text, file and identity opens as before,
 * and no sealed content was touched, only the keys that open it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRotateKeys } from '../../scripts/rotate-keys';
import { AuditEntry } from '../../server/audit/audit.model';
import { verifyAuditChain } from '../../server/audit/audit.service';
import { Case } from '../../server/cases/case.model';
import { commissionKeyId, openFromCommission, type SealedForCommission } from '../../server/cases/sealing/commission-key';
import { KeyHandover } from '../../server/cases/sealing/key-handover';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { Staff } from '../../server/staff/staff.model';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { lookUp } from '../helpers/tracking';
import { createAccount, signIn, type TestAccount } from '../staff/staff-helpers';
import { dumpDatabase, fileLinkIn, submitAndAct, type SubmittedCase } from './lifecycle-fixtures';

const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-rotation-test-'));
const pemPair = () => generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const [oldCommission, oldIdentity, newCommission, newIdentity] = [pemPair(), pemPair(), pemPair(), pemPair()];
// The installation's secrets stay; only the public keys change between the two portals.
const secrets = {
  SESSION_SECRET: randomBytes(32).toString('base64'), CSRF_SECRET: randomBytes(32).toString('base64'), CLIENT_KEY_SECRET: randomBytes(32).toString('base64'),
  TRACKING_SALT: randomBytes(16).toString('base64'), NOTICE_SECRET: randomBytes(32).toString('base64'),
  REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100',
};
const before = buildTestApp({ ...secrets, COMMISSION_PUBLIC_KEY: oldCommission.publicKey, IDENTITY_PUBLIC_KEY: oldIdentity.publicKey });
const after = buildTestApp({ ...secrets, COMMISSION_PUBLIC_KEY: newCommission.publicKey, IDENTITY_PUBLIC_KEY: newIdentity.publicKey });
const accounts: Record<string, TestAccount> = {};
// Collections that change with every sign-in, page or fold, and the cases (compared without their keys).
const notContent = ['cases', 'staff', 'audit_entries', 'audit_head', 'audit_actions', 'locks', 'key_handovers', 'staff_sessions', 'staff_totp_uses', 'sign_in_guards', 'case_listing_changes', 'case_listings', 'oversight_rollup_pending', 'oversight_rollup_cases', 'oversight_rollups', 'oversight_rollup_meta', 'oversight_rollup_dirty', 'oversight_rollup_locks'];
let cases: SubmittedCase[];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const key = oldCommission.privateKey;
  accounts.intake = await createAccount(before.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.custodian = await createAccount(before.config, { roles: ['custodian'], commissionPrivateKeyPem: key, identityPrivateKeyPem: oldIdentity.privateKey });
  accounts.absent = await createAccount(before.config, { roles: ['handler'], commissionPrivateKeyPem: key });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropTestDatabase();
});

async function signedIn(app: typeof before, account: TestAccount, steps: number) {
  const agent = browser(app.app);
  await signIn(agent, account, { steps });
  return agent;
}

async function rotate(args: string[], password?: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRotateKeys(args, { stdin: password ? `${password}\n` : undefined, out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join(''), err: err.join('') };
}

/** What staff and reporters read of every case: the reply by code, the text by reference, the file, the identity. */
async function everythingReadable(app: typeof before, intake: ReturnType<typeof browser>, custodian: ReturnType<typeof browser>) {
  const read: Record<string, unknown> = {};
  for (const submitted of cases) {
    expect((await lookUp(browser(app.app), submitted.code)).text).toContain(submitted.reply);
    const page = await intake.get(`/staff/cases/${submitted.reference}`).expect(200);
    expect(page.text).toContain(submitted.description);
    expect(page.text).toContain(submitted.reply);
  }
  const link = fileLinkIn((await intake.get(`/staff/cases/${cases[0].reference}`)).text, cases[0].reference);
  read.file = (await intake.get(link!).buffer(true).expect(200)).body;
  const token = await csrfTokenFrom(custodian, `/staff/cases/${cases[1].reference}/identity`);
  const identity = await custodian.post(`/staff/cases/${cases[1].reference}/identity`).type('form').send({ _csrf: token, reason: '核实反映人身份以便当面了解情况', password: accounts.custodian.password });
  expect(identity.status).toBe(200);
  expect(identity.text).toContain('孙某某');
  expect(identity.text).toContain('13900004444');
  return read;
}

async function sealedKeyIds(): Promise<string[]> {
  const stored = await Case.find({}, { keys: 1 }).lean();
  return stored.flatMap((c) => [c.keys!.sealedForCommission.keyId, (c.keys!.sealedForIdentity as SealedForCommission | null)?.keyId ?? 'none']);
}

describe('the key rotation drill', () => {
  it('when both keys are rotated and the old ones retired, then every case, file and identity still opens, only the keys changed, and the old keys open nothing', async () => {
    const [oldId, newId] = [commissionKeyId(oldCommission.publicKey), commissionKeyId(newCommission.publicKey)];
    const [oldIdentityId, newIdentityId] = [commissionKeyId(oldIdentity.publicKey), commissionKeyId(newIdentity.publicKey)];
    const intakeBefore = await signedIn(before, accounts.intake, 0);
    cases = await submitAndAct(before.app, intakeBefore);
    const readBefore = await everythingReadable(before, intakeBefore, await signedIn(before, accounts.custodian, 0));
    expect(new Set(await sealedKeyIds())).toEqual(new Set([oldId, oldIdentityId, 'none']));
    const contentBefore = await dumpDatabase(notContent);
    const casesWithoutKeys = async () => (await Case.find({}).lean()).map(({ keys: _keys, ...rest }) => JSON.stringify(rest)).sort();
    const casesBefore = await casesWithoutKeys();

    // Refused: a wrong password, no such holder, the new key given as the old.
    await expect(rotate(['rotate', 'commission', '--holder', accounts.intake.email, '--new-key', keyFile('new-commission.pem', newCommission.privateKey)], 'not the password')).rejects.toThrow(/password/);
    expect((await rotate(['rotate', 'commission', '--holder', 'nobody@example.invalid', '--new-key', keyFile('new-commission.pem', newCommission.privateKey)], 'x')).err).toContain('No account');

    // The portal is switched to the new public keys, then the cases are re-sealed from a holder's key.
    const commission = await rotate(['rotate', 'commission', '--holder', accounts.intake.email, '--new-key', path.join(dir, 'new-commission.pem')], accounts.intake.password);
    expect(commission).toMatchObject({ code: 0, out: expect.stringContaining(`from ${oldId} to ${newId}: 3 cases re-sealed, 0 already on the new key`) });
    const again = await rotate(['rotate', 'commission', '--holder', accounts.intake.email, '--new-key', path.join(dir, 'new-commission.pem')], accounts.intake.password);
    expect(again.out).toContain('0 cases re-sealed, 3 already on the new key');
    const identity = await rotate(['rotate', 'identity', '--holder', accounts.custodian.email, '--new-key', keyFile('new-identity.pem', newIdentity.privateKey)], accounts.custodian.password);
    expect(identity.out).toContain(`from ${oldIdentityId} to ${newIdentityId}: 1 cases re-sealed, 0 already on the new key, 0 on another key, 2 without one`);
    expect(new Set(await sealedKeyIds())).toEqual(new Set([newId, newIdentityId, 'none']));
    for (const stored of await Case.find({}, { keys: 1 }).lean()) {
      expect(() => openFromCommission(oldCommission.privateKey, stored.keys!.sealedForCommission as SealedForCommission)).toThrow(/Sealed for commission key/);
      expect(openFromCommission(newCommission.privateKey, stored.keys!.sealedForCommission as SealedForCommission)).toHaveLength(32);
    }

    // Holders get the new key as they type their password: at sign-in (commission), at opening an identity (identity key).
    const intakeAfter = await signedIn(after, accounts.intake, 1);
    const readAfter = await everythingReadable(after, intakeAfter, await signedIn(after, accounts.custodian, 1));
    expect(readAfter).toEqual(readBefore);
    expect((await Staff.findById(accounts.intake.id).lean())!.wrappedCommissionKey!.keyId).toBe(newId);
    const custodian = (await Staff.findById(accounts.custodian.id).lean())!;
    expect([custodian.wrappedCommissionKey!.keyId, custodian.wrappedIdentityKey!.keyId]).toEqual([newId, newIdentityId]);
    expect((await Staff.findById(accounts.absent.id).lean())!.wrappedCommissionKey!.keyId).toBe(oldId);

    // Nothing sealed was decrypted or rewritten: only the cases' keys changed.
    expect(await dumpDatabase(notContent)).toEqual(contentBefore);
    expect(await casesWithoutKeys()).toEqual(casesBefore);

    // Retired: the handover goes, and an account that never came back holds no key (it is granted again).
    const retired = await rotate(['retire', 'commission', '--old-key-id', oldId]);
    expect(retired.out).toContain('1 accounts still held only the old key');
    expect(await KeyHandover.findById(oldId).lean()).toBeNull();
    expect((await Staff.findById(accounts.absent.id).lean())!.wrappedCommissionKey).toBeNull();
    expect((await rotate(['retire', 'identity', '--old-key-id', oldIdentityId])).code).toBe(0);
    expect(await KeyHandover.countDocuments()).toBe(0);

    const actions = (await AuditEntry.find({}).lean()).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['keys.rotated', 'staff.keyHandedOver', 'keys.retired']));
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: true });
  });

  it('when a retirement is asked for while cases are still sealed to the old key, then nothing is retired', async () => {
    const pending = pemPair();
    const stored = (await Case.findOne({}).lean())!;
    await Case.collection.updateOne({ _id: stored._id }, { $set: { 'keys.sealedForCommission.keyId': commissionKeyId(pending.publicKey) } });
    const refused = await rotate(['retire', 'commission', '--old-key-id', commissionKeyId(pending.publicKey)]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('1 cases are still sealed to key');
  });
});

function keyFile(name: string, pem: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, pem, { mode: 0o600 });
  return file;
}
