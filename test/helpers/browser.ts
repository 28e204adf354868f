/**
 * A real Chromium (Debian's, never a downloaded one) for the browser tests:
 * one browser per test file, a fresh context per journey, every request and
 * every visited address recorded so tests can show where the browser went
 * and what it sent in URLs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../server/lib/paths';

// The project compiles without the DOM library; these are the few page
// globals the functions below use once Playwright runs them in the page.
interface PageElement {
  tagName: string;
  id: string;
  textContent: string | null;
  labels?: ArrayLike<unknown> | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  activeElement: PageElement | null;
  body: PageElement;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getElementById(id: string): PageElement | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare function getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string };

export const viewports = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
export type ViewportName = keyof typeof viewports;
export type Language = 'zh' | 'en';

export const screenshotDir = path.join(projectRoot, 'test-output', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface JourneyOptions {
  /** Used in screenshot names: <journey>-<lang>-<viewport>-<step>.png */
  journey: string;
  lang: Language;
  viewport: ViewportName;
  javaScriptEnabled?: boolean;
}

export interface Journey {
  context: BrowserContext;
  page: Page;
  /** Every address the tab showed (main frame navigations). */
  visitedUrls: string[];
  /** Every request made by the context, with its method. */
  requests: { method: string; url: string }[];
  screenshot(step: string): Promise<void>;
  close(): Promise<void>;
}

export async function openJourney(browser: Browser, options: JourneyOptions): Promise<Journey> {
  const javaScriptEnabled = options.javaScriptEnabled ?? true;
  const context = await browser.newContext({ viewport: viewports[options.viewport], javaScriptEnabled, locale: 'zh-CN' });
  const page = await context.newPage();
  const visitedUrls: string[] = [];
  const requests: { method: string; url: string }[] = [];
  context.on('request', (request) => requests.push({ method: request.method(), url: request.url() }));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visitedUrls.push(frame.url());
  });
  mkdirSync(screenshotDir, { recursive: true });
  const viewportLabel = javaScriptEnabled ? options.viewport : `${options.viewport}-nojs`;
  return {
    context,
    page,
    visitedUrls,
    requests,
    screenshot: async (step) => {
      await page.screenshot({ path: path.join(screenshotDir, `${options.journey}-${options.lang}-${viewportLabel}-${step}.png`), fullPage: true });
    },
    close: () => context.close(),
  };
}

/** Runs an action that loads a new page, and waits until that page has loaded. */
export async function navigates(page: Page, action: () => Promise<unknown>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 15_000 });
  await action();
  await navigated;
  await page.waitForLoadState('load');
}

/** What currently has the keyboard focus, and whether it is drawn with an outline. */
export interface FocusedElement {
  tag: string;
  id: string;
  name: string | null;
  type: string | null;
  href: string | null;
  text: string;
  outlineStyle: string;
  outlineWidth: string;
}

export function focusedElement(page: Page): Promise<FocusedElement | null> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      name: element.getAttribute('name'),
      type: element.getAttribute('type'),
      href: element.getAttribute('href'),
      text: (element.textContent ?? '').trim().slice(0, 60),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
    };
  });
}

export function hasVisibleFocus(focused: FocusedElement): boolean {
  return focused.outlineStyle !== 'none' && parseFloat(focused.outlineWidth) > 0;
}

/** The levels of the page's headings, in document order (h1 → 1). */
export function headingLevels(page: Page): Promise<number[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map((heading) => Number(heading.tagName.slice(1))));
}

/** Form controls a person cannot put a name to: no <label>, no aria-label(ledby). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('input, select, textarea'))
      .filter((control) => control.getAttribute('type') !== 'hidden')
      .filter((control) => (control.labels?.length ?? 0) === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
      .map((control) => `${control.tagName.toLowerCase()}#${control.id || control.getAttribute('name') || '?'}`),
  );
}

/** Links to "#id" on the same page whose id does not exist. */
export function inPageLinksWithoutTarget(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('a[href^="#"]'))
      .map((link) => link.getAttribute('href') ?? '')
      .filter((href) => href.length > 1 && !document.getElementById(decodeURIComponent(href.slice(1)))),
  );
}

/**
 * How many CSS pixels the page sticks out sideways at 320 px wide, the width
 * WCAG 1.4.10 (reflow) asks content to fit without horizontal scrolling.
 */
export async function overflowAtNarrowestWidth(page: Page): Promise<number> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    return await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

/** Headings that skip a level on the way down (h2 followed by h4), or a page that does not start at h1. */
export function skippedHeadingLevels(levels: number[]): string[] {
  const problems: string[] = [];
  if (levels[0] !== 1) problems.push(`first heading is h${levels[0] ?? '-'}`);
  for (let i = 1; i < levels.length; i += 1) {
    if (levels[i] > levels[i - 1] + 1) problems.push(`h${levels[i - 1]} followed by h${levels[i]}`);
  }
  return problems;
}
