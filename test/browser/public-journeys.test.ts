/**
 * The two public journeys in a real Chromium against the real app on
 * 127.0.0.1: a resident reporting anonymously with a photo, and a business
 * giving its details in confidence and later adding information. Each runs
 * in both languages, on a phone and a desktop, with and without JavaScript.
 * What is checked is what a person sees, and what the browser sent where.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { buildTestApp } from '../helpers/app';
import {
  focusedElement, hasVisibleFocus, launchChromium, navigates, openJourney,
  type FocusedElement, type Journey, type Language, type ViewportName,
} from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';

const { app } = buildTestApp({
  REPORTS_PER_HOUR_PER_CLIENT: '1000',
  TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000',
  TRACK_LOOKUPS_PER_HOUR_SITE: '1000',
});

const unitName = { zh: '区行政审批局', en: 'District Administrative Approval Bureau' } as const;
const categoryName = { zh: '吃拿卡要', en: 'Asking for favours or bribes' } as const;
const description = {
  zh: '办理施工许可时，窗口工作人员暗示需要“意思意思”才能加快审批，材料已经齐全却一直拖延。',
  en: 'At the permit window the clerk hinted that a “gift” would speed up our building permit; our papers were complete.',
} as const;
const addedInformation = {
  zh: '补充：对方今天又打电话催促我们尽快“表示一下”。',
  en: 'Addendum: they phoned again today asking us to “show appreciation” soon.',
} as const;
const businessIdentity = { name: '王保密', phone: '13912345678', email: 'wang.confidential@example.com', companyName: '通州保密建材有限公司', creditCode: '91320612MA1XXXXX0Y' };

interface Combination {
  lang: Language;
  viewport: ViewportName;
  javaScriptEnabled: boolean;
  /** For the test name: "English on a phone without JavaScript". */
  label: string;
}

const combinations: Combination[] = (['zh', 'en'] as const).flatMap((lang) =>
  (['phone', 'desktop'] as const).flatMap((viewport) =>
    [true, false].map((javaScriptEnabled) => ({
      lang,
      viewport,
      javaScriptEnabled,
      label: `${lang === 'zh' ? 'Chinese' : 'English'} on a ${viewport}${javaScriptEnabled ? '' : ' without JavaScript'}`,
    }))));

// The second journey runs on four of the eight combinations, chosen so that
// every pair of values (language × viewport, language × JavaScript, viewport ×
// JavaScript) still occurs once: the full eight cost ~50 s more on this
// machine. QINGFENG_FULL_MATRIX=1 runs all eight.
const pairwise = (combination: Combination): boolean => (combination.lang === 'zh') === (combination.viewport === 'phone') === combination.javaScriptEnabled;
const businessCombinations = process.env.QINGFENG_FULL_MATRIX === '1' ? combinations : combinations.filter(pairwise);

let server: RunningServer;
let chromium: Browser;
let filesDir: string;
let photoPath: string;
let screenshotOfNotePath: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  chromium = await launchChromium();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-browser-files-'));
  photoPath = path.join(filesDir, 'IMG_2041.jpg');
  writeFileSync(photoPath, await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8fa9b8' } }).jpeg({ quality: 80 }).toBuffer());
  screenshotOfNotePath = path.join(filesDir, 'note-from-the-clerk.png');
  writeFileSync(screenshotOfNotePath, await sharp({ create: { width: 320, height: 200, channels: 3, background: '#f2e6c9' } }).png().toBuffer());
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  await dropTestDatabase();
});

async function headingText(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim();
}

/** Opens the home page and, for English, uses the switch in the header like a person would. */
async function openHomeIn(journey: Journey, lang: Language): Promise<void> {
  const { page } = journey;
  await navigates(page, () => page.goto(`${server.url}/`));
  expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  expect(await headingText(page)).toBe(translator('zh')('home.heading'));
  await journey.screenshot('01-home');
  if (lang === 'en') {
    await navigates(page, () => page.getByRole('button', { name: translator('zh')('language.switchTo') }).click());
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await headingText(page)).toBe(translator('en')('home.heading'));
    await journey.screenshot('02-home-in-english');
  }
}

/** The code as the confirmation page shows it: four groups of four digits. */
async function readTrackingCode(page: Page): Promise<string> {
  const groups = await page.locator('.tracking-code span').allInnerTexts();
  expect(groups).toHaveLength(5);
  for (const group of groups) expect(group).toMatch(/^\d{4}$/);
  expect((await page.locator('.tracking-code').innerText()).trim()).toMatch(/^\d{4} \d{4} \d{4} \d{4} \d{4}$/);
  return groups.join('');
}

async function fillTheReport(page: Page, lang: Language, reporterType: 'resident' | 'business'): Promise<void> {
  const t = translator(lang);
  await page.getByLabel(t(`reports.reporterTypes.${reporterType}`), { exact: true }).check();
  await page.getByLabel(t('reports.kinds.complaint'), { exact: true }).check();
  await page.getByLabel(t('reports.form.unit'), { exact: true }).selectOption({ label: unitName[lang] });
  await page.getByLabel(t('reports.form.category'), { exact: true }).selectOption({ label: categoryName[lang] });
  await page.getByLabel(t('reports.form.description'), { exact: true }).fill(description[lang]);
}

