/**
 * Issue 13, public side: nothing a reporter typed or was given is lost.
 * In a real Chromium against the real app: the confirmation survives the
 * language switch and a reload, Back does not bring the complaint back, a
 * report over the limit comes back filled in with the wait in minutes, a
 * file over the limit is refused on the form with the text kept, and
 * contact details sent with "anonymous" are refused and never stored.
 * Screenshots go to test-output/screenshots/nothing-lost-*.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { buildTestApp } from '../helpers/app';
import { launchChromium, navigates, openJourney, type Journey, type Language, type ViewportName } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';

const { app: generousApp, config } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_SITE: '1000' });
const description = '窗口工作人员多次要求重复提交同一份材料，拖延办理已经超过一个月，还暗示要“意思意思”。';
const unitName = { zh: '区行政审批局', en: 'District Administrative Approval Bureau' } as const;

let server: RunningServer;
let limitedServer: RunningServer;
let chromium: Browser;
let filesDir: string;
let photoPath: string;
let hugePath: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(generousApp);
  limitedServer = await startServer(buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1' }).app);
  chromium = await launchChromium();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-nothing-lost-'));
  photoPath = path.join(filesDir, 'IMG_2041.jpg');
  writeFileSync(photoPath, await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8fa9b8' } }).jpeg().toBuffer());
  hugePath = path.join(filesDir, 'scan-of-the-invoice.jpg');
  writeFileSync(hugePath, Buffer.alloc(11 * 1024 * 1024, 7));
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await limitedServer?.close();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  await dropTestDatabase();
});

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.passes.length).toBeGreaterThan(10);
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function openForm(journey: Journey, base: string, lang: Language): Promise<void> {
  if (lang === 'en') await journey.context.addCookies([{ name: 'qf_lang', value: 'en', url: base }]);
  await navigates(journey.page, () => journey.page.goto(`${base}/report`));
}

async function fillReport(page: Page, lang: Language): Promise<void> {
  const t = translator(lang);
  await page.getByLabel(t('reports.reporterTypes.resident'), { exact: true }).check();
  await page.getByLabel(t('reports.kinds.complaint'), { exact: true }).check();
  await page.locator('#unit').selectOption('xzspj');
  await page.locator('#category').selectOption('favours');
  await page.getByLabel(t('reports.form.description'), { exact: true }).fill(description);
  await page.getByLabel(t('reports.form.whenWhere'), { exact: true }).fill('上个月，区政务服务中心二楼');
  await page.getByLabel(t('reports.form.acceptRules'), { exact: true }).check();
}

function send(page: Page, lang: Language): Promise<void> {
  return navigates(page, () => page.getByRole('button', { name: translator(lang)('reports.form.submit'), exact: true }).click());
}

async function shownCode(page: Page): Promise<string> {
  const code = (await page.locator('.tracking-code span').allInnerTexts()).join('');
  expect(code).toMatch(/^\d{20}$/);
  return code;
}

const other = (lang: Language): Language => (lang === 'zh' ? 'en' : 'zh');
const combinations = (['zh', 'en'] as const).flatMap((lang) => (['phone', 'desktop'] as const).map((viewport) => ({ lang, viewport })));
const twoCombinations: Array<{ lang: Language; viewport: ViewportName }> = [{ lang: 'zh', viewport: 'phone' }, { lang: 'en', viewport: 'desktop' }];

describe('the confirmation with the code', () => {
  it.each(combinations)('when a report is sent in $lang on a $viewport and the language is switched, then the same code is shown again, with what was received, and "written down" ends it', async ({ lang, viewport }) => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'nothing-lost-receipt', lang, viewport });
    const { page } = journey;
    // axe takes seconds a page: each language is checked once, Chinese on the phone and English on the desktop.
    const checkAxe = (lang === 'zh') === (viewport === 'phone');
    const axe = async () => (checkAxe ? expectNoAxeViolations(page) : undefined);
    await journey.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    try {
      await openForm(journey, server.url, lang);
      await fillReport(page, lang);
      await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles(photoPath);
      await send(page, lang);
      const code = await shownCode(page);
      const facts = await page.locator('.receipt-facts').innerText();
      expect(facts).toContain(unitName[lang]);
      expect(facts).toContain(t('receipt.fileCount', { count: 1 }));
      expect(facts).toContain(t('receipt.hiddenDataRemoved'));
      expect(facts).toContain(config.publicUrl);
      expect(facts).toMatch(/\d{4}-\d{2}-\d{2}/);
      await page.getByRole('button', { name: t('receipt.copy'), exact: true }).click();
      await expect_(page.locator('#copy-status')).toHaveText(t('receipt.copied'));
      expect((await page.evaluate('navigator.clipboard.readText()') as string).replace(/\D/g, '')).toBe(code);
      const footer = await page.locator('footer').innerText();
      expect(footer).toContain(t('channels.heading'));
      expect(footer).toContain(config.channels.phone);
      expect(footer).toContain(config.channels.visitHours[lang]);
      await journey.screenshot('01-confirmation');
      await axe();

      const switched = translator(other(lang));
      await navigates(page, () => page.getByRole('button', { name: t('language.switchTo') }).click());
      expect(await page.locator('h1').innerText()).toBe(switched('reports.confirmation.heading'));
      expect(await shownCode(page)).toBe(code);
      expect(await page.locator('.receipt-facts').innerText()).toContain(unitName[other(lang)]);
      await journey.screenshot('02-confirmation-switched');
      await navigates(page, () => page.reload());
      expect(await shownCode(page)).toBe(code);

      await navigates(page, () => page.getByRole('button', { name: switched('receipt.done.submit'), exact: true }).click());
      expect(await page.getByText(switched('receipt.done.required')).first().isVisible()).toBe(true);
      expect(await shownCode(page)).toBe(code);
      await journey.screenshot('03-not-yet-written-down');
      await axe();
      await page.getByLabel(switched('receipt.done.writtenDown'), { exact: true }).check();
      await navigates(page, () => page.getByRole('button', { name: switched('receipt.done.submit'), exact: true }).click());
      expect(await page.locator('h1').innerText()).toBe(switched('home.heading'));
      await navigates(page, () => page.goto(`${server.url}/report/received`));
      expect(await page.locator('h1').innerText()).toBe(switched('receipt.gone.heading'));
      expect(await page.locator('body').innerText()).not.toContain(code.slice(0, 4) + ' ' + code.slice(4, 8));
      await journey.screenshot('04-receipt-gone');
      await axe();
    } finally {
      await journey.close();
    }
  }, 60_000);

  it('when the confirmation is copied into another browser, then the receipt opens nothing there', async () => {
    const journey = await openJourney(chromium, { journey: 'nothing-lost-stolen', lang: 'zh', viewport: 'desktop' });
    const thief = await openJourney(chromium, { journey: 'nothing-lost-thief', lang: 'zh', viewport: 'desktop' });
    try {
      await openForm(journey, server.url, 'zh');
      await fillReport(journey.page, 'zh');
      await send(journey.page, 'zh');
      await shownCode(journey.page);
      const receipt = (await journey.context.cookies(`${server.url}/report/received`)).filter((cookie) => cookie.name === 'qf_receipt');
      expect(receipt).toHaveLength(1);
      expect(receipt[0].value.replace(/[^0-9]/g, '')).not.toContain((await shownCode(journey.page)).slice(0, 10));
      await thief.context.addCookies(receipt);
      await navigates(thief.page, () => thief.page.goto(`${server.url}/report/received`));
      expect(await thief.page.locator('h1').innerText()).toBe(translator('zh')('receipt.gone.heading'));
      expect(await thief.page.locator('.tracking-code').count()).toBe(0);
    } finally {
      await journey.close();
      await thief.close();
    }
  }, 30_000);

  it.each([true, false])('when Back is pressed after sending (JavaScript %s), then the form comes back empty', async (javaScriptEnabled) => {
    const journey = await openJourney(chromium, { journey: 'nothing-lost-back', lang: 'zh', viewport: 'phone', javaScriptEnabled });
    const { page } = journey;
    try {
      await navigates(page, () => page.goto(`${server.url}/`));
      await openForm(journey, server.url, 'zh');
      await fillReport(page, 'zh');
      await send(page, 'zh');
      await shownCode(page);
      if (javaScriptEnabled) expect(await page.locator('#copy-code').isVisible()).toBe(true);
      else expect(await page.locator('#copy-code').isVisible()).toBe(false);
      await navigates(page, () => page.goBack());
      expect(await page.locator('h1').innerText()).toBe(translator('zh')('reports.form.heading'));
      expect(await page.locator('#description').inputValue()).toBe('');
      expect(await page.locator('#whenWhere').inputValue()).toBe('');
      expect(await page.locator('#reporterType-resident').isChecked()).toBe(false);
    } finally {
      await journey.close();
    }
  }, 30_000);
});

describe('a report over the limit', () => {
  it.each(twoCombinations)('when a second report is opened and sent within the hour in $lang on a $viewport, then the form says so on opening, and comes back filled in with the wait in minutes and nothing sent', async ({ lang, viewport }) => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'nothing-lost-limit', lang, viewport });
    const { page } = journey;
    try {
      await openForm(journey, limitedServer.url, lang);
      if (!(await page.locator('.notice[role=status]').count())) {
        // The first report of this hour from 127.0.0.1 (the other combination may have sent it already).
        await fillReport(page, lang);
        await send(page, lang);
        await shownCode(page);
        await navigates(page, () => page.goto(`${limitedServer.url}/report`));
      }
      const opening = await page.locator('.notice[role=status]').innerText();
      expect(opening).toBe(t('reportForm.limitAhead', { minutes: Number(/\d+/.exec(opening)?.[0]) }));
      await journey.screenshot('01-form-says-limit-reached');
      await expectNoAxeViolations(page);

      const cases = await Case.countDocuments();
      await fillReport(page, lang);
      await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles(photoPath);
      await send(page, lang);
      const refusal = await page.locator('.notice[role=alert]').first().innerText();
      expect(refusal).toMatch(/\d+/);
      expect(refusal).toBe(t('reports.form.notSent.limit', { minutes: Number(/\d+/.exec(refusal)![0]) }));
      expect(await page.locator('#description').inputValue()).toBe(description);
      expect(await page.locator('#whenWhere').inputValue()).toBe('上个月，区政务服务中心二楼');
      expect(await page.locator('#reporterType-resident').isChecked()).toBe(true);
      expect(await page.locator('#unit').inputValue()).toBe('xzspj');
      expect(await page.locator('#evidence-again').innerText()).toBe(t('reports.form.chooseFilesAgain'));
      expect(await Case.countDocuments()).toBe(cases);
      await journey.screenshot('02-form-back-over-limit');
      await expectNoAxeViolations(page);
    } finally {
      await journey.close();
    }
  }, 60_000);
});

describe('a file over the size limit', () => {
  it.each(twoCombinations)('when it is sent without JavaScript in $lang on a $viewport, then the form comes back with the text kept and the refusal beside the file field', async ({ lang, viewport }) => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'nothing-lost-huge-file', lang, viewport, javaScriptEnabled: false });
    const { page } = journey;
    try {
      await openForm(journey, server.url, lang);
      const cases = await Case.countDocuments();
      await fillReport(page, lang);
      await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles(hugePath);
      await send(page, lang);
      expect(await page.locator('h1').innerText()).toBe(t('reports.form.heading'));
      expect(await page.locator('#evidence-error').innerText()).toContain(t('reportForm.errors.fileTooLarge'));
      expect(await page.locator('#evidence-again').innerText()).toBe(t('reports.form.chooseFilesAgain'));
      expect(await page.locator('#description').inputValue()).toBe(description);
      expect(await page.locator('#acceptRules-yes').isChecked()).toBe(true);
      expect(await Case.countDocuments()).toBe(cases);
      // axe needs JavaScript: it checks this page in the test below, reached there by a submit that skips the check.
      await journey.screenshot('01-file-refused-on-the-form');
    } finally {
      await journey.close();
    }
  }, 60_000);

  it.each(twoCombinations)('when it is chosen with JavaScript in $lang on a $viewport, then it is refused before any upload', async ({ lang, viewport }) => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'nothing-lost-huge-file', lang, viewport });
    const { page } = journey;
    try {
      await openForm(journey, server.url, lang);
      await fillReport(page, lang);
      await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles(hugePath);
      expect(await page.locator('#evidence-check').innerText()).toBe(`${t('reports.form.fileNumber', { number: 1 })} ${t('reportForm.errors.fileTooLarge')}`);
      const posts = journey.requests.filter((request) => request.method === 'POST').length;
      await page.getByRole('button', { name: t('reports.form.submit'), exact: true }).click();
      await page.waitForTimeout(300);
      expect(journey.requests.filter((request) => request.method === 'POST').length).toBe(posts);
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('evidence');
      await journey.screenshot('02-file-refused-before-upload');
      await expectNoAxeViolations(page);

      // form.submit() skips the script's check, as an old browser would: the server refuses the file itself.
      await navigates(page, () => page.evaluate('document.getElementById("report-form").submit()'));
      expect(await page.locator('#evidence-error').innerText()).toContain(t('reportForm.errors.fileTooLarge'));
      expect(await page.locator('#description').inputValue()).toBe(description);
      await expectNoAxeViolations(page);
    } finally {
      await journey.close();
    }
  }, 60_000);
});

describe('anonymous means anonymous', () => {
  it.each(twoCombinations)('when contact details were typed and then "anonymous" chosen in $lang on a $viewport, then the form asks to choose, shows what was typed, and stores nothing', async ({ lang, viewport }) => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'nothing-lost-anonymous', lang, viewport });
    const { page } = journey;
    try {
      await openForm(journey, server.url, lang);
      const name = page.getByLabel(t('reports.form.contact.name'), { exact: true });
      expect(await name.isVisible()).toBe(false);
      await page.getByLabel(t('reports.form.giveContact'), { exact: true }).check();
      expect(await name.isVisible()).toBe(true);
      await name.fill('王保密');
      await page.getByLabel(t('reports.form.contact.phone'), { exact: true }).fill('13912345678');
      await page.getByLabel(t('reports.form.stayAnonymous'), { exact: true }).check();
      expect(await name.isVisible()).toBe(false);
      await fillReport(page, lang);
      const cases = await Case.countDocuments();
      await send(page, lang);
      expect(await page.locator('#identityChoice-error').innerText()).toBe(t('reportForm.errors.chooseIdentity'));
      expect(await page.locator('#identity-anonymous').isChecked()).toBe(false);
      expect(await page.locator('#identity-confidential').isChecked()).toBe(false);
      expect(await name.isVisible()).toBe(true);
      expect(await name.inputValue()).toBe('王保密');
      expect(await page.locator('#description').inputValue()).toBe(description);
      expect(await Case.countDocuments()).toBe(cases);
      await journey.screenshot('01-asked-to-choose');
      await expectNoAxeViolations(page);
    } finally {
      await journey.close();
    }
  }, 60_000);
});

/** Waits for a locator's text, as Playwright's own expect would (it is not used here: jest's expect is). */
function expect_(locator: ReturnType<Page['locator']>) {
  return {
    toHaveText: async (text: string) => {
      await locator.filter({ hasText: text }).waitFor({ timeout: 5_000 });
      expect(await locator.innerText()).toBe(text);
    },
  };
}
