/**
 * Service-window ratings in a real Chromium against the real app: an
 * administrator signs in and prints window 3's poster on A4; the poster's QR
 * code, photographed as a screenshot, decodes (jsqr, as a phone camera
 * would) to the window's address; on a phone without JavaScript a resident
 * opens that address and, by keyboard alone, chooses 非常不满意 with
 * 「跑了三次」: a case due in 15 working days is in the staff queue and the
 * code is on the confirmation. axe (which needs JavaScript in the page)
 * finds nothing on every new page, in both languages.
 */
import AxeBuilder from '@axe-core/playwright';
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { workingCalendar } from '../../server/cases/deadlines';
import { addWorkingDays } from '../../server/cases/working-days';
import { chinaDateOf } from '../../server/lib/china-time';
import { translator } from '../../server/lib/i18n';
import { buildTestApp } from '../helpers/app';
import { focusedElement, launchChromium, navigates, openJourney, type Journey } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { storedCaseOf, trackingCodeIn } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { codeFor, createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { registerWindow, windowThree } from './window-helpers';

const testApp = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(testApp.app, accounts);
const zh = translator('zh');
let server: RunningServer;
let chromium: Browser;
let windowId: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  accounts.admin = await createAccount(testApp.config, { roles: ['admin'] });
  accounts.browserAdmin = await createAccount(testApp.config, { roles: ['admin'] });
  accounts.supervisor = await createAccount(testApp.config, { roles: ['supervisor'], commissionPrivateKeyPem: testApp.commissionPrivateKey });
  windowId = await registerWindow(await staff('admin'), windowThree);
  server = await startServer(testApp.app);
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  if (results.passes.length < 10) throw new Error('axe checked almost nothing');
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Email, password and the authenticator's first code, through the real pages. */
async function signIn(journey: Journey, account: TestAccount): Promise<void> {
  const { page } = journey;
  await navigates(page, () => page.goto(`${server.url}/staff`));
  await page.getByLabel(zh('staff.fields.email'), { exact: true }).fill(account.email);
  await page.getByLabel(zh('staff.fields.password'), { exact: true }).fill(account.password);
  await navigates(page, () => page.getByRole('button', { name: zh('staff.signIn.submit'), exact: true }).click());
  await page.getByLabel(zh('staff.fields.code'), { exact: true }).fill(codeFor(account.totpSecret));
  await navigates(page, () => page.getByRole('button', { name: zh('staff.code.submit'), exact: true }).click());
}

/** The QR code on the page as a phone camera would read it: pixels of a picture, nothing of the page's markup. */
async function decodedQrCode(page: Page): Promise<string | null> {
  const png = await page.screenshot({ fullPage: false });
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}

describe('the poster and the rating', () => {
  let address: string;

  it('when an administrator prints window 3\'s poster, then it is one A4 page whose QR code decodes to the window\'s address', async () => {
    const journey = await openJourney(chromium, { journey: 'window-poster', lang: 'zh', viewport: 'desktop' });
    const { page } = journey;
    try {
      await signIn(journey, accounts.browserAdmin);
      await navigates(page, () => page.goto(`${server.url}/staff/admin/windows`));
      await navigates(page, () => page.getByRole('link', { name: zh('windows.admin.posterFor', { hall: windowThree.hall, number: '3' }) }).click());
      expect(await page.locator('h1').innerText()).toBe(zh('windows.poster.heading'));
      // Printed: the page as A4 paper (210 × 297 mm at 96 px per inch).
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: 794, height: 1123 });
      await journey.screenshot('a4-print');
      address = (await decodedQrCode(page))!;
      expect(address).toBe(`${testApp.config.publicUrl}/w/${windowId}`);
      const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
      expect(pdf.match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(1);
      expect(await page.getByText(zh('windows.poster.scan')).isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: zh('windows.poster.back') }).isVisible()).toBe(false);
    } finally {
      await journey.close();
    }
  });

  it('when a resident opens the scanned address on a phone without JavaScript and, by keyboard alone, chooses 非常不满意 with 「跑了三次」, then a case due in 15 working days is in the staff queue and the code is shown', async () => {
    const journey = await openJourney(chromium, { journey: 'window-rating', lang: 'zh', viewport: 'phone', javaScriptEnabled: false });
    const { page } = journey;
    page.setDefaultTimeout(5_000);
    try {
      await navigates(page, () => page.goto(`${server.url}${new URL(address).pathname}`));
      expect(await page.locator('h1').innerText()).toBe(zh('windows.rate.heading'));
      await journey.screenshot('01-page');
      for (let presses = 0; presses < 30 && (await focusedElement(page))?.name !== 'level'; presses += 1) await page.keyboard.press('Tab');
      expect((await focusedElement(page))?.id).toBe('level-verySatisfied');
      for (let step = 0; step < 4; step += 1) await page.keyboard.press('ArrowDown');
      expect(await page.locator('#level-veryDissatisfied').isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      expect((await focusedElement(page))?.id).toBe('comment');
      await page.keyboard.type('跑了三次');
      await page.keyboard.press('Tab');
      expect((await focusedElement(page))?.text).toBe(zh('windows.rate.submit'));
      await journey.screenshot('02-chosen');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(new URL(page.url()).pathname).toBe('/report/received');
      await journey.screenshot('03-code');
      const code = trackingCodeIn(await page.content());
      const stored = await storedCaseOf(code);
      const today = chinaDateOf(new Date());
      expect(stored).toMatchObject({ channel: 'window', unitCode: windowThree.unit, status: 'new', dueDate: addWorkingDays(today, 15, workingCalendar()) });
      const queue = await (await staff('supervisor')).get('/staff/cases').expect(200);
      expect(queue.text).toContain(stored!.reference);
    } finally {
      await journey.close();
    }
  });
});

