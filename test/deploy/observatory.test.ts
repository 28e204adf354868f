/**
 * The MDN HTTP Observatory (the grader the assessment used) against the
 * shipped proxy recipe in front of the portal in production mode, with the
 * throw-away certificate trusted: every page a visitor meets gets A+ and at
 * least 135, and none of the scanner's ten tests fails. nginx listens on
 * ports 80 and 443 (the scanner knows no others) of a loopback address of
 * the test's own, which the scanner's process alone resolves the test name
 * to (observatory-scan.ts); CI runs as root, so it may bind them.
 *
 * Offline, the scanner lacks Chromium's HSTS preload list (downloaded when
 * it is installed): it is given an empty one, so "preloaded" (5 points the
 * recipe cannot earn on a test name anyway) is never found. Nothing else it
 * checks needs the internet: it only talks to the host it scans.
 *
 * The figures: npm run observatory (this file alone) prints them per page.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import type { PageGrade } from './observatory-scan';
import { startRecipe, testHost, type RunningRecipe } from './start-recipe';

jest.setTimeout(120_000);

/** Nothing else on a test machine listens here (the portal and its databases use 127.0.0.1). */
const scannerAddress = '127.0.0.5';
const root = path.join(__dirname, '../..');
const pages: [string, string][] = [['home', '/'], ['report form', '/report'], ['tracking', '/track'], ['staff sign-in', '/staff'], ['not-found', '/no-such-page']];

let recipe: RunningRecipe;
let portal: RunningServer;
let scanned: { root: PageGrade; pages: PageGrade[] };

async function runObservatory(paths: string[]): Promise<typeof scanned> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', path.join(root, 'test/drills/transpile-on-require.js'), path.join(__dirname, 'observatory-scan.ts'), scannerAddress, ...paths], {
    cwd: root, timeout: 90_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: recipe.certificateFile },
  });
  return JSON.parse(stdout) as typeof scanned;
}

function gradeOf(pathname: string): PageGrade {
  const page = scanned.pages.find((candidate) => candidate.path === pathname);
  if (!page) throw new Error(`${pathname} was not scanned`);
  return page;
}

function failedTests(page: PageGrade): string[] {
  return Object.entries(page.tests).filter(([, test]) => !test.pass).map(([name, test]) => `${name}: ${test.result}`);
}

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const { app } = buildTestApp({ NODE_ENV: 'production', HOST: '127.0.0.1', TRUST_PROXY_HOPS: '1', PUBLIC_URL: `https://${testHost}`, SMTP_URL: 'smtp://127.0.0.1:9' });
  portal = await startServer(app);
  recipe = await startRecipe(Number(new URL(portal.url).port), { address: scannerAddress, http: 80, https: 443 });
  scanned = await runObservatory(pages.map(([, pathname]) => pathname));
  const lines = scanned.pages.map((page) => `  ${page.path.padEnd(14)} ${String(page.status).padEnd(4)} ${page.grade.padEnd(3)} ${page.score}   failed: ${failedTests(page).join(', ') || 'none'}`);
  process.stdout.write(`\nMDN HTTP Observatory, the nginx recipe in front of the portal (path, status, grade, score):\n${lines.join('\n')}\n\n`);
});

afterAll(async () => {
  await recipe?.stop();
  await portal?.close().catch(() => undefined);
  await dropTestDatabase();
});

describe('the MDN HTTP Observatory against the nginx recipe', () => {
  it.each(pages)('when it scans the %s page (%s), then the grade is A+ with at least 135 and no test fails', (_name, pathname) => {
    const page = gradeOf(pathname);
    expect(failedTests(page)).toEqual([]);
    expect(page.grade).toBe('A+');
    expect(page.score).toBeGreaterThanOrEqual(135);
  });

  it('when it scans the not-found page, then it was graded as the 404 a visitor sees', () => {
    expect(gradeOf('/no-such-page').status).toBe(404);
  });

  it('when the package\'s own scan() grades the home page, then it agrees with the per-page scan', () => {
    expect(gradeOf('/')).toEqual(scanned.root);
  });
});
