/**
 * The commission's side of a case in a real Chromium against the real app on
 * 127.0.0.1: an intake officer signs in with a one-time code, accepts a
 * report and assigns it; the handler starts the investigation and replies to
 * the reporter; a supervisor concludes with an outcome; the reporter then
 * reads the reply and the outcome on /track. Every person has a browser of
 * their own. What is checked is what each of them sees, and where the
 * browsers went and what they sent.
 */
import type { Browser, Page } from 'playwright-core';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { browser as httpClient, buildTestApp } from '../helpers/app';
import {
  focusedElement, hasVisibleFocus, launchChromium, navigates, openJourney,
  type FocusedElement, type Journey, type Language, type ViewportName,
} from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOf, trackingCodeIn, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { codeFor, createAccount, type TestAccount } from '../staff/staff-helpers';

const generous = {
  REPORTS_PER_HOUR_PER_CLIENT: '1000',
  TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000',
  TRACK_LOOKUPS_PER_HOUR_SITE: '1000',
  STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000',
};
const { app, config, commissionPrivateKey } = buildTestApp(generous);

const description = {
  zh: '区行政审批局窗口工作人员暗示需要“意思意思”才能加快审批，材料齐全却拖延三周。',
  en: 'The clerk at the approval bureau hinted that a “gift” would speed up our permit; our papers were complete three weeks ago.',
} as const;
const reply = {
  zh: '您反映的问题已进入调查核实，我们已约谈窗口负责人。REPLY-4471',
  en: 'We have started checking what you reported and have spoken to the head of the window. REPLY-4471',
} as const;
const internalNote = {
  zh: '内部：调取窗口11月的监控记录。NOTE-2093',
  en: 'Internal: ask for the window’s November camera footage. NOTE-2093',
} as const;
const summary = {
  zh: '经核实，反映情况属实，已对相关人员谈话提醒。SUMMARY-6120',
  en: 'What you reported was confirmed; the official was given an admonishing talk. SUMMARY-6120',
} as const;

type Role = 'intake' | 'handler' | 'supervisor';
type Team = Record<Role, TestAccount & { name: string }>;

interface Combination {
  lang: Language;
  viewport: ViewportName;
  javaScriptEnabled: boolean;
  label: string;
  /** Names are distinct across combinations, so the handler list never offers two of the same. */
  names: Record<Role, string>;
}

const teams: Record<Role, string>[] = [
  { intake: '陈静', handler: '周明', supervisor: '吴刚' },
  { intake: 'Chen Jing', handler: 'Zhou Ming', supervisor: 'Wu Gang' },
  { intake: 'Lin Xiao', handler: 'Li Na', supervisor: 'Zhao Qiang' },
  { intake: '林晓', handler: '李娜', supervisor: '赵强' },
  { intake: '孙悦', handler: '郑伟', supervisor: '钱芳' },
  { intake: '何平', handler: '马丽', supervisor: '高远' },
  { intake: 'He Ping', handler: 'Ma Li', supervisor: 'Gao Yuan' },
  { intake: 'Sun Yue', handler: 'Zheng Wei', supervisor: 'Qian Fang' },
];
function combination(lang: Language, viewport: ViewportName, javaScriptEnabled: boolean): Omit<Combination, 'names'> {
  return { lang, viewport, javaScriptEnabled, label: `${lang === 'zh' ? 'Chinese' : 'English'} on a ${viewport}${javaScriptEnabled ? '' : ' without JavaScript'}` };
}

// A journey signs three people in and takes ~20 s on this loaded machine, so
// three of the eight combinations run: Chinese on a phone, English on a
// desktop, and English on a phone without JavaScript (the portal has no
// script of its own, so one run without it shows nothing relies on one).
// The keyboard run below is Chinese on a desktop. QINGFENG_FULL_MATRIX=1 runs all eight.
const reduced = [combination('zh', 'phone', true), combination('en', 'desktop', true), combination('en', 'phone', false)];
const full = (['zh', 'en'] as const).flatMap((lang) => (['phone', 'desktop'] as const).flatMap((viewport) => [true, false].map((js) => combination(lang, viewport, js))));
const combinations: Combination[] = (process.env.QINGFENG_FULL_MATRIX === '1' ? full : reduced).map((chosen, index) => ({ ...chosen, names: teams[index] }));

