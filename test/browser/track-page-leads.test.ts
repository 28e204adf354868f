/**
 * Issue 13, item 5 ("the reporter's page leads"), in Debian's Chromium on a
 * phone and a desktop, in both languages, with and without JavaScript: the
 * commission's question is a banner at the top that leads to the answer box;
 * the reporter reads what they wrote and which files they sent; the next
 * step's date is shown in every stage and a transfer is explained; after a
 * rating or an objection the reporter is back on their case page, and a
 * reload posts nothing. axe finds nothing on any of these pages.
 * Screenshots: test-output/screenshots/track-page-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { CaseMessage } from '../../server/cases/case-message.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { addWorkingDays, loadCalendar } from '../../server/cases/working-days';
import { chinaDateOf } from '../../server/lib/china-time';
import { translator } from '../../server/lib/i18n';
import { CaseRating } from '../../server/voice/rating.model';
import { browser, buildTestApp } from '../helpers/app';
import { launchChromium, navigates, openJourney, type Journey, type Language, type ViewportName } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOf, trackingCodeIn, validReport, type Attachment } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act } from '../voice/voice-helpers';

const testApp = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_SITE: '5000', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(testApp.app, accounts);
let server: RunningServer;
let chromium: Browser;
let photo: Buffer;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const key = testApp.commissionPrivateKey;
  accounts.intake = await createAccount(testApp.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.supervisor = await createAccount(testApp.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
  photo = await sharp({ create: { width: 24, height: 24, channels: 3, background: '#3a6' } }).png().toBuffer();
  server = await startServer(testApp.app);
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

const everyCombination: Array<{ lang: Language; viewport: ViewportName; javaScript: boolean }> = [
  { lang: 'zh', viewport: 'phone', javaScript: false },
  { lang: 'zh', viewport: 'desktop', javaScript: true },
  { lang: 'en', viewport: 'phone', javaScript: true },
  { lang: 'en', viewport: 'desktop', javaScript: false },
];

async function newCase(fields: Record<string, string> = {}, files: Attachment[] = []): Promise<{ code: string; reference: string }> {
  const agent = browser(testApp.app);
  const page = await postReport(agent, await openReportForm(agent), { ...validReport, ...fields }, files).expect(200);
  const code = trackingCodeIn(page.text)!;
  return { code, reference: (await storedCaseOf(code))!.reference };
}

async function staffDo(who: string, reference: string, action: string, fields: Record<string, string> = {}): Promise<void> {
  expect((await act(await staff(who), reference, action, fields)).status).toBe(303);
}

/** axe needs JavaScript in the page: a page seen without it is checked again in a context with it, at the same address and size. */
async function expectNoAxeViolations(journey: Journey, javaScript: boolean, code: string, lang: Language): Promise<void> {
  let page = journey.page;
  let checker: Journey | undefined;
  if (!javaScript) {
    checker = await openJourney(chromium, { journey: 'track-page-axe', lang, viewport: journey.page.viewportSize()!.width < 500 ? 'phone' : 'desktop' });
    await openCase(checker, code, lang);
    page = checker.page;
  }
  try {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(results.passes.length).toBeGreaterThan(10);
    expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  } finally {
    await checker?.close();
  }
}

async function openCase(journey: Journey, code: string, lang: Language): Promise<void> {
  const { page, context } = journey;
  if (lang === 'en') await context.addCookies([{ name: 'qf_lang', value: 'en', url: server.url }]);
  await navigates(page, () => page.goto(`${server.url}/track`));
  await page.getByLabel(translator(lang)('tracking.lookup.code'), { exact: true }).fill(code);
  await navigates(page, () => page.getByRole('button', { name: translator(lang)('tracking.lookup.submit'), exact: true }).click());
  expect(await page.locator('h1').innerText()).toBe(translator(lang)('tracking.case.heading'));
}

const nextStepText = (page: Page) => page.locator('#next-step').innerText();

