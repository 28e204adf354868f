/**
 * Every public page, in both languages, as a browser renders it: axe-core
 * against WCAG 2.0/2.1 A and AA and WCAG 2.2 AA, headings without skipped
 * levels, and a label on every form control. Pages that only exist as the
 * answer to a POST (form errors, confirmation, case page, 429) are reached
 * by filling in the forms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Router } from 'express';
import type { Browser, Page } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { buildTestApp } from '../helpers/app';
import {
  headingLevels, inPageLinksWithoutTarget, launchChromium, navigates, overflowAtNarrowestWidth, skippedHeadingLevels, unlabelledControls, viewports, type Language,
} from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// A deliberately broken page, to show that the checks below can fail.
const inaccessible = Router().get('/test-only/inaccessible', (_req, res) => {
  res.type('html').send('<!doctype html><html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1><h3>Skipped</h3>'
    + '<img src="/public/favicon.svg"><pre>a line of preformatted text much wider than any phone screen could ever show at once</pre><form><input type="text" id="nameless"></form><a href="#nowhere">Jump</a></main></body></html>');
});
const generous = { REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_SITE: '1000' };
let server: RunningServer;
let limitedServer: RunningServer;
let chromium: Browser;
let filesDir: string;
let notAnImagePath: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(buildTestApp(generous, { extraRoutes: inaccessible }).app);
  limitedServer = await startServer(buildTestApp({ TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1' }).app);
  chromium = await launchChromium();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-a11y-files-'));
  notAnImagePath = path.join(filesDir, 'scan.jpg');
  writeFileSync(notAnImagePath, 'this is plain text pretending to be a photo');
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await limitedServer?.close();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  await dropTestDatabase();
});

interface Findings {
  pages: string[];
  violations: Record<string, string[]>;
  headings: Record<string, string[]>;
  unlabelled: Record<string, string[]>;
  deadLinks: Record<string, string[]>;
  /** Pixels of horizontal scrolling at 320 px wide. */
  overflow: Record<string, number>;
}