let server: RunningServer;
let chromium: Browser;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

async function newTeam(names: Record<Role, string>): Promise<Team> {
  const team = {} as Team;
  for (const role of ['intake', 'handler', 'supervisor'] as const) {
    const account = await createAccount(config, { roles: [role], name: names[role], commissionPrivateKeyPem: commissionPrivateKey, mustChangePassword: false });
    team[role] = { ...account, name: names[role] };
  }
  return team;
}

function openStaffJourney(options: Parameters<typeof openJourney>[1]): Promise<Journey> {
  return openJourney(chromium, options);
}

/** A report sent over HTTP as the setup: the public form itself has its own browser journeys. */
async function reportReceived(lang: Language): Promise<{ code: string; reference: string }> {
  const reporter = httpClient(app);
  const confirmation = await postReport(reporter, await openReportForm(reporter), { ...validReport, description: description[lang] }).expect(200);
  const code = trackingCodeIn(confirmation.text);
  if (!code) throw new Error('no tracking code on the confirmation page');
  const stored = await storedCaseOf(code);
  return { code, reference: stored!.reference };
}

async function headingText(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim();
}

async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('status').innerText()).trim();
}

type Shoot = (journey: Journey, step: string) => Promise<void>;

/** Numbers the screenshots of one run across everyone's browsers: staff-<lang>-<viewport>-<nn>-<step>.png */
function screenshots(): Shoot {
  let taken = 0;
  return (journey, step) => {
    taken += 1;
    return journey.screenshot(`${String(taken).padStart(2, '0')}-${step}`);
  };
}

/** Opens a page and, in English, uses the switch in the header like a person would. */
async function openIn(journey: Journey, lang: Language, address: string, shoot: Shoot, who: string): Promise<void> {
  const { page } = journey;
  await navigates(page, () => page.goto(`${server.url}${address}`));
  if (lang === 'en') {
    await shoot(journey, `${who}-before-switching-language`);
    await navigates(page, () => page.getByRole('button', { name: translator('zh')('language.switchTo') }).click());
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  }
}

/** Email and password, then the code from the authenticator, through the real pages. Ends on the workspace. */
async function signIn(journey: Journey, lang: Language, account: TestAccount & { name: string }, shoot: Shoot, who: string): Promise<void> {
  const { page } = journey;
  const t = translator(lang);
  await openIn(journey, lang, '/staff', shoot, who);
  expect(await headingText(page)).toBe(t('staff.signIn.heading'));
  await page.getByLabel(t('staff.fields.email'), { exact: true }).fill(account.email);
  await page.getByLabel(t('staff.fields.password'), { exact: true }).fill(account.password);
  await shoot(journey, `${who}-sign-in`);
  await navigates(page, () => page.getByRole('button', { name: t('staff.signIn.submit'), exact: true }).click());

  // A new account sets up its authenticator with its first code.
  expect(await headingText(page)).toBe(t('staff.code.enrolHeading'));
  expect(await page.getByRole('img', { name: t('staff.code.qrAlt') }).isVisible()).toBe(true);
  await page.getByLabel(t('staff.fields.code'), { exact: true }).fill(codeFor(account.totpSecret));
  await shoot(journey, `${who}-code`);
  await navigates(page, () => page.getByRole('button', { name: t('staff.code.submit'), exact: true }).click());

  expect(await headingText(page)).toBe(t('staff.dashboard.heading', { name: account.name }));
  expect(await page.getByText(t('staff.dashboard.keyUnlocked')).isVisible()).toBe(true);
  await shoot(journey, `${who}-workspace`);
}