async function submitReport(journey: Journey, lang: Language): Promise<string> {
  const { page } = journey;
  const t = translator(lang);
  await page.getByLabel(t('reports.form.acceptRules'), { exact: true }).check();
  await journey.screenshot('04-report-filled');
  await navigates(page, () => page.getByRole('button', { name: t('reports.form.submit'), exact: true }).click());
  expect(await headingText(page)).toBe(t('reports.confirmation.heading'));
  expect(await page.getByText(t('reports.confirmation.writeItDown')).isVisible()).toBe(true);
  await journey.screenshot('05-confirmation');
  return readTrackingCode(page);
}

/** Types the code the way it is written down, in groups, and opens the case. */
async function lookUpCase(journey: Journey, lang: Language, code: string, step: string): Promise<void> {
  const { page } = journey;
  const t = translator(lang);
  expect(await headingText(page)).toBe(t('tracking.lookup.heading'));
  await page.getByLabel(t('tracking.lookup.code'), { exact: true }).fill(code.replace(/(\d{4})(?=\d)/g, '$1 '));
  await journey.screenshot(`${step}-track`);
  await navigates(page, () => page.getByRole('button', { name: t('tracking.lookup.submit'), exact: true }).click());
  expect(await headingText(page)).toBe(t('tracking.case.heading'));
  expect(await page.locator('.case-summary').innerText()).toContain(t('tracking.stages.new'));
}

function expectCodeNeverInAnAddress(journey: Journey, code: string): void {
  const addresses = [...journey.visitedUrls, ...journey.requests.map((request) => request.url)];
  expect(addresses.length).toBeGreaterThan(5);
  for (const address of addresses) {
    expect(address.replace(/\D/g, '')).not.toContain(code);
    expect(decodeURIComponent(address).replace(/\D/g, '')).not.toContain(code);
  }
}

function expectOnlyTheTestServerContacted(journey: Journey): void {
  const origins = new Set(journey.requests.map((request) => new URL(request.url).origin));
  expect([...origins]).toEqual([server.url]);
}

describe('a resident reports anonymously with a photo, then checks the status', () => {
  it.each(combinations)('when it is done in $label, then the code is shown in groups and opens the case, and never appears in an address', async (combination) => {
    const { lang } = combination;
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'resident', lang, viewport: combination.viewport, javaScriptEnabled: combination.javaScriptEnabled });
    const { page } = journey;
    try {
      await openHomeIn(journey, lang);
      await navigates(page, () => page.getByRole('navigation').getByRole('link', { name: t('nav.report'), exact: true }).click());
      expect(await headingText(page)).toBe(t('reports.form.heading'));
      await journey.screenshot('03-report-form');

      await fillTheReport(page, lang, 'resident');
      await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles(photoPath);
      const code = await submitReport(journey, lang);

      await navigates(page, () => page.getByRole('main').getByRole('link', { name: t('nav.track'), exact: true }).click());
      await lookUpCase(journey, lang, code, '06');
      expect(await page.locator('html').getAttribute('lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      await journey.screenshot('07-case');

      expectCodeNeverInAnAddress(journey, code);
      expectOnlyTheTestServerContacted(journey);
    } finally {
      await journey.close();
    }
  }, 60_000);
});

describe('a business gives its details in confidence, then adds information and a file', () => {
  it.each(businessCombinations)('when it is done in $label, then the case shows the addition and nothing about who they are', async (combination) => {
    const { lang } = combination;
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'business', lang, viewport: combination.viewport, javaScriptEnabled: combination.javaScriptEnabled });
    const { page } = journey;
    try {
      await openHomeIn(journey, lang);
      await navigates(page, () => page.getByRole('main').getByRole('link', { name: t('home.reportAction'), exact: true }).click());
      expect(await headingText(page)).toBe(t('reports.form.heading'));
      await journey.screenshot('03-report-form');

      await fillTheReport(page, lang, 'business');
      await page.getByLabel(t('reports.form.giveContact'), { exact: true }).check();
      for (const [field, value] of Object.entries(businessIdentity)) {
        await page.getByLabel(t(`reports.form.contact.${field}`), { exact: true }).fill(value);
      }
      const code = await submitReport(journey, lang);

      // Later: back to the portal's home, and on to "check a case" from the header.
      await navigates(page, () => page.getByRole('link', { name: new RegExp(t('site.name')) }).first().click());
      expect(await headingText(page)).toBe(t('home.heading'));
      await journey.screenshot('06-home-later');
      await navigates(page, () => page.getByRole('navigation').getByRole('link', { name: t('nav.track'), exact: true }).click());
      await lookUpCase(journey, lang, code, '07');
      await journey.screenshot('08-case');

      await page.getByLabel(t('tracking.add.message'), { exact: true }).fill(addedInformation[lang]);
      await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles(screenshotOfNotePath);
      await journey.screenshot('09-adding-information');
      await navigates(page, () => page.getByRole('button', { name: t('tracking.add.submit'), exact: true }).click());
      expect((await page.getByRole('status').innerText()).trim()).toBe(t('tracking.case.added'));
      const conversation = await page.locator('.conversation').innerText();
      expect(conversation).toContain(addedInformation[lang]);
      expect(conversation).toContain(t('tracking.messageTypes.addition'));
      expect(conversation).toContain(t('tracking.case.files', { count: 1 }));
      const wholePage = await page.locator('body').innerText();
      for (const detail of Object.values(businessIdentity)) expect(wholePage).not.toContain(detail);
      await journey.screenshot('10-information-added');

      expectCodeNeverInAnAddress(journey, code);
      expectOnlyTheTestServerContacted(journey);
    } finally {
      await journey.close();
    }
  }, 60_000);
});

