/**
 * Identities have a key of their own, held by custodians only: the commission
 * key that every handler and supervisor unlocks opens a case's report but not
 * its reporter's identity. Identities stored before keep opening as they did.
 */
import { Case, sealContext, type CaseDocument } from '../../server/cases/case.model';
import { caseDataKey, readIdentity } from '../../server/cases/case-content.service';
import { SealBrokenError, sealJson } from '../../server/cases/sealing/content-box';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase, openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { createAccount, signIn, type TestAccount } from '../staff/staff-helpers';

const app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const t = translator('zh');
const contact = { identityChoice: 'confidential', name: '孙保密', phone: '13900005555', email: 'sun.private@example.com', notifyByEmail: 'yes' };

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

async function reportWithContact(): Promise<CaseDocument> {
  const reporter = browser(app.app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...contact }).expect(200);
  return (await Case.findById((await storedCaseOfPage(page.text))!._id).lean<CaseDocument>())!;
}

async function custodianSession(account: TestAccount, steps = 0) {
  const agent = browser(app.app);
  await signIn(agent, account, { steps });
  return agent;
}

async function askForIdentity(agent: ReturnType<typeof browser>, reference: string, fields: Record<string, string>) {
  const token = await csrfTokenFrom(agent, `/staff/cases/${reference}/identity`);
  return agent.post(`/staff/cases/${reference}/identity`).type('form').send({ _csrf: token, reason: '核实反映人身份以便当面了解情况', ...fields });
}

describe('the identity key', () => {
  it('when a report with contact details is stored, then the commission key opens its report but not the identity, and nothing in the database shows it', async () => {
    const stored = await reportWithContact();
    const dataKey = caseDataKey(stored, app.commissionPrivateKey);
    expect(() => readIdentity(stored, dataKey)).toThrow(SealBrokenError);
    expect(stored.keys!.sealedForIdentity).toBeTruthy();
    const dump = await dumpDatabase();
    for (const secret of ['孙保密', '13900005555', 'sun.private@example.com']) expect(dump).not.toContain(secret);
  });

  it('when a custodian gives a reason and their password, then the identity opens; a wrong password opens nothing, and a custodian without the key is told so', async () => {
    const stored = await reportWithContact();
    const holder = await createAccount(app.config, { roles: ['custodian'], commissionPrivateKeyPem: app.commissionPrivateKey, identityPrivateKeyPem: app.identityPrivateKey });
    const agent = await custodianSession(holder);
    expect((await agent.get(`/staff/cases/${stored.reference}/identity`).expect(200)).text).toContain(t('triage.identity.password'));

    const wrong = await askForIdentity(agent, stored.reference, { password: 'not the password at all, sorry' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain(t('triage.identity.errors.password'));
    expect(wrong.text).not.toContain('孙保密');
    const opened = await askForIdentity(agent, stored.reference, { password: holder.password });
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('孙保密');
    expect(opened.text).toContain('13900005555');

    const without = await custodianSession(await createAccount(app.config, { roles: ['custodian'], commissionPrivateKeyPem: app.commissionPrivateKey }));
    const refused = await askForIdentity(without, stored.reference, { password: 'whatever it is' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(t('triage.identity.errors.noIdentityKey'));
    expect(refused.text).not.toContain('孙保密');
  });

  it('when the identity form is sent wrong passwords, then they count as sign-in guesses: after five even the right one opens nothing, and that client cannot sign in either', async () => {
    const stored = await reportWithContact();
    const holder = await createAccount(app.config, { roles: ['custodian'], commissionPrivateKeyPem: app.commissionPrivateKey, identityPrivateKeyPem: app.identityPrivateKey });
    const agent = await custodianSession(holder);
    for (let guess = 0; guess < 5; guess += 1) {
      expect((await askForIdentity(agent, stored.reference, { password: `a wrong guess number ${guess}` })).status).toBe(422);
    }
    const right = await askForIdentity(agent, stored.reference, { password: holder.password });
    expect(right.status).toBe(422);
    expect(right.text).toContain(t('triage.identity.errors.locked'));
    expect(right.text).not.toContain('孙保密');

    const again = browser(app.app);
    const token = await csrfTokenFrom(again, '/staff');
    const signInStep = await again.post('/staff/sign-in').type('form').send({ _csrf: token, email: holder.email, password: holder.password });
    expect(signInStep.status).not.toBe(303);
  });

  it('when the custodian changes their password, then the identity key opens with the new one', async () => {
    const stored = await reportWithContact();
    const holder = await createAccount(app.config, { roles: ['custodian'], identityPrivateKeyPem: app.identityPrivateKey });
    const agent = await custodianSession(holder);
    const newPassword = 'a new password for the canal bridge 9';
    const token = await csrfTokenFrom(agent, '/staff/password');
    await agent.post('/staff/password').type('form').send({ _csrf: token, currentPassword: holder.password, newPassword, confirmPassword: newPassword }).expect(303);
    // A code works once: the next 30-second step's.
    const again = await custodianSession({ ...holder, password: newPassword }, 1);
    const opened = await askForIdentity(again, stored.reference, { password: newPassword });
    expect([opened.status, opened.text.includes('孙保密')]).toEqual([200, true]);
  });

  it('when an identity was stored under the case key before, then a custodian holding the commission key opens it without a password, as before', async () => {
    const stored = await reportWithContact();
    const dataKey = caseDataKey(stored, app.commissionPrivateKey);
    const legacy = sealJson(dataKey, { name: '旧格式', phone: '13900006666', email: '', companyName: '', creditCode: '', notifyByEmail: false }, sealContext.identity(String(stored._id)));
    await Case.collection.updateOne({ _id: stored._id }, { $set: { 'sealed.identity': legacy, 'keys.sealedForIdentity': null, 'sealed.notice': null } });
    const agent = await custodianSession(await createAccount(app.config, { roles: ['custodian'], commissionPrivateKeyPem: app.commissionPrivateKey }));
    expect((await agent.get(`/staff/cases/${stored.reference}/identity`).expect(200)).text).not.toContain(t('triage.identity.password'));
    const opened = await askForIdentity(agent, stored.reference, {});
    expect([opened.status, opened.text.includes('旧格式')]).toEqual([200, true]);
  });
});