async function openCaseFromQueue(page: Page, lang: Language, reference: string, stage: string): Promise<void> {
  const t = translator(lang);
  expect(await headingText(page)).toBe(t('triage.queue.heading'));
  expect(await page.locator('table.queue tbody tr', { hasText: reference }).innerText()).toContain(t(`tracking.stages.${stage}`));
  await navigates(page, () => page.getByRole('link', { name: reference, exact: true }).click());
  expect(await headingText(page)).toBe(`${reference} · ${t(`tracking.stages.${stage}`)}`);
}

async function press(page: Page, name: string): Promise<void> {
  await navigates(page, () => page.getByRole('button', { name, exact: true }).click());
}

function expectCodeNeverInAnAddress(journeys: Journey[], code: string): void {
  const addresses = journeys.flatMap((journey) => [...journey.visitedUrls, ...journey.requests.map((request) => request.url)]);
  expect(addresses.length).toBeGreaterThan(20);
  for (const address of addresses) {
    expect(address.replace(/\D/g, '')).not.toContain(code);
    expect(decodeURIComponent(address).replace(/\D/g, '')).not.toContain(code);
  }
}

function expectOnlyTheTestServerContacted(journeys: Journey[]): void {
  const origins = new Set(journeys.flatMap((journey) => journey.requests.map((request) => new URL(request.url).origin)));
  expect([...origins]).toEqual([server.url]);
}

