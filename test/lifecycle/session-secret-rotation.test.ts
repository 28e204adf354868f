/**
 * SESSION_SECRET no longer seals the authenticator secrets: they have a key of
 * their own (TOTP_SECRET_KEY). Secrets sealed before under SESSION_SECRET move
 * to it at start; after that, rotating SESSION_SECRET signs everyone out and
 * makes nobody enrol again.
 */
import { randomBytes } from 'node:crypto';
import { Staff } from '../../server/staff/staff.model';
import { moveTotpSecretsToOwnKey } from '../../server/staff/totp-key-upgrade';
import request from 'supertest';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signIn } from '../staff/staff-helpers';

const [firstSessionSecret, secondSessionSecret, totpKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
const shared = { STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' };
const legacy = buildTestApp({ ...shared, SESSION_SECRET: firstSessionSecret });
const upgraded = buildTestApp({ ...shared, SESSION_SECRET: firstSessionSecret, TOTP_SECRET_KEY: totpKey });
const rotated = buildTestApp({ ...shared, SESSION_SECRET: secondSessionSecret, TOTP_SECRET_KEY: totpKey });

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

describe('the authenticator key', () => {
  it('when TOTP_SECRET_KEY is not set, then the secrets are sealed under SESSION_SECRET as before', () => {
    expect(legacy.config.secrets.totp).toBe(firstSessionSecret);
    expect(legacy.config.secrets.totpHasOwnKey).toBe(false);
    expect(rotated.config.secrets.totp).toBe(totpKey);
  });

  it('when secrets sealed under SESSION_SECRET are moved to TOTP_SECRET_KEY and SESSION_SECRET is then rotated, then the signed-in are signed out and sign in again with the authenticator they have', async () => {
    const account = await createAccount(legacy.config);
    const signedInBefore = browser(legacy.app);
    // Each code works once and only a later step is accepted: the three sign-ins take the steps -1, 0 and 1.
    expect((await signIn(signedInBefore, account, { steps: -1 })).headers.location).toBe('/staff');
    const legacyBox = (await Staff.findById(account.id).lean())!.totpSecretBox;

    await expect(moveTotpSecretsToOwnKey({ totpSecret: totpKey, sessionSecret: firstSessionSecret })).resolves.toEqual({ moved: 1, unreadable: 0 });
    expect((await Staff.findById(account.id).lean())!.totpSecretBox).not.toBe(legacyBox);
    // Again: nothing left to move.
    await expect(moveTotpSecretsToOwnKey({ totpSecret: totpKey, sessionSecret: firstSessionSecret })).resolves.toEqual({ moved: 0, unreadable: 0 });

    // Same SESSION_SECRET, own key: the session lives on and the next sign-in works.
    const sessionCookies = cookieHeaderOf(signedInBefore);
    await request(upgraded.app).get('/staff/cases').set('Cookie', sessionCookies).expect(200);
    expect((await signIn(browser(upgraded.app), account)).headers.location).toBe('/staff');

    // SESSION_SECRET rotated: that session is gone; the authenticator still works, no enrolment.
    expect((await request(rotated.app).get('/staff/cases').set('Cookie', sessionCookies)).status).toBe(303);
    const again = browser(rotated.app);
    expect((await signIn(again, account, { steps: 1 })).headers.location).toBe('/staff');
    await again.get('/staff/cases').expect(200);
    expect((await Staff.findById(account.id).lean())!.totpConfirmedAt).not.toBeNull();
  });

  it('when an account is made under the own key, then a change of SESSION_SECRET does not touch its authenticator', async () => {
    const account = await createAccount(rotated.config);
    expect((await signIn(browser(buildTestApp({ ...shared, SESSION_SECRET: randomBytes(32).toString('base64'), TOTP_SECRET_KEY: totpKey }).app), account)).headers.location).toBe('/staff');
  });
});

/** The Cookie header the agent sends (supertest keeps cookies in a cookiejar). */
function cookieHeaderOf(agent: ReturnType<typeof browser>): string {
  const { CookieAccessInfo } = require('cookiejar') as { CookieAccessInfo: { All: unknown } };
  const jar = (agent as unknown as { jar: { getCookies: (access: unknown) => { toValueString: () => string } } }).jar;
  return jar.getCookies(CookieAccessInfo.All).toValueString();
}