describe('the commission asks the reporter a question', () => {
  it.each(everyCombination)('when a question is open ($lang, $viewport, JavaScript $javaScript), then a banner at the top says so and leads to the answer box, and answering takes it away', async ({ lang, viewport, javaScript }) => {
    const t = translator(lang);
    const { code, reference } = await newCase();
    const question = `QUESTION-${lang}-${viewport}: 请说明您第二次去窗口的具体日期。`;
    await staffDo('intake', reference, 'request', { text: question });
    const journey = await openJourney(chromium, { journey: 'track-page-question', lang, viewport, javaScriptEnabled: javaScript });
    const { page } = journey;
    try {
      await openCase(journey, code, lang);
      const banner = page.getByRole('region', { name: t('trackCase.question.heading') });
      expect(await banner.isVisible()).toBe(true);
      expect(await banner.innerText()).toContain(question);
      // The answer is asked for within DEADLINE_ANSWER_WORKING_DAYS (10) working days of the day the question was put.
      expect(await banner.innerText()).toContain(t('trackCase.question.answerBy', { date: addWorkingDays(chinaDateOf(new Date()), 10, loadCalendar()) }));
      // At the top: right under the heading, before the case's summary.
      expect(await page.evaluate('document.querySelector("h1").nextElementSibling.className')).toBe('question-banner');
      const link = banner.getByRole('link', { name: t('trackCase.question.answerLink') });
      expect(await link.getAttribute('href')).toBe('#add');
      await journey.screenshot('01-question-banner');
      await expectNoAxeViolations(journey, javaScript, code, lang);

      await link.click();
      expect(new URL(page.url()).hash).toBe('#add');
      expect(await page.locator('#add').innerText()).toBe(t('trackCase.question.answerHeading'));
      // Scrolled to it: the answer box's heading is within the window.
      const box = (await page.locator('#add').boundingBox())!;
      expect(box.y).toBeGreaterThan(-2);
      expect(box.y).toBeLessThan(page.viewportSize()!.height);

      await page.getByLabel(t('tracking.add.message'), { exact: true }).fill('第二次是11月18日上午。');
      await navigates(page, () => page.getByRole('button', { name: t('tracking.add.submit'), exact: true }).click());
      expect(new URL(page.url()).pathname).toBe('/track/case');
      expect(await page.locator('.question-banner').count()).toBe(0);
    } finally {
      await journey.close();
    }
  }, 90_000);
});

describe('the reporter reads what they sent', () => {
  it.each(everyCombination)('when the reporter opens their case ($lang, $viewport, JavaScript $javaScript), then they can read their description and details and see the files they sent', async ({ lang, viewport, javaScript }) => {
    const t = translator(lang);
    const description = `OWN-TEXT-${lang}-${viewport} 窗口工作人员暗示需要“意思意思”才能加快审批，已经拖延三周。`;
    const { code } = await newCase({ description, officialName: '窗口二号工作人员' }, [{ bytes: photo, filename: 'queue.png', contentType: 'image/png' }]);
    const journey = await openJourney(chromium, { journey: 'track-page-own-report', lang, viewport, javaScriptEnabled: javaScript });
    const { page } = journey;
    try {
      await openCase(journey, code, lang);
      const own = page.getByRole('region', { name: t('trackCase.own.heading') });
      // Folded away so the page leads with the case; opened with one click, with or without JavaScript.
      expect(await own.getByText(description).isVisible()).toBe(false);
      await own.getByText(t('trackCase.own.show')).click();
      expect(await own.getByText(description).isVisible()).toBe(true);
      const text = await own.innerText();
      expect(text).toContain(validReport.whenWhere);
      expect(text).toContain('窗口二号工作人员');
      expect(text).toContain(validReport.workOrderNumber);
      expect(await own.locator('.sent-files li').allInnerTexts()).toEqual([t('trackCase.file', { number: 1, type: t('trackCase.fileTypes.png'), size: '1 KB' })]);
      await journey.screenshot('01-own-report');
      await expectNoAxeViolations(journey, javaScript, code, lang);
    } finally {
      await journey.close();
    }
  }, 90_000);
});

