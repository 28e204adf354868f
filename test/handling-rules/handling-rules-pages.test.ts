/**
 * The pages the handling rules changed, in a real Chromium against the real
 * app, in both languages (Chinese on a desktop, English on a phone): axe
 * (WCAG 2.2 AA) finds nothing on the report form with the leadership
 * question, the city commission's page, the reporter's page with the choice
 * of case for an addition, the queue filtered by named reports, the case
 * page with the rules' deadlines and forms (also as refused and after 反馈
 * was recorded by clicking), the monthly report and /figures.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { previousMonth } from '../../server/oversight/months';
import { chinaDateOf } from '../../server/lib/china-time';
import { browser as httpClient, buildTestApp } from '../helpers/app';
import { launchChromium, navigates, viewports, type Language } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { lookUpOk } from '../helpers/tracking';
import { startServer, type RunningServer } from '../helpers/server';
import { codeFor, createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, formFields, newCase } from '../voice/voice-helpers';

const { app, config, commissionPrivateKey } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_SITE: '1000' });
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(app, accounts);
const month = chinaDateOf(new Date()).slice(0, 7);
let server: RunningServer;
let chromium: Browser;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  accounts.setup = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey });
  server = await startServer(app);
  chromium = await launchChromium();
}, 60_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

async function violations(page: Page, name: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  if (results.passes.length < 10) throw new Error(`axe checked almost nothing on ${name}`);
  return results.violations.map((violation) => `${name}: ${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** A named report about commission staff, accepted: every form of the rules is offered on it. */
async function namedCommissionCase(): Promise<string> {
  const { reference } = await newCase(app, { concernsCommission: 'yes', identityChoice: 'confidential', name: '赵实名', phone: '13700002222' });
  expect((await act(await staff('setup'), reference, 'accept')).status).toBe(303);
  return reference;
}

/** A declined case with a retaliation check-in started from it: its code. */
async function caseWithRetaliation(): Promise<string> {
  const { code, reference } = await newCase(app);
  expect((await act(await staff('setup'), reference, 'decline', { reason: '不属于受理范围。' })).status).toBe(303);
  const agent = httpClient(app);
  const { csrf } = formFields((await lookUpOk(agent, code)).text, '/track/retaliation');
  const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).png().toBuffer();
  await agent.post(`/track/retaliation?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', code)
    .field('happened', '反映问题后，店铺被突击检查。').field('when', '上周').attach('evidence', photo, { filename: 'a.png', contentType: 'image/png' }).expect(303);
  return code;
}

async function walk(lang: Language): Promise<string[]> {
  const t = translator(lang);
  const found: string[] = [];
  const reference = await namedCommissionCase();
  const code = await caseWithRetaliation();
  const supervisor = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey });
  const context = await chromium.newContext({ viewport: lang === 'zh' ? viewports.desktop : viewports.phone });
  await context.addCookies([{ name: 'qf_lang', value: lang, url: server.url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const go = (path: string) => navigates(page, () => page.goto(`${server.url}${path}`));
  const press = (name: string) => navigates(page, () => page.getByRole('button', { name, exact: true }).click());
  const check = async (name: string) => found.push(...(await violations(page, name)));
  try {
    await go('/report');
    expect(await page.locator('body').innerText()).toContain(t('reports.form.identityHint'));
    await check('report form');
    await page.getByLabel(t('handlingRules.leadership.yes'), { exact: true }).check();
    await press(t('reports.form.submit'));
    expect((await page.locator('h1').innerText()).trim()).toBe(t('handlingRules.leadership.heading'));
    await check('city commission page');

    await go('/track');
    await page.getByLabel(t('tracking.lookup.code')).fill(code);
    await press(t('tracking.lookup.submit'));
    expect(await page.locator('#to').isVisible()).toBe(true);
    await check('reporter page with a retaliation case');

    await go('/staff');
    await page.getByLabel(t('staff.fields.email'), { exact: true }).fill(supervisor.email);
    await page.getByLabel(t('staff.fields.password'), { exact: true }).fill(supervisor.password);
    await press(t('staff.signIn.submit'));
    await page.getByLabel(t('staff.fields.code'), { exact: true }).fill(codeFor(supervisor.totpSecret));
    await press(t('staff.code.submit'));

    await go('/staff/cases?identity=named');
    expect(await page.locator('body').innerText()).toContain(reference);
    await check('queue, named only');

    await go(`/staff/cases/${reference}`);
    expect(await page.locator('#rules-deadlines-heading').isVisible()).toBe(true);
    await check('case page with the rules');
    // Refused: no way chosen.
    await page.getByLabel(t('handlingRules.feedback.subjects.acceptance'), { exact: true }).check();
    await press(t('triage.actions.feedback'));
    expect(await page.locator('#feedback-way-error').innerText()).toBe(t('handlingRules.errors.way'));
    await check('case page, feedback refused');
    await page.getByLabel(t('handlingRules.feedback.subjects.acceptance'), { exact: true }).check();
    await page.getByLabel(t('handlingRules.feedback.ways.telephone'), { exact: true }).check();
    await press(t('triage.actions.feedback'));
    expect(await page.locator('.timeline').first().innerText()).toContain(t('handlingRules.feedback.ways.telephone'));
    await check('case page, feedback recorded');

    await go(`/staff/reports/${month}`);
    expect(await page.locator('#feedback-heading').isVisible()).toBe(true);
    await check('monthly report');

    await go(`/figures/${previousMonth(month)}`);
    expect(await page.locator('#by-measure').isVisible()).toBe(true);
    await check('public figures');
  } finally {
    await context.close();
  }
  return found;
}

describe('the pages of the handling rules in a browser', () => {
  it('when axe checks each changed page in Chinese on a desktop and in English on a phone, then it finds no violation', async () => {
    const zh = await walk('zh');
    const en = await walk('en');
    expect([...zh, ...en]).toEqual([]);
    expect(await Case.countDocuments({})).toBeGreaterThan(0);
  }, 240_000);
});
