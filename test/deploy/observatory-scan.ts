/**
 * The MDN HTTP Observatory (@mdn/mdn-http-observatory) scanning the proxy
 * recipe under its test name: a child process of observatory.test.ts, run
 * by plain node through transpile-on-require.js, because the scanner is an
 * ES module that jest's module loader cannot load (node 20.19+ can require it).
 *
 *   node -r test/drills/transpile-on-require.js test/deploy/observatory-scan.ts ADDRESS PATH...
 *
 * The test name resolves to ADDRESS (see below); the caller sets
 * NODE_EXTRA_CA_CERTS to the throw-away certificate. Prints one JSON line:
 * the root as the package's own scan() grades it, and every PATH.
 */
import dns from 'node:dns';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scan, type ScanResult } from '@mdn/mdn-http-observatory';
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from '@mdn/mdn-http-observatory/src/grader/charts.js';
import { ALL_TESTS } from '@mdn/mdn-http-observatory/src/constants.js';
import { getGradeForScore, getScoreModifier } from '@mdn/mdn-http-observatory/src/grader/grader.js';
import { retrieve } from '@mdn/mdn-http-observatory/src/retriever/retriever.js';
import { testHost } from './start-recipe';

export interface PageGrade {
  path: string;
  status: number;
  grade: string;
  score: number;
  tests: Record<string, { result: string | null; pass: boolean | null; scoreModifier: number }>;
}

/**
 * The scanner takes a host name and always uses ports 80 and 443, and it
 * follows nginx's redirect to https://<name>/. Rather than edit /etc/hosts,
 * this process alone resolves the test name to a loopback address of the
 * test's own, where nginx listens on both ports.
 */
function resolveTestHostTo(address: string): void {
  const lookup = dns.lookup;
  const patched = (hostname: string, options: unknown, callback?: unknown) => {
    const [opts, done] = typeof options === 'function' ? [{}, options] : [options as dns.LookupOptions, callback];
    const reply = done as (error: Error | null, address: unknown, family?: number) => void;
    if (hostname !== testHost) return (lookup as (...args: unknown[]) => void)(hostname, opts, reply);
    return process.nextTick(() => (opts.all ? reply(null, [{ address, family: 4 }]) : reply(null, address, 4)));
  };
  (dns as { lookup: unknown }).lookup = patched;
}

/**
 * The package downloads Chromium's HSTS preload list when it is installed
 * (its postinstall, which package.json's allowScripts denies: there is no
 * internet for it here), and every scan reads it. Without a list, an empty
 * one: "not preloaded" is true of the test name (.test is a reserved name
 * and never on the list); a list an online install fetched is kept.
 */
function ensureHstsPreloadList(): void {
  const file = path.join(path.dirname(require.resolve('@mdn/mdn-http-observatory/package.json')), 'conf', 'hsts-preload.json');
  if (!existsSync(file)) writeFileSync(file, '{}\n');
}

/**
 * The package's scan() with a path, and for any status: scan() grades only
 * the root and refuses a 404. The same retriever (its own path option), the
 * same ten tests and the same scoring, as scan() in src/scanner/index.js.
 */
async function gradePage(pathname: string): Promise<PageGrade> {
  const requests = await retrieve(testHost, { path: pathname });
  if (!requests.responses.auto) throw new Error(`${pathname}: the scanner could not connect`);
  const outputs = ALL_TESTS.map((test) => test(requests));
  let withExtraCredit = 100;
  let uncurved = 100;
  const tests: PageGrade['tests'] = {};
  for (const output of outputs) {
    const scoreModifier = output.result ? getScoreModifier(output.result) : 0;
    withExtraCredit += scoreModifier;
    if (scoreModifier < 0) uncurved += scoreModifier;
    tests[output.constructor.name] = { result: output.result, pass: output.pass, scoreModifier };
  }
  const { grade, score } = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved);
  return { path: pathname, status: requests.responses.auto.status, grade, score, tests };
}

function asPageGrade(result: ScanResult): PageGrade {
  const tests = Object.fromEntries(Object.entries(result.tests).map(([name, { result: outcome, pass, scoreModifier }]) => [name, { result: outcome, pass, scoreModifier }]));
  return { path: '/', status: result.scan.statusCode, grade: result.scan.grade, score: result.scan.score, tests };
}

async function main(): Promise<void> {
  const [address, ...paths] = process.argv.slice(2);
  resolveTestHostTo(address);
  ensureHstsPreloadList();
  const root = asPageGrade(await scan(testHost));
  const pages: PageGrade[] = [];
  for (const pathname of paths) pages.push(await gradePage(pathname));
  process.stdout.write(`${JSON.stringify({ root, pages })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
