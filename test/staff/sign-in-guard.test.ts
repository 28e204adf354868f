/**
 * Guessing at sign-in: a burst of guesses is checked no further than the
 * limit, and a stranger's wrong guesses lock the account only for the
 * stranger, never for its owner at another address.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { codeFor, createAccount, signIn } from './staff-helpers';

// Behind one proxy hop, so that each test client can come from an address of its own (loopback only).
const { app, config } = buildTestApp({ TRUST_PROXY_HOPS: '1', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000' });

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

function from(address: string) {
  const agent = browser(app);
  agent.set('X-Forwarded-For', address);
  return agent;
}

async function refusalReasons(accountId: string): Promise<string[]> {
  const entries = await AuditEntry.find({ actor: accountId, action: 'staff.signInFailed' }).lean();
  return entries.map((entry) => String((entry.details as { reason?: string }).reason));
}

describe('sign-in guesses', () => {
  it('when twenty codes are sent at once, then no more than five are checked, and the rest are refused unchecked', async () => {
    const account = await createAccount(config);
    const agent = from('127.0.0.2');
    const token = await csrfTokenFrom(agent, '/staff');
    await agent.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(303);
    const right = codeFor(account.totpSecret);
    const wrong = (index: number) => String((Number(right) + 1 + index) % 1_000_000).padStart(6, '0');
    const codes = [...Array.from({ length: 19 }, (_, index) => wrong(index)), right];
    const answers = await Promise.all(codes.map((code) => agent.post('/staff/sign-in/code').type('form').send({ _csrf: token, code })));

    const reasons = await refusalReasons(account.id);
    const checked = reasons.filter((reason) => reason === 'code').length + answers.filter((answer) => answer.headers.location === '/staff').length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(reasons.filter((reason) => reason === 'locked').length).toBeGreaterThanOrEqual(15);
  });

  it('when a stranger guesses the password six times, then the stranger is locked out and the owner, at another address, still signs in', async () => {
    const account = await createAccount(config);
    const stranger = from('127.0.0.3');
    const token = await csrfTokenFrom(stranger, '/staff');
    for (let guess = 1; guess <= 6; guess += 1) {
      await stranger.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: `guess number ${guess}` }).expect(401);
    }
    await stranger.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(401);
    expect(await refusalReasons(account.id)).toEqual(['password', 'password', 'password', 'password', 'password', 'locked', 'locked']);

    const owner = from('127.0.0.4');
    await signIn(owner, account).then((signedIn) => expect(signedIn.headers.location).toBe('/staff'));
  });

  it('when someone who knows the password alternates it with wrong codes, then the right password does not reset the count, and five wrong codes lock them out', async () => {
    const account = await createAccount(config);
    const guesser = from('127.0.0.5');
    const token = await csrfTokenFrom(guesser, '/staff');
    const right = codeFor(account.totpSecret);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    for (let round = 1; round <= 5; round += 1) {
      await guesser.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(303);
      await guesser.post('/staff/sign-in/code').type('form').send({ _csrf: token, code: wrong });
    }
    await guesser.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(401);
    expect((await refusalReasons(account.id)).filter((reason) => reason === 'code')).toHaveLength(5);
  });
});