describe('accessibility', () => {
  it('when axe checks the rating page (as sent, refused, thanked), the unknown window and the administrators\' pages, in Chinese and English, then it finds no violation', async () => {
    const found: Record<string, string[]> = {};
    const check = async (page: Page, name: string) => {
      const violations = await axeViolations(page);
      if (violations.length) found[name] = violations;
    };
    for (const lang of ['zh', 'en'] as const) {
      const t = translator(lang);
      const journey = await openJourney(chromium, { journey: 'window-axe', lang, viewport: 'desktop' });
      const { page } = journey;
      try {
        await navigates(page, () => page.goto(`${server.url}/w/${windowId}`));
        if (lang === 'en') await navigates(page, () => page.getByRole('button', { name: zh('language.switchTo') }).click());
        expect(await page.locator('h1').innerText()).toBe(t('windows.rate.heading'));
        await check(page, `${lang} rate`);
        await navigates(page, () => page.getByRole('button', { name: t('windows.rate.submit') }).click());
        expect(await page.locator('#level-error').innerText()).toBe(t('windows.rate.errors.level'));
        await check(page, `${lang} refused`);
        await page.getByLabel(t('windows.levels.satisfied'), { exact: true }).check();
        await navigates(page, () => page.getByRole('button', { name: t('windows.rate.submit') }).click());
        expect(await page.locator('h1').innerText()).toBe(t('windows.thanks.heading'));
        await check(page, `${lang} thanks`);
        await navigates(page, () => page.goto(`${server.url}/w/zzzzzz`));
        expect(await page.locator('h1').innerText()).toBe(t('windows.unknown.heading'));
        await check(page, `${lang} unknown`);
      } finally {
        await journey.close();
      }
    }
    const admin = await openJourney(chromium, { journey: 'window-axe-admin', lang: 'zh', viewport: 'desktop' });
    try {
      accounts.axeAdmin = await createAccount(testApp.config, { roles: ['admin'] });
      await signIn(admin, accounts.axeAdmin);
      await navigates(admin.page, () => admin.page.goto(`${server.url}/staff/admin/windows`));
      await check(admin.page, 'admin list');
      await navigates(admin.page, () => admin.page.getByRole('button', { name: zh('windows.admin.submit') }).click());
      expect(await admin.page.locator('#window-unit-error').isVisible()).toBe(true);
      await check(admin.page, 'admin refused');
      await navigates(admin.page, () => admin.page.goto(`${server.url}/staff/admin/windows/${windowId}/poster`));
      await check(admin.page, 'poster');
    } finally {
      await admin.close();
    }
    expect(found).toEqual({});
  });
});
