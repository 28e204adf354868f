/**
 * Staff accounts from the command line: the first administrator of an
 * installation, the first supervisor or custodian (who approves what an
 * administrator later asks for in the workspace), and development accounts.
 * Whoever runs this holds the server's secrets already, so its accounts need
 * no approval; an administrator still cannot also hold a case role or the
 * custodian's unless ALLOW_ADMIN_CASE_ROLES=true. Everything else is done in
 * the workspace (/staff/admin/accounts).
 *
 *   npm run build
 *   npm run staff -- create --name 张三 --email zhang@example.gov.cn --role admin [--role handler …]
 *                           [--grant-dev-key | --import-key commission.pem] [--identity-key identity.pem]
 *   npm run staff -- create --name 李四 --email li@example.gov.cn --role liaison --unit xzspj
 *
 * The password is read from standard input when it is piped (the account
 * keeps it); otherwise one is generated, printed once, and must be replaced
 * at first sign-in. The TOTP secret is printed once; the QR code is also
 * shown at first sign-in. --grant-dev-key wraps DATA_DIR's development
 * commission key for the account (not in production); --import-key wraps the
 * given private key file, which must match COMMISSION_PUBLIC_KEY.
 * --identity-key wraps the identity key's private file (IDENTITY_PUBLIC_KEY)
 * for a custodian; in development --grant-dev-key gives a custodian the
 * development identity key too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commissionKeyId } from '../server/cases/sealing/commission-key';
import { loadConfig, type Config } from '../server/config';
import { devCommissionPrivateKeyPath, devIdentityPrivateKeyPath } from '../server/lib/dev-secrets';
import { translator } from '../server/lib/i18n';
import { withDatabase } from '../server/lib/script-database';
import { FormRefusal, refusalOf } from '../server/lib/forms';
import { createStaffAccount, type NewAccount } from '../server/staff/accounts.service';
import { newAccountForm, staffFormMessages } from '../server/staff/staff.schema';
import { Staff } from '../server/staff/staff.model';
import { formatSecret } from '../server/staff/totp';

const usage = 'usage: staff create --name NAME --email EMAIL --role ROLE [--role ROLE …] [--grant-dev-key | --import-key FILE] [--identity-key FILE] [--unit CODE, for a liaison]  (password on stdin, or generated)';

export interface StaffCommandIo {
  /** what was piped to standard input, if anything */
  stdin?: string;
  out(text: string): void;
  err(text: string): void;
}

/** Runs the command on an open database connection. Returns the exit code. */
export async function runStaffCommand(argv: string[], config: Config, io: StaffCommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: 'string' }, email: { type: 'string' }, role: { type: 'string', multiple: true }, 'grant-dev-key': { type: 'boolean' }, 'import-key': { type: 'string' }, 'identity-key': { type: 'string' }, unit: { type: 'string' } },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.join(' ') !== 'create' || (values['grant-dev-key'] && values['import-key'])) {
    io.err(`${usage}\n`);
    return 2;
  }
  const form = newAccountForm.safeParse({ name: values.name, email: values.email, roles: values.role, unit: values.unit });
  if (!form.success) return refuse(io, Object.entries(refusalOf(form.error, staffFormMessages).fields));
  const key = commissionKeyToGrant(config, values['grant-dev-key'], values['import-key']);
  if ('problem' in key) {
    io.err(`${key.problem}\n`);
    return 1;
  }
  const identityKey = identityKeyToGrant(config, form.data.roles, values['grant-dev-key'], values['identity-key']);
  if ('problem' in identityKey) {
    io.err(`${identityKey.problem}\n`);
    return 1;
  }
  const password = io.stdin?.split(/\r?\n/)[0] || undefined;
  try {
    await Staff.init();
    const created = await createStaffAccount(
      { ...form.data, unitCode: form.data.unit, password, mustChangePassword: password === undefined, commissionPrivateKeyPem: key.pem, identityPrivateKeyPem: identityKey.pem },
      {
        actor: 'system',
        totpSecret: config.secrets.totp,
        commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey),
        identityKeyId: config.secrets.identityPublicKey ? commissionKeyId(config.secrets.identityPublicKey) : undefined,
        allowAdminCaseRoles: config.staff.allowAdminCaseRoles,
      },
    );
    io.out(describe(created, form.data.roles));
    return 0;
  } catch (error) {
    if (error instanceof FormRefusal) return refuse(io, Object.entries(error.fields));
    throw error;
  }
}

function commissionKeyToGrant(config: Config, devKey: boolean | undefined, importFile: string | undefined): { pem?: string } | { problem: string } {
  if (importFile) {
    if (!existsSync(importFile)) return { problem: `No such key file: ${importFile}` };
    return { pem: readFileSync(importFile, 'utf8') };
  }
  if (!devKey) return {};
  if (config.env === 'production') return { problem: '--grant-dev-key is for development only; use --import-key in production.' };
  const file = devCommissionPrivateKeyPath(config.dataDir);
  if (!existsSync(file)) return { problem: `No development commission key at ${file} (start the portal once to create it).` };
  return { pem: readFileSync(file, 'utf8') };
}

function identityKeyToGrant(config: Config, roles: readonly string[], devKey: boolean | undefined, file: string | undefined): { pem?: string } | { problem: string } {
  if (file) return existsSync(file) ? { pem: readFileSync(file, 'utf8') } : { problem: `No such key file: ${file}` };
  if (!devKey || config.env === 'production' || !roles.includes('custodian')) return {};
  const devFile = devIdentityPrivateKeyPath(config.dataDir);
  return existsSync(devFile) && config.secrets.identityPublicKey ? { pem: readFileSync(devFile, 'utf8') } : {};
}

function describe(created: NewAccount & { identityKeyGranted: boolean }, roles: string[]): string {
  const lines = [`Account created: ${created.email} (${created.id}), roles: ${roles.join(', ')}`];
  if (created.passwordGenerated) lines.push(`One-time password (shown once; to be replaced at first sign-in): ${created.password}`);
  lines.push(
    `Commission key: ${created.keyGranted ? 'granted (wrapped under this password)' : 'not granted'}`,
    `Identity key: ${created.identityKeyGranted ? 'granted (wrapped under this password)' : 'not granted'}`,
    '',
    'Second factor, shown once: add it to an authenticator app now, or scan the QR code at first sign-in.',
    `  key: ${formatSecret(created.totpSecret)}`,
    `  ${created.otpauthUri}`,
    '',
  );
  return lines.join('\n');
}

function refuse(io: StaffCommandIo, problems: [string, string][]): number {
  const t = translator('en');
  io.err(`${problems.map(([field, key]) => `${field}: ${t(key)}`).join('\n')}\n`);
  return 1;
}

function readPipedStdin(): string | undefined {
  return process.stdin.isTTY ? undefined : readFileSync(0, 'utf8');
}

if (require.main === module) {
  const config = loadConfig();
  const io: StaffCommandIo = { stdin: readPipedStdin(), out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
  withDatabase(config, () => runStaffCommand(process.argv.slice(2), config, io)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`staff failed: ${(error as Error).name}: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