describe('a report goes from intake to conclusion, and the reporter reads the outcome', () => {
  it.each(combinations)('when the staff work in $label, then each sees the case move on and the reporter sees the reply and the outcome, and nothing leaves the site', async (combination) => {
    const { lang, viewport, javaScriptEnabled } = combination;
    const t = translator(lang);
    const team = await newTeam(combination.names);
    const { code, reference } = await reportReceived(lang);
    const shoot = screenshots();
    const open = () => openStaffJourney({ journey: 'staff', lang, viewport, javaScriptEnabled });
    const journeys: Journey[] = [];
    try {
      // The intake officer accepts the report and assigns it to a handler.
      const intake = await open();
      journeys.push(intake);
      await signIn(intake, lang, team.intake, shoot, 'intake');
      await navigates(intake.page, () => intake.page.getByRole('main').getByRole('link', { name: t('staff.dashboard.cases'), exact: true }).click());
      await shoot(intake, 'intake-queue');
      await openCaseFromQueue(intake.page, lang, reference, 'new');
      expect(await intake.page.locator('.report-text').innerText()).toContain(description[lang]);
      expect(await intake.page.locator('.case-summary').first().innerText()).toContain(t('triage.case.unassigned'));
      await shoot(intake, 'intake-case');
      await press(intake.page, t('triage.actions.accept'));
      expect(await statusText(intake.page)).toBe(t('triage.done.accept'));
      expect(await headingText(intake.page)).toBe(`${reference} · ${t('tracking.stages.accepted')}`);
      await shoot(intake, 'intake-accepted');
      await intake.page.getByLabel(t('triage.actions.assign'), { exact: true }).selectOption({ label: team.handler.name });
      await press(intake.page, t('triage.actions.assign'));
      expect(await statusText(intake.page)).toBe(t('triage.done.assign'));
      expect(await intake.page.locator('.case-summary').first().innerText()).toContain(team.handler.name);
      await shoot(intake, 'intake-assigned');

      // The handler finds the case in their queue, starts the investigation, replies and keeps a note.
      const handler = await open();
      journeys.push(handler);
      await signIn(handler, lang, team.handler, shoot, 'handler');
      await navigates(handler.page, () => handler.page.getByRole('navigation', { name: t('nav.main') }).getByRole('link', { name: t('nav.cases'), exact: true }).click());
      await shoot(handler, 'handler-queue');
      await openCaseFromQueue(handler.page, lang, reference, 'accepted');
      await shoot(handler, 'handler-case');
      await press(handler.page, t('triage.actions.investigate'));
      expect(await statusText(handler.page)).toBe(t('triage.done.investigate'));
      expect(await headingText(handler.page)).toBe(`${reference} · ${t('tracking.stages.investigating')}`);
      await shoot(handler, 'handler-investigating');
      await handler.page.getByLabel(t('triage.fields.reply'), { exact: true }).fill(reply[lang]);
      await press(handler.page, t('triage.actions.reply'));
      expect(await statusText(handler.page)).toBe(t('triage.done.reply'));
      await shoot(handler, 'handler-replied');
      await handler.page.getByLabel(t('triage.fields.note'), { exact: true }).fill(internalNote[lang]);
      await press(handler.page, t('triage.actions.note'));
      expect(await statusText(handler.page)).toBe(t('triage.done.note'));
      const handlersConversation = await handler.page.locator('.conversation').innerText();
      expect(handlersConversation).toContain(reply[lang]);
      expect(handlersConversation).toContain(internalNote[lang]);
      expect(handlersConversation).toContain(t('triage.messageTypes.note'));
      await shoot(handler, 'handler-noted');

      // The supervisor reads the reply and concludes with an outcome and a measure.
      const supervisor = await open();
      journeys.push(supervisor);
      await signIn(supervisor, lang, team.supervisor, shoot, 'supervisor');
      await navigates(supervisor.page, () => supervisor.page.getByRole('main').getByRole('link', { name: t('staff.dashboard.cases'), exact: true }).click());
      await shoot(supervisor, 'supervisor-queue');
      await openCaseFromQueue(supervisor.page, lang, reference, 'investigating');
      expect(await supervisor.page.locator('.conversation').innerText()).toContain(reply[lang]);
      await supervisor.page.getByLabel(t('tracking.outcomes.substantiated'), { exact: true }).check();
      await supervisor.page.getByLabel(t('triage.measures.talk'), { exact: true }).check();
      await supervisor.page.getByLabel(t('triage.fields.summary'), { exact: true }).fill(summary[lang]);
      await shoot(supervisor, 'supervisor-concluding');
      await press(supervisor.page, t('triage.actions.conclude'));
      expect(await statusText(supervisor.page)).toBe(t('triage.done.conclude'));
      expect(await headingText(supervisor.page)).toBe(`${reference} · ${t('tracking.stages.concluded')}`);
      expect(await supervisor.page.locator('.case-summary').first().innerText()).toContain(t('tracking.outcomes.substantiated'));
      await shoot(supervisor, 'supervisor-concluded');

      // The reporter types the code and reads the reply and the outcome, and nothing internal.
      const reporter = await open();
      journeys.push(reporter);
      await openIn(reporter, lang, '/track', shoot, 'reporter');
      await reporter.page.getByLabel(t('tracking.lookup.code'), { exact: true }).fill(code.replace(/(\d{4})(?=\d)/g, '$1 '));
      await shoot(reporter, 'reporter-track');
      await press(reporter.page, t('tracking.lookup.submit'));
      expect(await headingText(reporter.page)).toBe(t('tracking.case.heading'));
      const summaryList = await reporter.page.locator('.case-summary').innerText();
      expect(summaryList).toContain(t('tracking.stages.concluded'));
      expect(summaryList).toContain(t('tracking.outcomes.substantiated'));
      const conversation = await reporter.page.locator('.conversation').innerText();
      expect(conversation).toContain(t('tracking.messageTypes.reply'));
      expect(conversation).toContain(reply[lang]);
      expect(await reporter.page.locator('.timeline').first().innerText()).toContain(summary[lang]);
      const everything = await reporter.page.locator('body').innerText();
      for (const hidden of [internalNote[lang], team.intake.name, team.handler.name, team.supervisor.name, reference]) expect(everything).not.toContain(hidden);
      await shoot(reporter, 'reporter-case');

      expectCodeNeverInAnAddress(journeys, code);
      expectOnlyTheTestServerContacted(journeys);
    } finally {
      for (const journey of journeys) await journey.close();
    }
  }, 120_000);
});

// The project compiles without the DOM library: the one page global used below.
declare const document: { activeElement: { getAttribute(name: string): string | null; matches(selector: string): boolean } | null };

/**
 * Chromium's date and month fields end with a calendar button inside the
 * browser's own shadow tree. When it has the focus, the field is the active
 * element but matches neither :focus nor :focus-visible, so the site's
 * outline is not drawn on it; Chromium draws its own ring round the button.
 */
