/**
 * The reporter's voice in a real Chromium against the real app: rating 不满意
 * and objecting with a file by keyboard alone, on a phone without JavaScript,
 * then reading the review's explanation; and telling of retaliation in
 * English on a desktop and following it with the same code. axe (which needs
 * JavaScript in the page) checks every new page state with JavaScript on.
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
import { launchChromium, navigates, openJourney, type Journey } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, newCase } from '../voice/voice-helpers';

const testApp = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '200', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(testApp.app, accounts);
let server: RunningServer;
let chromium: Browser;
let fileDir: string;
let photoPath: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const key = testApp.commissionPrivateKey;
  accounts.intake = await createAccount(testApp.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.concluder = await createAccount(testApp.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
  accounts.reviewer = await createAccount(testApp.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
  server = await startServer(testApp.app);
  chromium = await launchChromium();
  fileDir = mkdtempSync(path.join(os.tmpdir(), 'qf-voice-'));
  photoPath = path.join(fileDir, 'window-queue.png');
  writeFileSync(photoPath, await sharp({ create: { width: 16, height: 16, channels: 3, background: '#369' } }).png().toBuffer());
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
  rmSync(fileDir, { recursive: true, force: true });
  await dropTestDatabase();
});

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  if (results.passes.length < 10) throw new Error('axe checked almost nothing');
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

async function openCase(journey: Journey, code: string, lang: 'zh' | 'en'): Promise<void> {
  const { page } = journey;
  await navigates(page, () => page.goto(`${server.url}/track`));
  if (lang === 'en' && (await page.locator('html').getAttribute('lang')) !== 'en') {
    await navigates(page, () => page.getByRole('button', { name: translator('zh')('language.switchTo') }).click());
  }
  await page.getByLabel(translator(lang)('tracking.lookup.code')).fill(code);
  await navigates(page, () => page.getByRole('button', { name: translator(lang)('tracking.lookup.submit') }).click());
}

async function concludedCase(): Promise<{ code: string; reference: string }> {
  const created = await newCase(testApp.app);
  expect((await act(await staff('intake'), created.reference, 'accept')).status).toBe(303);
  expect((await act(await staff('concluder'), created.reference, 'conclude', { outcome: 'notSubstantiated', summary: '经核查，窗口按规定办理。' })).status).toBe(303);
  return created;
}

describe('the reporter\'s voice in a browser', () => {
  it('when a reporter on a phone without JavaScript rates 不满意 and objects with a file by keyboard alone, then the case shows as under review and later the explanation', async () => {
    const { code, reference } = await concludedCase();
    const t = translator('zh');
    const journey = await openJourney(chromium, { journey: 'voice-objection', lang: 'zh', viewport: 'phone', javaScriptEnabled: false });
    const { page } = journey;
    page.setDefaultTimeout(5_000);
    try {
      await openCase(journey, code, 'zh');
      await journey.screenshot('01-asked-to-rate');

      // Sent without a level: the message is beside the field and the comment stays.
      await page.getByLabel(t('voice.rating.comment')).fill('答复没有回应我的问题');
      await navigates(page, () => page.getByRole('button', { name: t('voice.rating.submit') }).click());
      expect(await page.locator('#rating-level-error').innerText()).toBe(t('voice.errors.level'));
      expect(await page.getByLabel(t('voice.rating.comment')).inputValue()).toBe('答复没有回应我的问题');

      await page.getByLabel(t('voice.levels.dissatisfied')).check();
      await navigates(page, () => page.getByRole('button', { name: t('voice.rating.submit') }).click());
      // Back on the case page (held in this browser), told once that the rating was saved.
      expect(page.url()).toBe(`${server.url}/track/case`);
      expect((await page.getByRole('status').innerText()).trim()).toBe(t('trackCase.confirmation.rating'));

      // The objection by keyboard: focus moves from the text to the file field to the button.
      await journey.screenshot('02-objection-offered');
      await page.getByLabel(t('voice.objection.text')).focus();
      await page.keyboard.type('窗口根本没有按规定办理，排队照片附后。');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('objection-evidence');
      await page.locator('#objection-evidence').setInputFiles(photoPath);
      await page.keyboard.press('Tab');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect((await page.getByRole('status').innerText()).trim()).toBe(t('trackCase.confirmation.objection'));

      const stored = (await Case.findOne({ reference }).lean())!;
      expect(stored.status).toBe('review');
      expect(await page.locator('#review-heading').innerText()).toBe(t('voice.review.heading'));
      expect(await page.locator('body').innerText()).toContain(stored.dueDate!);
      await journey.screenshot('03-under-review');

      expect((await act(await staff('reviewer'), reference, 'explain', { text: '经复查，原结论正确。窗口已按时办理，现作说明。' })).status).toBe(303);
      await navigates(page, () => page.goto(`${server.url}/track`));
      await page.getByLabel(t('tracking.lookup.code')).fill(code);
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await page.locator('body').innerText()).toContain('经复查，原结论正确。窗口已按时办理，现作说明。');
      await journey.screenshot('04-explained');
    } finally {
      await journey.close();
    }
  });

  it('when axe checks each new state of the reporter\'s page (asked to rate, refused, saved, objection offered, under review), then it finds no violation', async () => {
    const { code } = await concludedCase();
    const t = translator('zh');
    const journey = await openJourney(chromium, { journey: 'voice-axe', lang: 'zh', viewport: 'desktop' });
    const { page } = journey;
    page.setDefaultTimeout(5_000);
    const found: Record<string, string[]> = {};
    const check = async (name: string) => { const violations = await axeViolations(page); if (violations.length) found[name] = violations; };
    try {
      await openCase(journey, code, 'zh');
      await check('asked to rate');
      await navigates(page, () => page.getByRole('button', { name: t('voice.rating.submit') }).click());
      await check('rating refused');
      await page.getByLabel(t('voice.levels.dissatisfied')).check();
      await navigates(page, () => page.getByRole('button', { name: t('voice.rating.submit') }).click());
      await check('rating saved, objection offered');
      await navigates(page, () => page.getByRole('button', { name: t('voice.objection.submit') }).click());
      await check('objection refused');
      await page.getByLabel(t('voice.objection.text')).fill('我不同意这个结论，请复查。');
      await navigates(page, () => page.getByRole('button', { name: t('voice.objection.submit') }).click());
      expect(await page.locator('#review-heading').count()).toBe(1);
      await check('under review');
      expect(found).toEqual({});
    } finally {
      await journey.close();
    }
  });

  it('when a reporter in English on a desktop tells of retaliation, then the page shows it as a case of its own followed with the same code', async () => {
    const { code } = await newCase(testApp.app);
    const t = translator('en');
    const journey = await openJourney(chromium, { journey: 'voice-retaliation', lang: 'en', viewport: 'desktop' });
    const { page } = journey;
    try {
      await openCase(journey, code, 'en');
      await page.getByText(t('voice.retaliation.open')).click();
      await journey.screenshot('01-form');
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel(t('voice.retaliation.happened')).fill('Three days after I reported, inspectors came to my shop without notice.');
      await page.getByLabel(t('voice.retaliation.when')).fill('20 November, morning');
      await page.locator('#retaliation-evidence').setInputFiles(photoPath);
      await navigates(page, () => page.getByRole('button', { name: t('voice.retaliation.submit'), exact: true }).click());
      expect((await page.getByRole('status').innerText()).trim()).toBe(t('trackCase.confirmation.retaliation'));
      expect(await page.getByRole('heading', { name: t('voice.retaliation.linkedHeading') }).count()).toBe(1);
      await journey.screenshot('02-followed');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await journey.close();
    }
  });
});
