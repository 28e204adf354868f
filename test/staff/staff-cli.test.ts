import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runStaffCommand } from '../../scripts/staff';
import { AuditEntry } from '../../server/audit/audit.model';
import { generateCommissionKeyPair } from '../../server/cases/sealing/commission-key';
import { unwrapPrivateKeyForStaff, type WrappedPrivateKey } from '../../server/cases/sealing/staff-key-wrap';
import { devCommissionPrivateKeyPath } from '../../server/lib/dev-secrets';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { Staff } from '../../server/staff/staff.model';
import { testConfig } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-staff-cli-'));
const { config, commissionPrivateKey } = testConfig({ DATA_DIR: dataDir });

beforeAll(useTestDatabase);
afterAll(async () => {
  await dropTestDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(argv: string[], stdin?: string, runConfig = config): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStaffCommand(argv, runConfig, { stdin, out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('npm run staff -- create', () => {
  it('when a password is piped and the dev key granted, then the account keeps that password, holds the key, and the output shows the TOTP secret but not the password', async () => {
    writeFileSync(devCommissionPrivateKeyPath(dataDir), commissionPrivateKey, { mode: 0o600 });
    const password = 'the first administrator of tongzhou';
    const result = await run(['create', '--name', '管理员', '--email', 'Admin@Tongzhou.example', '--role', 'admin', '--grant-dev-key'], `${password}\n`);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('admin@tongzhou.example');
    expect(result.out).toMatch(/otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
    expect(result.out).not.toContain(password);

    const account = (await Staff.findOne({ email: 'admin@tongzhou.example' }).lean())!;
    expect(account.roles).toEqual(['admin']);
    expect(account.mustChangePassword).toBe(false);
    await expect(unwrapPrivateKeyForStaff(account.wrappedCommissionKey as WrappedPrivateKey, password)).resolves.toBe(commissionPrivateKey);
    const audit = await AuditEntry.findOne({ action: 'account.created', actor: 'system' }).lean();
    expect(audit?.details).toMatchObject({ accountId: String(account._id), keyGranted: true });
  });

  it('when the first supervisor is created with the key, then they hold it at once: the command needs no approval, and they approve what administrators ask for later', async () => {
    writeFileSync(devCommissionPrivateKeyPath(dataDir), commissionPrivateKey, { mode: 0o600 });
    const result = await run(['create', '--name', '审核员', '--email', 'supervisor@tongzhou.example', '--role', 'supervisor', '--role', 'custodian', '--grant-dev-key'], 'the first supervisor of tongzhou\n');
    expect(result).toMatchObject({ code: 0, err: '' });
    const account = (await Staff.findOne({ email: 'supervisor@tongzhou.example' }).lean())!;
    expect(account.roles).toEqual(['supervisor', 'custodian']);
    expect(account.wrappedCommissionKey).not.toBeNull();
  });

  it('when an administrator is to hold a case role too, then the command refuses and creates nothing, unless ALLOW_ADMIN_CASE_ROLES=true', async () => {
    const argv = ['create', '--name', '兼职', '--email', 'both@tongzhou.example', '--role', 'admin', '--role', 'handler'];
    const refused = await run(argv);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('roles: An administrator account cannot also hold a case role');
    expect(await Staff.exists({ email: 'both@tongzhou.example' })).toBeNull();
    const smallOffice = testConfig({ DATA_DIR: dataDir, ALLOW_ADMIN_CASE_ROLES: 'true' }).config;
    expect(await run(argv, undefined, smallOffice)).toMatchObject({ code: 0 });
    expect((await Staff.findOne({ email: 'both@tongzhou.example' }).lean())!.roles).toEqual(['admin', 'handler']);
  });

  it('when nothing is piped, then a password is generated, printed once, and must be replaced at first sign-in', async () => {
    const result = await run(['create', '--name', 'Li Na', '--email', 'li.na@tongzhou.example', '--role', 'handler']);
    expect(result.code).toBe(0);
    const printed = /One-time password[^:]*: (\S+)/.exec(result.out)![1];
    expect(printed).toMatch(/^([a-z2-9]{4}-){5}[a-z2-9]{4}$/);
    expect(result.out).toContain('Commission key: not granted');
    const account = (await Staff.findOne({ email: 'li.na@tongzhou.example' }).lean())!;
    expect(account.mustChangePassword).toBe(true);
    expect(account.wrappedCommissionKey).toBeNull();
  });

  it('when the key file is not the configured commission key, then nothing is created and the reason is given', async () => {
    const other = path.join(dataDir, 'other.pem');
    writeFileSync(other, generateCommissionKeyPair().privateKeyPem, { mode: 0o600 });
    const result = await run(['create', '--name', 'Wrong Key', '--email', 'wrong.key@tongzhou.example', '--role', 'admin', '--import-key', other], 'a sufficiently long password\n');
    expect(result.code).toBe(1);
    expect(result.err).toContain('does not match the commission public key');
    expect(await Staff.exists({ email: 'wrong.key@tongzhou.example' })).toBeNull();
  });

  it('when a liaison is created with a unit, then the account is bound to it; without one, the command says the unit is needed and creates nothing', async () => {
    await seedTaxonomy();
    const missing = await run(['create', '--name', '联络员', '--email', 'liaison-cli@tongzhou.example', '--role', 'liaison'], 'a liaison of the approvals bureau\n');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('unit: A rectification liaison needs their unit, chosen from the unit list.');
    expect(await Staff.countDocuments({ email: 'liaison-cli@tongzhou.example' })).toBe(0);
    const made = await run(['create', '--name', '联络员', '--email', 'liaison-cli@tongzhou.example', '--role', 'liaison', '--unit', 'xzspj'], 'a liaison of the approvals bureau\n');
    expect(made).toMatchObject({ code: 0, err: '' });
    expect(await Staff.findOne({ email: 'liaison-cli@tongzhou.example' }).lean()).toMatchObject({ roles: ['liaison'], unitCode: 'xzspj' });
  });

  it('when the role, email or password is unacceptable, then the command says which and creates nothing', async () => {
    const badRole = await run(['create', '--name', 'X', '--email', 'x@tongzhou.example', '--role', 'emperor']);
    expect(badRole).toMatchObject({ code: 1 });
    expect(badRole.err).toContain('roles: Choose at least one role.');
    const shortPassword = await run(['create', '--name', 'X', '--email', 'x@tongzhou.example', '--role', 'handler'], 'short\n');
    expect(shortPassword.err).toContain('password: The password needs at least 12 characters.');
    const taken = await run(['create', '--name', 'Again', '--email', 'li.na@tongzhou.example', '--role', 'handler']);
    expect(taken.err).toContain('email: There is already an account with this email.');
    expect(await Staff.exists({ email: 'x@tongzhou.example' })).toBeNull();
  });

  it.each([[[]], [['delete']], [['create', '--bogus']], [['create', '--name', 'A', '--email', 'a@b.example', '--role', 'admin', '--grant-dev-key', '--import-key', 'k.pem']]])(
    'when the arguments are %j, then the command prints its usage and exits 2',
    async (argv) => {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.err).toContain('usage');
    },
  );
});