describe('the next step in every stage', () => {
  const stages = ['new', 'accepted', 'investigating', 'concluded', 'transferred'] as const;
  const cases: Record<string, { code: string; reference: string }> = {};
  const authority = '通州区市场监督管理局';

  beforeAll(async () => {
    for (const stage of stages) cases[stage] = await newCase();
    await staffDo('intake', cases.accepted.reference, 'accept');
    await staffDo('intake', cases.investigating.reference, 'accept');
    await staffDo('supervisor', cases.investigating.reference, 'investigate');
    await staffDo('intake', cases.concluded.reference, 'accept');
    await staffDo('supervisor', cases.concluded.reference, 'conclude', { outcome: 'partlySubstantiated', summary: '经核查，反映部分属实，已责令整改。' });
    await staffDo('intake', cases.transferred.reference, 'transfer', { authority });
  }, 60_000);

  it.each(everyCombination)('when the reporter opens a case in each stage ($lang, $viewport, JavaScript $javaScript), then the next step and its date are shown, and a transfer says what it means and that the code still works', async ({ lang, viewport, javaScript }) => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'track-page-next-step', lang, viewport, javaScriptEnabled: javaScript });
    const { page } = journey;
    try {
      const expected = { new: 'acceptance', accepted: 'conclusion', investigating: 'conclusion', concluded: 'resultNotice' } as const;
      for (const stage of ['new', 'accepted', 'investigating', 'concluded'] as const) {
        await openCase(journey, cases[stage].code, lang);
        const stored = (await storedCaseOf(cases[stage].code))!;
        expect(stored.status).toBe(stage);
        expect(stored.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(await nextStepText(page)).toBe(t(`trackCase.nextStep.${expected[stage]}`, { date: stored.dueDate }));
        await journey.screenshot(`${stages.indexOf(stage) + 1}-${stage}`);
      }

      await openCase(journey, cases.transferred.code, lang);
      expect(await nextStepText(page)).toBe(t('trackCase.nextStep.otherBody'));
      const explained = page.getByRole('region', { name: t('trackCase.transfer.heading') });
      const transferDay = (await storedCaseOf(cases.transferred.code))!;
      expect(transferDay.status).toBe('transferred');
      const text = await explained.innerText();
      expect(text).toContain(authority);
      expect(text).toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(text).toContain(t('trackCase.transfer.answers'));
      expect(text).toContain(t('trackCase.transfer.codeStillWorks'));
      await journey.screenshot('5-transferred');
      await expectNoAxeViolations(journey, javaScript, cases.transferred.code, lang);
    } finally {
      await journey.close();
    }
  }, 120_000);
});

describe('after a rating or an objection', () => {
  it.each(everyCombination)('when the reporter rates and objects ($lang, $viewport, JavaScript $javaScript), then each lands back on the case page with a confirmation shown once, and a reload stores nothing twice', async ({ lang, viewport, javaScript }) => {
    const t = translator(lang);
    const { code, reference } = await newCase();
    await staffDo('intake', reference, 'accept');
    await staffDo('supervisor', reference, 'conclude', { outcome: 'notSubstantiated', summary: '经核查，窗口按规定办理。' });
    const caseId = (await storedCaseOf(code))!._id;
    const journey = await openJourney(chromium, { journey: 'track-page-voice', lang, viewport, javaScriptEnabled: javaScript });
    const { page } = journey;
    try {
      await openCase(journey, code, lang);
      await page.getByLabel(t('voice.levels.dissatisfied'), { exact: true }).check();
      await page.getByLabel(t('voice.rating.comment'), { exact: true }).fill('答复没有回应我的问题');
      await navigates(page, () => page.getByRole('button', { name: t('voice.rating.submit'), exact: true }).click());
      expect(new URL(page.url()).pathname).toBe('/track/case');
      expect(await page.locator('h1').innerText()).toBe(t('tracking.case.heading'));
      expect((await page.getByRole('status').innerText()).trim()).toBe(t('trackCase.confirmation.rating'));
      const rating = await CaseRating.findById(caseId).lean();
      expect(rating?.level).toBe('dissatisfied');
      await journey.screenshot('01-rated');
      await expectNoAxeViolations(journey, javaScript, code, lang);

      await navigates(page, () => page.reload());
      expect(new URL(page.url()).pathname).toBe('/track/case');
      expect(await page.locator('h1').innerText()).toBe(t('tracking.case.heading'));
      expect(await page.getByRole('status').count()).toBe(0);
      expect(await CaseRating.findById(caseId).lean()).toEqual(rating);

      const objection = `OBJECTION-${lang}-${viewport} 我不同意这个结论，窗口根本没有按规定办理。`;
      await page.getByLabel(t('voice.objection.text'), { exact: true }).fill(objection);
      await navigates(page, () => page.getByRole('button', { name: t('voice.objection.submit'), exact: true }).click());
      expect(new URL(page.url()).pathname).toBe('/track/case');
      expect((await page.getByRole('status').innerText()).trim()).toBe(t('trackCase.confirmation.objection'));
      expect(await nextStepText(page)).toBe(t('trackCase.nextStep.review', { date: (await storedCaseOf(code))!.dueDate }));
      const messages = await CaseMessage.countDocuments({ caseId });
      await journey.screenshot('02-objected');

      await navigates(page, () => page.reload());
      expect(await page.locator('h1').innerText()).toBe(t('tracking.case.heading'));
      expect(await page.getByRole('status').count()).toBe(0);
      expect(await CaseMessage.countDocuments({ caseId })).toBe(messages);
      expect((await page.locator('.conversation').innerText()).split(objection).length - 1).toBe(1);
      expect((await storedCaseOf(code))!.status).toBe('review');
    } finally {
      await journey.close();
    }
  }, 120_000);
});