describe('a resident who uses only the keyboard', () => {
  const focused: FocusedElement[] = [];

  /** Presses Tab (or Shift+Tab) until the focus lands on what the person is looking for. */
  async function tabTo(page: Page, wanted: (element: FocusedElement) => boolean, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
    for (let presses = 0; presses < 80; presses += 1) {
      await page.keyboard.press(key);
      const element = await focusedElement(page);
      if (element) focused.push(element);
      if (element && wanted(element)) return;
    }
    throw new Error(`the focus never reached the element after 80 presses of ${key}`);
  }

  // Space on the focused file field opens the chooser; on a loaded machine Chromium has once let a press pass without opening it.
  async function chooseFileWithSpace(page: Page, file: string): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const chooser = page.waitForEvent('filechooser', { timeout: 10_000 }).catch(() => null);
      await page.keyboard.press('Space');
      const opened = await chooser;
      if (opened) return opened.setFiles(file);
    }
    throw new Error('the file chooser never opened from the keyboard');
  }

  async function arrowDownTo(page: Page, selector: string, value: string): Promise<void> {
    for (let presses = 0; presses < 40 && (await page.locator(selector).inputValue()) !== value; presses += 1) await page.keyboard.press('ArrowDown');
    expect(await page.locator(selector).inputValue()).toBe(value);
  }

  const byId = (id: string) => (element: FocusedElement) => element.id === id;

  it('when the whole report and the status check are done without a mouse, then every step is reachable and the focus is always visible', async () => {
    const t = translator('zh');
    const journey = await openJourney(chromium, { journey: 'keyboard', lang: 'zh', viewport: 'desktop' });
    const { page } = journey;
    try {
      await navigates(page, () => page.goto(`${server.url}/`));
      await tabTo(page, (element) => element.href === '/report');
      await journey.screenshot('01-home-focus-on-report');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await headingText(page)).toBe(t('reports.form.heading'));

      await tabTo(page, byId('reporterType-resident'));
      await page.keyboard.press('Space');
      await tabTo(page, byId('kind-complaint'));
      await page.keyboard.press('Space');
      await tabTo(page, byId('unit'));
      await arrowDownTo(page, '#unit', 'xzspj');
      await tabTo(page, byId('category'));
      await arrowDownTo(page, '#category', 'favours');
      await tabTo(page, byId('description'));
      await page.keyboard.type(description.zh);
      await tabTo(page, byId('evidence'));
      await chooseFileWithSpace(page, photoPath);
      await tabTo(page, byId('whenWhere'), 'Shift+Tab');
      await page.keyboard.type('上个月，区政务服务中心二楼');
      await tabTo(page, byId('acceptRules-yes'));
      await page.keyboard.press('Space');
      await journey.screenshot('02-report-filled');
      expect(await page.locator('#reporterType-resident').isChecked()).toBe(true);
      expect(await page.locator('#kind-complaint').isChecked()).toBe(true);
      expect(await page.locator('#acceptRules-yes').isChecked()).toBe(true);
      expect(await page.locator('#identity-anonymous').isChecked()).toBe(true);
      await tabTo(page, (element) => element.tag === 'button' && element.text === t('reports.form.submit'));
      await navigates(page, () => page.keyboard.press('Enter'));

      expect(await headingText(page)).toBe(t('reports.confirmation.heading'));
      const code = await readTrackingCode(page);
      await journey.screenshot('03-confirmation');
      await tabTo(page, (element) => element.href === '/track');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await headingText(page)).toBe(t('tracking.lookup.heading'));
      await tabTo(page, byId('code'));
      await page.keyboard.type(code.replace(/(\d{4})(?=\d)/g, '$1 '));
      await journey.screenshot('04-track');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await headingText(page)).toBe(t('tracking.case.heading'));
      expect(await page.locator('.case-summary').innerText()).toContain(t('tracking.stages.new'));
      await journey.screenshot('05-case');

      const withoutVisibleFocus = focused.filter((element) => !hasVisibleFocus(element));
      expect(withoutVisibleFocus).toEqual([]);
      expect(focused.length).toBeGreaterThan(15);
      expectCodeNeverInAnAddress(journey, code);
      expectOnlyTheTestServerContacted(journey);
    } finally {
      await journey.close();
    }
  }, 60_000);
});
