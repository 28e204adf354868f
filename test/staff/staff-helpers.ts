/**
 * Staff accounts and sign-ins for tests: accounts are created with the real
 * service, codes generated with otplib from the secret it returned, and
 * sign-in goes through the real forms.
 */
import type { Express } from 'express';
import { authenticator } from 'otplib';
import type request from 'supertest';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import type { Config } from '../../server/config';
import { createStaffAccount } from '../../server/staff/accounts.service';
import type { StaffRole } from '../../server/staff/staff.model';
import { browser, csrfTokenFrom } from '../helpers/app';

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
}

let counter = 0;

export async function createAccount(
  config: Config,
  options: { roles?: StaffRole[]; password?: string; commissionPrivateKeyPem?: string; identityPrivateKeyPem?: string; mustChangePassword?: boolean; name?: string } = {},
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
      identityPrivateKeyPem: options.identityPrivateKeyPem,
    },
    // A fixture stands for any office, the smallest too: administrators may hold case roles here.
    {
      actor: 'system',
      totpSecret: config.secrets.totp,
      commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey),
      identityKeyId: config.secrets.identityPublicKey ? commissionKeyId(config.secrets.identityPublicKey) : undefined,
      allowAdminCaseRoles: true,
    },
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

/** The id of the pending request about the account with this address, as the approvals screen shows it. */
export function approvalIdOn(page: string, email: string): string | undefined {
  const section = page.split('<section class="approval"').find((part) => part.includes(`data-account="${email}"`));
  return section ? /action="\/staff\/approvals\/([0-9a-f]{24})\/approve"/.exec(section)?.[1] : undefined;
}

/**
 * A second person approves the pending request about `email` through the
 * approvals screen: a supervisor made for the purpose (or the one given),
 * signed in through the forms. Resolves with the approval's answer.
 */
export async function approveAsSecondPerson(app: Express, config: Config, email: string, approver?: TestAccount): Promise<request.Response> {
  const agent = browser(app);
  await signIn(agent, approver ?? (await createAccount(config, { roles: ['supervisor'] })));
  const page = await agent.get('/staff/approvals').expect(200);
  const id = approvalIdOn(page.text, email.toLowerCase());
  if (!id) throw new Error(`no pending request about ${email} on the approvals screen`);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  return agent.post(`/staff/approvals/${id}/approve`).type('form').send({ _csrf: token });
}

/**
 * One signed-in browser per account, made on first use and reused after:
 * a TOTP code works once, so each account signs in once.
 */
export function signedInAgents(app: Express, accounts: Record<string, TestAccount>): (name: string) => Promise<request.Agent> {
  const agents = new Map<string, request.Agent>();
  return async (name) => {
    if (!agents.has(name)) {
      const agent = browser(app);
      await signIn(agent, accounts[name]);
      agents.set(name, agent);
    }
    return agents.get(name)!;
  };
}