async function examine(page: Page, name: string, findings: Findings): Promise<void> {
  findings.pages.push(name);
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  // An axe that failed to run would report nothing at all, which would look like success.
  if (results.passes.length < 10) throw new Error(`axe checked almost nothing on ${name}`);
  const violations = results.violations.map((violation) =>
    `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  if (violations.length > 0) findings.violations[name] = violations;
  const headingProblems = skippedHeadingLevels(await headingLevels(page));
  if (headingProblems.length > 0) findings.headings[name] = headingProblems;
  const unlabelled = await unlabelledControls(page);
  if (unlabelled.length > 0) findings.unlabelled[name] = unlabelled;
  const deadLinks = await inPageLinksWithoutTarget(page);
  if (deadLinks.length > 0) findings.deadLinks[name] = deadLinks;
  const overflow = await overflowAtNarrowestWidth(page);
  if (overflow > 0) findings.overflow[name] = overflow;
}

async function fillValidReport(page: Page, lang: Language): Promise<void> {
  const t = translator(lang);
  await page.getByLabel(t('reports.reporterTypes.resident'), { exact: true }).check();
  await page.getByLabel(t('reports.kinds.complaint'), { exact: true }).check();
  await page.locator('#unit').selectOption('xzspj');
  await page.locator('#category').selectOption('favours');
  await page.getByLabel(t('reports.form.description'), { exact: true }).fill('窗口工作人员多次要求重复提交同一份材料，拖延办理已经超过一个月。');
  await page.getByLabel(t('reports.form.acceptRules'), { exact: true }).check();
}

async function lookUp(page: Page, lang: Language, code: string): Promise<void> {
  const t = translator(lang);
  await page.getByLabel(t('tracking.lookup.code'), { exact: true }).fill(code);
  await navigates(page, () => page.getByRole('button', { name: t('tracking.lookup.submit'), exact: true }).click());
}

/** Walks through every public page in one language and records what is wrong on each. */
async function examineEveryPublicPage(lang: Language): Promise<Findings> {
  const t = translator(lang);
  const findings: Findings = { pages: [], violations: {}, headings: {}, unlabelled: {}, deadLinks: {}, overflow: {} };
  // Chinese is walked on a desktop and English on a phone, so axe sees both layouts.
  const context = await chromium.newContext({ viewport: lang === 'zh' ? viewports.desktop : viewports.phone });
  await context.addCookies([
    { name: 'qf_lang', value: lang, url: server.url },
    { name: 'qf_lang', value: lang, url: limitedServer.url },
  ]);
  const page = await context.newPage();
  const submitReport = () => navigates(page, () => page.getByRole('button', { name: t('reports.form.submit'), exact: true }).click());
  try {
    for (const [name, address] of [['home', '/'], ['privacy', '/privacy'], ['404', '/no-such-page']] as const) {
      await navigates(page, () => page.goto(`${server.url}${address}`));
      await examine(page, name, findings);
    }

    await navigates(page, () => page.goto(`${server.url}/report`));
    await examine(page, 'report form', findings);
    await submitReport();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    await examine(page, 'report form with errors', findings);
    await fillValidReport(page, lang);
    await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles(notAnImagePath);
    await submitReport();
    expect(await page.locator('#evidence-error').isVisible()).toBe(true);
    await examine(page, 'report form with a refused file', findings);
    await page.getByLabel(t('reports.form.evidence'), { exact: true }).setInputFiles([]);
    await page.getByLabel(t('reports.form.acceptRules'), { exact: true }).check();
    await submitReport();
    const code = (await page.locator('.tracking-code span').allInnerTexts()).join('');
    expect(code).toMatch(/^\d{20}$/);
    await examine(page, 'report confirmation', findings);

    await navigates(page, () => page.goto(`${server.url}/track`));
    await examine(page, 'track', findings);
    await lookUp(page, lang, '1111 2222 3333 4444');
    expect(await page.getByText(t('tracking.lookup.notFound')).isVisible()).toBe(true);
    await examine(page, 'track, code not found', findings);
    await lookUp(page, lang, code);
    await examine(page, 'case page', findings);
    await navigates(page, () => page.getByRole('button', { name: t('tracking.add.submit'), exact: true }).click());
    expect(await page.locator('#message-error').isVisible()).toBe(true);
    await examine(page, 'case page with an error', findings);
    await page.getByLabel(t('tracking.add.message'), { exact: true }).fill('补充：经办人今天又让我们重新排队。');
    await navigates(page, () => page.getByRole('button', { name: t('tracking.add.submit'), exact: true }).click());
    await examine(page, 'case page with added information', findings);

    await navigates(page, () => page.goto(`${limitedServer.url}/track`));
    await lookUp(page, lang, '1111 2222 3333 4444');
    await navigates(page, () => page.goBack());
    await lookUp(page, lang, '1111 2222 3333 4444');
    expect(await page.locator('h1').innerText()).toBe(t('errors.tooManyRequests.title'));
    await examine(page, '429', findings);
  } finally {
    await context.close();
  }
  return findings;
}

describe.each(['zh', 'en'] as const)('every public page in %s', (lang) => {
  let findings: Findings;
  beforeAll(async () => {
    findings = await examineEveryPublicPage(lang);
  }, 90_000);

  it('when axe checks it against WCAG 2.2 AA, then it finds no violation', () => {
    expect(findings.pages).toHaveLength(13);
    expect(findings.violations).toEqual({});
  });

  it('when its headings are read in order, then none skips a level and each page starts at h1', () => {
    expect(findings.headings).toEqual({});
  });

  it('when its form controls are listed, then every one has a label', () => {
    expect(findings.unlabelled).toEqual({});
  });

  it('when a link points within the page (skip link, error summary), then its target exists', () => {
    expect(findings.deadLinks).toEqual({});
  });

  it('when it is shown 320 px wide (WCAG reflow), then nothing needs horizontal scrolling', () => {
    expect(findings.overflow).toEqual({});
  });
});

describe('the checks themselves', () => {
  it('when a page has an unlabelled field, an image without text and a skipped heading level, then every check reports it', async () => {
    const context = await chromium.newContext();
    const page = await context.newPage();
    try {
      await navigates(page, () => page.goto(`${server.url}/test-only/inaccessible`));
      const findings: Findings = { pages: [], violations: {}, headings: {}, unlabelled: {}, deadLinks: {}, overflow: {} };
      await examine(page, 'broken', findings);
      expect(findings.violations.broken.join('\n')).toMatch(/^image-alt /m);
      expect(findings.violations.broken.join('\n')).toMatch(/^label /m);
      expect(findings.headings).toEqual({ broken: ['h1 followed by h3'] });
      expect(findings.unlabelled).toEqual({ broken: ['input#nameless'] });
      expect(findings.deadLinks).toEqual({ broken: ['#nowhere'] });
      expect(findings.overflow.broken).toBeGreaterThan(100);
    } finally {
      await context.close();
    }
  });
});