function inCalendarButton(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const element = document.activeElement;
    return element !== null && ['date', 'month'].includes(element.getAttribute('type') ?? '') && !element.matches(':focus');
  });
}

describe('an intake officer who uses only the keyboard', () => {
  const focused: FocusedElement[] = [];
  /** Date and month fields whose calendar button had the focus (see inCalendarButton). */
  const calendarButtons: string[] = [];

  /** Presses Tab until the focus lands on what the person is looking for. */
  async function tabTo(page: Page, wanted: (element: FocusedElement) => boolean): Promise<void> {
    for (let presses = 0; presses < 80; presses += 1) {
      await page.keyboard.press('Tab');
      const element = await focusedElement(page);
      if (element && (await inCalendarButton(page))) calendarButtons.push(element.id);
      else if (element) focused.push(element);
      if (element && wanted(element)) return;
    }
    throw new Error('the focus never reached the element after 80 presses of Tab');
  }

  const byId = (id: string) => (element: FocusedElement) => element.id === id;

  it('when they sign in, open the case, accept and assign it without a mouse, then every step is reachable and the focus is always visible', async () => {
    const t = translator('zh');
    const intake = await createAccount(config, { roles: ['intake'], name: '冯洁', commissionPrivateKeyPem: commissionPrivateKey, mustChangePassword: false });
    const handler = await createAccount(config, { roles: ['handler'], name: '蒋涛', commissionPrivateKeyPem: commissionPrivateKey, mustChangePassword: false });
    const { code, reference } = await reportReceived('zh');
    const journey = await openStaffJourney({ journey: 'staff', lang: 'zh', viewport: 'desktop' });
    const { page } = journey;
    const step = (name: string) => journey.screenshot(`keyboard-${name}`);
    try {
      await navigates(page, () => page.goto(`${server.url}/staff`));
      await tabTo(page, byId('email'));
      await page.keyboard.type(intake.email);
      await tabTo(page, byId('password'));
      await page.keyboard.type(intake.password);
      await step('01-sign-in');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await headingText(page)).toBe(t('staff.code.enrolHeading'));

      await tabTo(page, byId('code'));
      await page.keyboard.type(codeFor(intake.totpSecret));
      await step('02-code');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await headingText(page)).toBe(t('staff.dashboard.heading', { name: '冯洁' }));

      await tabTo(page, (element) => element.href === '/staff/cases');
      await step('03-workspace-focus-on-cases');
      await navigates(page, () => page.keyboard.press('Enter'));
      await tabTo(page, (element) => element.href === `/staff/cases/${reference}`);
      await step('04-queue-focus-on-case');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await headingText(page)).toBe(`${reference} · ${t('tracking.stages.new')}`);

      await tabTo(page, (element) => element.tag === 'button' && element.text === t('triage.actions.accept'));
      await step('05-case-focus-on-accept');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await statusText(page)).toBe(t('triage.done.accept'));

      await tabTo(page, byId('assign-handlerId'));
      for (let presses = 0; presses < 40 && (await page.locator('#assign-handlerId').inputValue()) !== handler.id; presses += 1) await page.keyboard.press('ArrowDown');
      expect(await page.locator('#assign-handlerId').inputValue()).toBe(handler.id);
      await tabTo(page, (element) => element.tag === 'button' && element.text === t('triage.actions.assign'));
      await step('06-case-handler-chosen');
      await navigates(page, () => page.keyboard.press('Enter'));
      expect(await statusText(page)).toBe(t('triage.done.assign'));
      expect(await page.locator('.case-summary').first().innerText()).toContain('蒋涛');
      await step('07-case-assigned');

      expect(focused.filter((element) => !hasVisibleFocus(element))).toEqual([]);
      expect(calendarButtons).toEqual(['f-month', 'f-from', 'f-to']);
      expect(focused.length).toBeGreaterThan(10);
      expectCodeNeverInAnAddress([journey], code);
      expectOnlyTheTestServerContacted([journey]);
    } finally {
      await journey.close();
    }
  }, 60_000);
});
