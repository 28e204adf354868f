/**
 * Every staff page, in both languages, as a browser renders it: axe-core
 * against WCAG 2.0/2.1 A and AA and WCAG 2.2 AA, headings without skipped
 * levels and a label on every form control. A supervisor who is also the
 * identity custodian and an administrator walk through the workspace with
 * real sign-ins, so pages that only exist as the answer to a form (refusals,
 * the QR code, an opened identity, a new account) are reached by filling the
 * forms in. Every /staff response of the walk is kept, and the security
 * surface is checked on them: headers, cookies, and bodies without stack
 * traces or version strings; the __Host- cookies over HTTPS through supertest.
 */
import AxeBuilder from '@axe-core/playwright';
import { Router } from 'express';
import type { Browser, Page, Response as PageResponse } from 'playwright-core';
import request from 'supertest';
import { Case } from '../../server/cases/case.model';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import { submitRoles } from '../../server/staff/approvals/requests.service';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { browser as httpClient, buildTestApp } from '../helpers/app';
import {
  headingLevels, inPageLinksWithoutTarget, launchChromium, navigates, overflowAtNarrowestWidth, skippedHeadingLevels, unlabelledControls, viewports, type Language,
} from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { codeFor, createAccount, type TestAccount } from '../staff/staff-helpers';

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const generous = { REPORTS_PER_HOUR_PER_CLIENT: '1000', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000' };

// A staff route that fails, to see what a 500 inside the workspace shows.
const failing = Router().get('/staff/test-only/failure', () => {
  throw new Error('secret detail /srv/qingfeng/server/triage/x.ts:12');
});
const { app, config, commissionPrivateKey, identityPrivateKey } = buildTestApp(generous, { extraRoutes: failing });

const identity = { identityChoice: 'confidential', name: '钱保密', phone: '13900007777', email: 'qian.keep@example.com' };
const reason = { zh: '需当面核实反映人所述的办理时间与窗口', en: 'To confirm in person the date and window the reporter describes' } as const;

interface Findings {
  pages: string[];
  violations: Record<string, string[]>;
  headings: Record<string, string[]>;
  unlabelled: Record<string, string[]>;
  deadLinks: Record<string, string[]>;
  /** Pixels of horizontal scrolling at 320 px wide. */
  overflow: Record<string, number>;
}

interface StaffResponse {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  /** Only for answers that are not redirects. */
  body?: string;
}

let server: RunningServer;
let chromium: Browser;
const findings: Partial<Record<Language, Findings>> = {};
const responses: StaffResponse[] = [];
const storedCookies: { name: string; httpOnly: boolean; sameSite: string; secure: boolean }[] = [];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  chromium = await launchChromium();
  // The two walks run side by side (their accounts and cases are their own): one after the other takes ~40 s longer here.
  const references: string[] = [];
  for (let i = 0; i < 4; i += 1) references.push(await caseWithIdentity());
  [findings.zh, findings.en] = await Promise.all([examineEveryStaffPage('zh', references[0]), examineEveryStaffPage('en', references[2])]);
  // ~100 s alone; 250 s in a CI run while the staff journey shared the two cores.
}, 480_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

/** A case with contact details given in confidence, so the custodian has something to open. */
async function caseWithIdentity(): Promise<string> {
  const reporter = httpClient(app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...identity }).expect(200);
  return (await storedCaseOfPage(page.text))!.reference;
}

function recordStaffResponses(page: Page): () => Promise<void> {
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(`${server.url}/staff`)) pending.push(keep(response));
  });
  return async () => {
    await Promise.all(pending);
  };
}

async function keep(response: PageResponse): Promise<void> {
  const status = response.status();
  const setCookies = (await response.headersArray()).filter((header) => header.name.toLowerCase() === 'set-cookie').map((header) => header.value);
  const body = status >= 300 && status < 400 ? undefined : await response.text().catch(() => undefined);
  responses.push({ method: response.request().method(), path: new URL(response.url()).pathname, status, headers: await response.allHeaders(), setCookies, body });
}

