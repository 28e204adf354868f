/**
 * The review's deadline follows DEADLINE_REVIEW_WORKING_DAYS (and the other
 * DEADLINE_* keys are applied at all: before, they were read and never set).
 */
import { Case } from '../../server/cases/case.model';
import { workingCalendar } from '../../server/cases/deadlines';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { addWorkingDays } from '../../server/cases/working-days';
import { chinaDateOf } from '../../server/lib/china-time';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { lookUpOk } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, formFields, newCase, rate } from './voice-helpers';

let app: ReturnType<typeof buildTestApp>;
const accounts: Record<string, TestAccount> = {};

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ DEADLINE_REVIEW_WORKING_DAYS: '5', DEADLINE_ACCEPT_WORKING_DAYS: '7', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: app.commissionPrivateKey });
});
afterAll(dropTestDatabase);

it('when the deadlines are configured, then a new case is due for acceptance and an objection for review in those working days', async () => {
  const today = chinaDateOf(new Date());
  const { code, reference } = await newCase(app.app);
  expect((await Case.findOne({ reference }).lean())!.acceptDueDate).toBe(addWorkingDays(today, 7, workingCalendar()));
  const supervisor = await signedInAgents(app.app, accounts)('supervisor');
  expect((await act(supervisor, reference, 'accept')).status).toBe(303);
  expect((await act(supervisor, reference, 'conclude', { outcome: 'substantiated', summary: '已整改。' })).status).toBe(303);
  expect((await rate(app.app, code, { level: 'dissatisfied' })).status).toBe(303);
  const agent = browser(app.app);
  const { csrf } = formFields((await lookUpOk(agent, code)).text, '/track/object');
  expect((await agent.post(`/track/object?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', code).field('objection', '整改没有落实。')).status).toBe(303);
  expect((await Case.findOne({ reference }).lean())!.dueDate).toBe(addWorkingDays(today, 5, workingCalendar()));
});
