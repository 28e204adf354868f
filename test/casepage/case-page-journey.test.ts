/**
 * The case page in a real Chromium, in both languages, on a phone and a
 * desktop: an administrator adds a reply template (常用语); a supervisor
 * opens a case, finds its actions under decision / talk with the reporter /
 * internal work, is refused a decision without a reason (the reason kept, the
 * summary's link leading to it), types a greeting, inserts the template without JavaScript,
 * sends the reply and reads in the log who wrote it and that the reporter
 * reads it; the print view holds the case file and no form. axe checks each
 * page (axe runs in the page, so JavaScript is on; these pages load none);
 * screenshots go to test-output/screenshots.
 */
import type { Browser } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { browser as httpClient, buildTestApp } from '../helpers/app';
import { launchChromium, navigates, openJourney, type Language, type ViewportName } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { createAccount } from '../staff/staff-helpers';
import { axeViolations } from '../helpers/axe';
import { signInInBrowser } from '../helpers/staff-browser-sign-in';

const { app, config, commissionPrivateKey } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000' });
const words = {
  zh: { name: '钱审核', title: '受理告知', text: '您反映的问题已受理，我们将依规核实办理。', greeting: '您好：' },
  en: { name: 'Qian Review', title: 'Accepted', text: 'Your report has been accepted and will be looked into.', greeting: 'Dear reporter,' },
} as const;

let server: RunningServer;
let chromium: Browser;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  chromium = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

async function newCase(): Promise<string> {
  const reporter = httpClient(app);
  const page = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
  return (await storedCaseOfPage(page.text))!.reference;
}

const runs: Array<[Language, ViewportName]> = [['zh', 'phone'], ['en', 'desktop'], ['zh', 'desktop'], ['en', 'phone']];

describe.each(runs)('the case page in %s on a %s', (lang, viewport) => {
  it('when an administrator adds a reply template and a supervisor uses it on a case, then the actions stand under their headings, the reply is marked for the reporter with who wrote it, and the print view has no form', async () => {
    const t = translator(lang);
    const said = words[lang];
    const title = `${said.title} ${viewport}`;
    const reference = await newCase();

    const adminJourney = await openJourney(chromium, { journey: 'reply-templates', lang, viewport });
    try {
      const { page } = adminJourney;
      page.setDefaultTimeout(15_000);
      await signInInBrowser(adminJourney, server.url, lang, await createAccount(config, { roles: ['admin'] }));
      await navigates(page, () => page.getByRole('link', { name: t('replyTemplates.title'), exact: true }).click());
      await navigates(page, () => page.getByRole('button', { name: t('replyTemplates.add'), exact: true }).click());
      await expect(page.locator('#template-title-error').isVisible()).resolves.toBe(true);
      await page.getByLabel(t('replyTemplates.fields.title'), { exact: true }).fill(title);
      await page.getByLabel(t('replyTemplates.fields.text'), { exact: true }).fill(said.text);
      await navigates(page, () => page.getByRole('button', { name: t('replyTemplates.add'), exact: true }).click());
      await expect(page.getByRole('status').textContent()).resolves.toContain(t('replyTemplates.done.added'));
      await expect(page.getByRole('heading', { name: title, exact: true }).isVisible()).resolves.toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await adminJourney.screenshot('01-list');
      await navigates(page, () => page.getByRole('link', { name: t('replyTemplates.edit', { title }), exact: true }).click());
      await expect(page.getByLabel(t('replyTemplates.fields.text'), { exact: true }).inputValue()).resolves.toBe(said.text);
      expect(await axeViolations(page)).toEqual([]);
      await adminJourney.screenshot('02-edit');
    } finally {
      await adminJourney.close();
    }

    const journey = await openJourney(chromium, { journey: 'case-page', lang, viewport });
    try {
      const { page } = journey;
      page.setDefaultTimeout(15_000);
      await signInInBrowser(journey, server.url, lang, await createAccount(config, { roles: ['supervisor'], name: said.name, commissionPrivateKeyPem: commissionPrivateKey }));
      await page.goto(`${server.url}/staff/cases/${reference}`);
      const decision = page.getByRole('region', { name: t('caseFile.groups.decision') });
      const talk = page.getByRole('region', { name: `${t('caseFile.groups.reporter')} ${t('caseFile.reporterSees')}` });
      const internal = page.getByRole('region', { name: `${t('caseFile.groups.internal')} ${t('caseFile.internal')}` });
      await expect(decision.getByRole('button', { name: t('triage.actions.accept'), exact: true }).isVisible()).resolves.toBe(true);
      await expect(talk.getByLabel(t('triage.fields.reply'), { exact: true }).isVisible()).resolves.toBe(true);
      await expect(internal.getByLabel(t('triage.fields.note'), { exact: true }).isVisible()).resolves.toBe(true);
      await expect(talk.getByLabel(t('triage.fields.note'), { exact: true }).count()).resolves.toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('01-groups');

      // A refused decision comes back with the reason kept; the summary's link leads to the field.
      await decision.getByLabel(t('triage.fields.decline'), { exact: true }).fill('无');
      const refused = page.waitForResponse((response) => response.url().endsWith('/decline'));
      await navigates(page, () => decision.getByRole('button', { name: t('triage.actions.decline'), exact: true }).click());
      expect((await refused).status()).toBe(422);
      await page.locator('.error-summary a[href="#decline-reason"]').click();
      await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).resolves.toBe('decline-reason');
      await expect(page.locator('#decline-reason').inputValue()).resolves.toBe('无');
      await expect(page.locator('#decline-reason-error').isVisible()).resolves.toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('01b-decline-refused');

      const reply = talk.locator(`form[action="/staff/cases/${reference}/reply"]`);
      await reply.getByLabel(t('triage.fields.reply'), { exact: true }).fill(said.greeting);
      await reply.getByLabel(t('replyTemplates.picker.label'), { exact: true }).selectOption({ label: title });
      await navigates(page, () => reply.getByRole('button', { name: t('replyTemplates.picker.use'), exact: true }).click());
      await expect(page.getByLabel(t('triage.fields.reply'), { exact: true }).inputValue()).resolves.toBe(`${said.greeting}\n\n${said.text}`);
      await journey.screenshot('02-template-inserted');
      await navigates(page, () => page.getByRole('button', { name: t('triage.actions.reply'), exact: true }).click());
      await expect(page.getByRole('status').textContent()).resolves.toContain(t('triage.done.reply'));
      const sent = page.locator('.conversation li.entry-to-reporter').last();
      await expect(sent.locator('.by').textContent()).resolves.toBe(said.name);
      await expect(sent.locator('.tag-reporter').textContent()).resolves.toBe(t('caseFile.reporterSees'));
      await expect(sent.locator('.message-body').textContent()).resolves.toBe(`${said.greeting}\n\n${said.text}`);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('03-reply-sent');

      await navigates(page, () => page.getByRole('link', { name: t('caseFile.printLink'), exact: true }).click());
      expect(new URL(page.url()).pathname).toBe(`/staff/cases/${reference}/print`);
      await expect(page.locator('main form').count()).resolves.toBe(0);
      await expect(page.locator('main').textContent()).resolves.toContain(validReport.description);
      await expect(page.locator('main .conversation .by').last().textContent()).resolves.toBe(said.name);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('04-print');
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('.site-header').isVisible()).resolves.toBe(false);
      await journey.screenshot('05-print-media');
    } finally {
      await journey.close();
    }
  }, 180_000);
});