async function examine(page: Page, name: string, found: Findings): Promise<void> {
  found.pages.push(name);
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  // An axe that failed to run would report nothing at all, which would look like success.
  if (results.passes.length < 10) throw new Error(`axe checked almost nothing on ${name}`);
  const violations = results.violations.map((violation) =>
    `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  if (violations.length > 0) found.violations[name] = violations;
  const headingProblems = skippedHeadingLevels(await headingLevels(page));
  if (headingProblems.length > 0) found.headings[name] = headingProblems;
  const unlabelled = await unlabelledControls(page);
  if (unlabelled.length > 0) found.unlabelled[name] = unlabelled;
  const deadLinks = await inPageLinksWithoutTarget(page);
  if (deadLinks.length > 0) found.deadLinks[name] = deadLinks;
  const overflow = (await page.locator('table').count()) > 0 ? await overflowBesideDataTables(page) : await overflowAtNarrowestWidth(page);
  if (overflow > 0) found.overflow[name] = overflow;
}

// The project compiles without the DOM library: the page globals used below.
interface PageTable { style: { display: string } }
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageTable>;
  documentElement: { scrollWidth: number; clientWidth: number };
};

/**
 * WCAG 1.4.10 exempts content that needs two dimensions, such as a data
 * table with many columns (the audit trail, the accounts, the calendar): at
 * 320 px those tables are wider than the screen. Everything else on the page
 * must still fit, so it is measured with the tables taken out.
 */
async function overflowBesideDataTables(page: Page): Promise<number> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    return await page.evaluate(() => {
      const tables = Array.from(document.querySelectorAll('table'));
      for (const table of tables) table.style.display = 'none';
      const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
      for (const table of tables) table.style.display = '';
      return overflow;
    });
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

/** Walks through every staff page in one language, working on the case given, and records what is wrong on each. */
async function examineEveryStaffPage(lang: Language, reference: string): Promise<Findings> {
  const t = translator(lang);
  const found: Findings = { pages: [], violations: {}, headings: {}, unlabelled: {}, deadLinks: {}, overflow: {} };
  const supervisor = await createAccount(config, { roles: ['supervisor', 'custodian'], commissionPrivateKeyPem: commissionPrivateKey, identityPrivateKeyPem: identityPrivateKey, mustChangePassword: false });
  const admin = await createAccount(config, { roles: ['admin'], commissionPrivateKeyPem: commissionPrivateKey, mustChangePassword: false });
  // A change waiting for a second person, so the approvals screen has a request to decide.
  const waiting = await createAccount(config, { roles: ['handler'] });
  await submitRoles(waiting.id, ['handler', 'custodian'], { actor: admin.id, totpSecret: config.secrets.totp, commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey) });

  // Chinese is walked on a desktop and English on a phone, so axe sees both layouts.
  const context = await chromium.newContext({ viewport: lang === 'zh' ? viewports.desktop : viewports.phone });
  await context.addCookies([{ name: 'qf_lang', value: lang, url: server.url }]);
  const page = await context.newPage();
  const recorded = recordStaffResponses(page);
  const at = (name: string) => examine(page, name, found);
  // Refusals and confirmations are the same markup in both languages: axe
  // sees them in Chinese only (English repeats them at ~2 s a page here).
  const atVariant = (name: string) => (lang === 'zh' ? at(name) : Promise.resolve());
  const go = (path: string) => navigates(page, () => page.goto(`${server.url}${path}`));
  const press = (name: string) => navigates(page, () => page.getByRole('button', { name, exact: true }).click());
  const heading = async () => (await page.locator('h1').innerText()).trim();
  const fillSignIn = async (account: TestAccount, password = account.password) => {
    await page.getByLabel(t('staff.fields.email'), { exact: true }).fill(account.email);
    await page.getByLabel(t('staff.fields.password'), { exact: true }).fill(password);
    await press(t('staff.signIn.submit'));
  };
  const enterCode = async (code: string) => {
    await page.getByLabel(t('staff.fields.code'), { exact: true }).fill(code);
    await press(t('staff.code.submit'));
  };
  try {
    await go('/staff');
    await at('sign-in');
    await fillSignIn(supervisor, 'not the password at all, sorry');
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    await atVariant('sign-in, refused');
    await fillSignIn(supervisor);
    expect(await page.getByRole('img', { name: t('staff.code.qrAlt') }).isVisible()).toBe(true);
    await at('code, setting up the authenticator (QR code)');
    await enterCode('12345');
    expect(await page.locator('#code-error').isVisible()).toBe(true);
    await atVariant('code, refused');
    await enterCode(codeFor(supervisor.totpSecret, 0));
    expect(await heading()).toMatch(/\S/);
    for (const cookie of await context.cookies()) storedCookies.push(cookie);
    await press(t('staff.dashboard.signOut'));
    // Signed in again: the authenticator is set up, so the plain code page.
    await fillSignIn(supervisor);
    expect(await heading()).toBe(t('staff.code.heading'));
    await at('code');
    await enterCode(codeFor(supervisor.totpSecret, 1));
    expect(await page.locator('#identity-reference').isVisible()).toBe(true);
    await at('workspace of a supervisor and custodian');
    await go('/staff/password');
    await atVariant('change password');

    await go('/staff');
    await navigates(page, () => page.getByRole('main').getByRole('link', { name: t('staff.dashboard.cases'), exact: true }).click());
    expect(await page.locator('table.queue tbody tr a').count()).toBeGreaterThanOrEqual(2);
    await at('queue');
    // On a phone the filters are folded away until asked for.
    if (!(await page.getByLabel(t('triage.queue.status'), { exact: true }).isVisible())) await page.getByText(t('workday.queue.filtersToggle'), { exact: true }).click();
    await page.getByLabel(t('triage.queue.status'), { exact: true }).selectOption('new');
    await page.getByLabel(t('triage.queue.kind'), { exact: true }).selectOption('complaint');
    await page.getByLabel(t('triage.queue.sort'), { exact: true }).selectOption('received');
    await navigates(page, () => page.getByRole('button', { name: t('triage.queue.apply'), exact: true }).click());
    expect(await page.getByRole('link', { name: reference, exact: true }).isVisible()).toBe(true);
    await at('queue, filtered');

    await navigates(page, () => page.getByRole('link', { name: reference, exact: true }).click());
    expect(await page.locator('.report-text').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: t('triage.actions.accept'), exact: true }).isVisible()).toBe(true);
    await at('case, content unlocked, actions available');
    await press(t('triage.actions.decline'));
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    await atVariant('case, action refused');
    await press(t('triage.actions.accept'));
    expect(await page.getByRole('status').isVisible()).toBe(true);
    await atVariant('case, accepted');

    await navigates(page, () => page.getByRole('link', { name: t('triage.identity.open'), exact: true }).click());
    await at('identity, before opening');
    await page.getByLabel(t('triage.identity.reason'), { exact: true }).fill('太短');
    await press(t('triage.identity.open'));
    expect(await page.locator('#reason-error').isVisible()).toBe(true);
    await atVariant('identity, reason refused');
    await page.getByLabel(t('triage.identity.reason'), { exact: true }).fill(reason[lang]);
    await page.getByLabel(t('triage.identity.password'), { exact: true }).fill(supervisor.password);
    await press(t('triage.identity.open'));
    expect(await page.locator('.case-summary').innerText()).toContain(identity.name);
    await at('identity, opened');

    await go('/staff/audit');
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(3);
    await at('audit');
    await go('/staff/approvals');
    expect(await page.locator(`form[action$="/approve"]`).count()).toBeGreaterThan(0);
    await at('approvals');
    // Error pages inside the workspace, for the security checks only.
    // Each body is read before the page moves on: Chromium lets go of it on the next navigation.
    for (const path of ['/staff/cases?status=bogus', '/staff/cases/TZ-2020-99999', '/staff/test-only/failure']) {
      await go(path);
      await recorded();
    }
    await go('/staff');
    await press(t('staff.dashboard.signOut'));

    await fillSignIn(admin);
    await enterCode(codeFor(admin.totpSecret, 0));
    await at('workspace of an administrator');
    await navigates(page, () => page.getByRole('main').getByRole('link', { name: t('staff.dashboard.accounts'), exact: true }).click());
    await at('accounts');
    await navigates(page, () => page.getByRole('link', { name: t('staff.admin.accounts.new'), exact: true }).click());
    await at('new account');
    // The browser checks what is required; the server refuses an address already in use and no role.
    await page.getByLabel(t('staff.fields.name'), { exact: true }).fill(lang === 'zh' ? '新同事' : 'New Colleague');
    await page.getByLabel(t('staff.fields.email'), { exact: true }).fill(supervisor.email);
    await press(t('staff.admin.new.submit'));
    expect(await page.locator('.field-error').count()).toBeGreaterThan(0);
    await atVariant('new account, refused');
    await page.getByLabel(t('staff.fields.email'), { exact: true }).fill(`new.${lang}@tongzhou.example`);
    await page.locator('#role-handler').check();
    await press(t('staff.admin.new.submit'));
    expect(await page.locator('.one-time-password').isVisible()).toBe(true);
    await at('account created');
    await navigates(page, () => page.getByRole('link', { name: t('staff.admin.created.open'), exact: true }).click());
    await at('account');
    await press(t('staff.admin.account.passwordSubmit'));
    expect(await page.locator('.one-time-password').isVisible()).toBe(true);
    await atVariant('password reset');
    await go('/staff/approvals');
    expect(await page.locator(`form[action$="/approve"]`).count()).toBe(0);
    await atVariant('approvals, read-only');
    await go('/staff/admin/calendar');
    await at('calendar');
    await go('/staff/admin/taxonomy');
    await at('units and categories');
    await navigates(page, () => page.locator('#units button[type="submit"]').click());
    expect(await page.locator('.error-summary').count()).toBe(1);
    await atVariant('units and categories, refused');
    await go('/staff/admin/taxonomy/units/gaj');
    await at('unit');
    await go('/staff/cases');
    expect(await heading()).toBe(t('errors.forbidden.title'));
    await at('403');
  } catch (error) {
    throw new Error(`${lang} walk stopped after "${found.pages.at(-1) ?? 'the start'}", at ${page.url()}: ${(error as Error).message}`);
  } finally {
    await recorded();
    await context.close();
  }
  return found;
}

describe.each([['zh', 30], ['en', 20]] as const)('every staff page in %s', (lang, pages) => {
  it('when axe checks it against WCAG 2.2 AA, then it finds no violation', () => {
    expect(findings[lang]!.pages).toHaveLength(pages);
    expect(findings[lang]!.violations).toEqual({});
  });

  it('when its headings are read in order, then none skips a level and each page starts at h1', () => {
    expect(findings[lang]!.headings).toEqual({});
  });

  it('when its form controls are listed, then every one has a label', () => {
    expect(findings[lang]!.unlabelled).toEqual({});
  });

  it('when a link points within the page, then its target exists', () => {
    expect(findings[lang]!.deadLinks).toEqual({});
  });

  it('when it is shown 320 px wide (WCAG reflow), then nothing but a data table needs horizontal scrolling', () => {
    expect(findings[lang]!.overflow).toEqual({});
  });
});

/** What a /staff answer's headers lack of the security baseline. */
function headerProblems(answer: StaffResponse): string[] {
  const headers = answer.headers;
  const csp = headers['content-security-policy'] ?? '';
  const directives = new Map(csp.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
  const problems = [
    directives.get('default-src') === "'none'" || "default-src is not 'none'",
    !/unsafe-|\*|https?:/.test(csp) || 'an unsafe or remote source',
    directives.get('frame-ancestors') === "'none'" || "frame-ancestors is not 'none'",
    directives.get('form-action') === "'self'" || "form-action is not 'self'",
    /^max-age=(\d+); includeSubDomains$/.test(headers['strict-transport-security'] ?? '') || 'no HSTS',
    headers['referrer-policy'] === 'no-referrer' || 'a referrer policy other than no-referrer',
    headers['cross-origin-opener-policy'] === 'same-origin' || 'COOP is not same-origin',
    headers['cross-origin-resource-policy'] === 'same-origin' || 'CORP is not same-origin',
    headers['x-content-type-options'] === 'nosniff' || 'no nosniff',
    headers['cache-control'] === 'no-store' || 'may be cached',
    (headers['x-powered-by'] === undefined && headers.server === undefined) || 'names the software',
  ];
  return problems.filter((problem): problem is string => problem !== true).map((problem) => `${answer.method} ${answer.path} ${answer.status}: ${problem}`);
}

const revealing: Array<[string, RegExp]> = [
  ['a stack frame', /\bat [\w$.<>]+ \(?[^\s()]+:\d+:\d+\)?/],
  ['a source file and line', /\.[cm]?[jt]s:\d+/],
  ['a named dependency with a version', /\b(?:express|node(?:\.js)?|handlebars|mongoose|mongodb|ferretdb|helmet|argon2|otplib|qrcode|zod)\b\W{0,3}v?\d+\.\d+/i],
  ['a version number', /\bv?\d+\.\d+\.\d+\b/],
];

describe('the security surface of the staff pages', () => {
  it('when the walk is over, then it saw sign-ins, forms, refusals and every kind of answer', () => {
    expect(responses.length).toBeGreaterThan(80);
    expect(new Set(responses.map((answer) => answer.method))).toEqual(new Set(['GET', 'POST']));
    expect([...new Set(responses.map((answer) => answer.status))].sort()).toEqual(expect.arrayContaining([200, 303, 400, 401, 403, 404, 422, 500]));
  });

  it('when any /staff page, redirect or error is answered, then it carries the full header baseline and is never cached', () => {
    expect(responses.flatMap(headerProblems)).toEqual([]);
  });

  it('when the staff session, unlock or form cookies are set, then each is HttpOnly, SameSite=Strict and for the whole site, and the browser keeps them so', () => {
    const lines = responses.flatMap((answer) => answer.setCookies);
    const names = new Set(lines.map((line) => line.split('=')[0]));
    expect([...names]).toEqual(expect.arrayContaining(['qf_staff', 'qf_unlock', 'qf_csrf', 'qf_browser']));
    for (const line of lines) {
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Strict/);
      expect(line).toMatch(/; Path=\//);
      expect(line).not.toMatch(/; Domain=/i);
    }
    const kept = storedCookies.filter((cookie) => ['qf_staff', 'qf_unlock'].includes(cookie.name));
    expect(kept.map((cookie) => cookie.name).sort()).toEqual(['qf_staff', 'qf_staff', 'qf_unlock', 'qf_unlock']);
    for (const cookie of kept) expect(cookie).toEqual(expect.objectContaining({ httpOnly: true, sameSite: 'Strict' }));
  });

  it('when any /staff answer has a body, errors included, then it shows no stack trace, no source file and no version', () => {
    const bodies = responses.filter((answer) => answer.body !== undefined);
    expect(bodies.length).toBeGreaterThan(50);
    const found = bodies.flatMap((answer) => revealing.filter(([, pattern]) => pattern.test(answer.body!)).map(([what]) => `${answer.method} ${answer.path} ${answer.status}: ${what}`));
    expect(found).toEqual([]);
    // Chromium may let go of a body before it is read when the page moves on: one that was read.
    const failure = responses.find((answer) => answer.status === 500 && answer.body !== undefined)!;
    expect(failure.body).not.toContain('secret detail');
  });

  it('when cookies are secure (COOKIE_SECURE=true behind an HTTPS proxy), then every cookie from sign-in to sign-out is __Host- prefixed, Secure, HttpOnly and SameSite=Strict', async () => {
    const secure = buildTestApp({ ...generous, COOKIE_SECURE: 'true', TRUST_PROXY_HOPS: '1' });
    const account = await createAccount(secure.config, { roles: ['supervisor'], commissionPrivateKeyPem: secure.commissionPrivateKey, mustChangePassword: false });
    // A jar by hand: supertest's agent would not send Secure cookies over the test's plain HTTP.
    const jar = new Map<string, string>();
    const setCookies: string[] = [];
    const call = async (method: 'get' | 'post', path: string, form?: Record<string, string>) => {
      let pending = request(secure.app)[method](path).set('X-Forwarded-Proto', 'https').set('Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
      if (form) pending = pending.type('form').send(form);
      const answer = await pending;
      for (const line of (answer.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
        setCookies.push(line);
        const [pair] = line.split(';');
        const name = pair.slice(0, pair.indexOf('='));
        if (/Expires=Thu, 01 Jan 1970/.test(line)) jar.delete(name);
        else jar.set(name, pair.slice(name.length + 1));
      }
      return answer;
    };
    const signInPage = await call('get', '/staff');
    const token = /name="_csrf" value="([^"]+)"/.exec(signInPage.text)![1];
    expect((await call('post', '/staff/sign-in', { _csrf: token, email: account.email, password: account.password })).headers.location).toBe('/staff/sign-in/code');
    expect((await call('post', '/staff/sign-in/code', { _csrf: token, code: codeFor(account.totpSecret) })).headers.location).toBe('/staff');
    const workspace = await call('get', '/staff');
    expect(workspace.text).toContain(translator('zh')('staff.dashboard.keyUnlocked'));
    await call('post', '/staff/sign-out', { _csrf: token });
    expect(jar.has('__Host-qf_staff')).toBe(false);

    const names = setCookies.map((line) => line.split('=')[0]);
    expect(names).toEqual(expect.arrayContaining(['__Host-qf_staff', '__Host-qf_unlock', '__Host-qf_csrf', '__Host-qf_browser']));
    for (const line of setCookies) {
      expect(line).toMatch(/^__Host-/);
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Strict/);
      expect(line).toMatch(/; Path=\/(;|$)/);
      expect(line).not.toMatch(/; Domain=/i);
    }
  });
});
