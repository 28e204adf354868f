/**
 * Staff accounts and sign-ins for tests: accounts are created with the real
 * service, codes generated with otplib from the secret it returned, and
 * sign-in goes through the real forms.
 */
import { authenticator } from 'otplib';
import type request from 'supertest';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import type { Config } from '../../server/config';
import { createStaffAccount } from '../../server/staff/accounts.service';
import type { StaffRole } from '../../server/staff/staff.model';
import { csrfTokenFrom } from '../helpers/app';

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
}

let counter = 0;

export async function createAccount(
  config: Config,
  options: { roles?: StaffRole[]; password?: string; commissionPrivateKeyPem?: string; mustChangePassword?: boolean; name?: string } = {},
): Promise<TestAccount> {
  counter += 1;
  const password = options.password ?? `river lanterns drift ${counter} past the salt canal`;
  const created = await createStaffAccount(
    {
      name: options.name ?? `Staff ${counter}`,
      email: `staff${counter}-${Date.now()}@tongzhou.example`,
      roles: options.roles ?? ['handler'],
      password,
      mustChangePassword: options.mustChangePassword ?? false,
      commissionPrivateKeyPem: options.commissionPrivateKeyPem,
    },
    { actor: 'system', sessionSecret: config.secrets.session, commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey) },
  );
  return { id: created.id, email: created.email, password, totpSecret: created.totpSecret };
}

/** The code for now, or for `steps` 30-second steps later (still accepted: one step of drift is allowed). */
export function codeFor(secret: string, steps = 0): string {
  return authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret);
}

/** Password then code through the forms; resolves with the code step's response (and the password step's). */
export async function signIn(
  agent: request.Agent,
  account: TestAccount,
  options: { steps?: number } = {},
): Promise<request.Response & { passwordStep: request.Response }> {
  const token = await csrfTokenFrom(agent, '/staff');
  const passwordStep = await agent.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(303);
  const codeStep = await agent.post('/staff/sign-in/code').type('form').send({ _csrf: token, code: codeFor(account.totpSecret, options.steps) });
  return Object.assign(codeStep, { passwordStep });
}

export function cookieValue(response: request.Response, name: string): string | undefined {
  const lines = (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const line = lines.find((entry) => entry.startsWith(`${name}=`));
  return line ? line.slice(name.length + 1).split(';')[0] : undefined;
}
