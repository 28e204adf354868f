/**
 * Memory per concurrent upload: the real portal (dist/server/main.js with
 * load-probe.js, its own embedded FerretDB, on 127.0.0.1) receives N report
 * submissions at once, each with the largest evidence allowed (two ~9 MB
 * JPEG photos of 39 MP, two ~9 MB PNGs, a ~9 MB scanned PDF). Prints the
 * portal's resident memory when idle, its peak during the burst and the
 * increase per upload. Each figure comes from a fresh process: its lifetime
 * peak (cold: the first large upload also starts the image and PDF libraries)
 * and, after one full-size upload has warmed it, the peak sampled during a
 * second burst over the memory it kept (warm). Then what each further upload
 * at once adds to the peak (1 → n), apart from the first one's one-time cost. Bounded: one burst per process, and the run
 * stops by itself after ten minutes. The peak depends on when V8 collects
 * garbage, which a busy machine delays: the load average is printed beside
 * each figure, and a single run can be far off (repeat it).
 *
 *   npm run bench:uploads -- [concurrent uploads, e.g. 1,4] [--before]
 *
 * --before also measures the portal as it was before the intake queue
 * (every submission cleaned at once), in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeader, hiddenField, keepCookies, sampleReport } from './bench-forms';
import { startPortalProcess, type PortalProcess } from './load-processes';
import { largeJpeg, largePdf, largePng, type EvidenceFile } from './upload-fixtures';

const args = process.argv.slice(2);
const concurrencies = (args.find((arg) => /^\d+(,\d+)*$/.test(arg)) ?? '1,4').split(',').map(Number).filter((n) => n > 0 && n <= 8);
const withBefore = args.includes('--before');
const runDeadlineMs = 10 * 60_000;
const megabyte = 1024 * 1024;

interface Setting {
  label: string;
  env: (concurrent: number) => Record<string, string>;
}

const settings: Setting[] = [
  ...(withBefore ? [{ label: 'before: every submission at once', env: (concurrent: number) => ({ REPORT_INTAKE_CONCURRENCY: String(concurrent) }) }] : []),
  { label: 'as configured (default intake queue)', env: () => ({}) },
];

async function main(): Promise<void> {
  setTimeout(() => {
    console.error('the benchmark ran out of time');
    process.exit(1);
  }, runDeadlineMs).unref();
  console.log('generating evidence files…');
  const files = [await largeJpeg(), await largeJpeg(), await largePng(), await largePng(), await largePdf()];
  const bodyMb = files.reduce((sum, file) => sum + file.bytes.length, 0) / megabyte;
  console.log(`each submission: ${files.map((file) => `${file.name} ${(file.bytes.length / megabyte).toFixed(1)} MB`).join(', ')} (${bodyMb.toFixed(1)} MB)`);
  console.log(`cpus: ${os.availableParallelism()}, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}\n`);

  for (const setting of settings) {
    const peaks = new Map<number, Peaks>();
    for (const concurrent of concurrencies) peaks.set(concurrent, await measure(setting, concurrent, files));
    printSlopes(setting, peaks);
  }
}

interface Peaks {
  cold: number;
  warm: number;
}

/**
 * What each further upload at once adds to the process's peak, beside the
 * one-time cost the first upload carries (libraries starting, the allocator's
 * arenas growing): the peak with n at once minus the peak with one, over n - 1.
 */
function printSlopes(setting: Setting, peaks: Map<number, Peaks>): void {
  const single = peaks.get(1);
  if (!single) return;
  for (const [concurrent, peak] of peaks) {
    if (concurrent === 1) continue;
    const slope = (of: keyof Peaks) => ((peak[of] - single[of]) / (concurrent - 1) / megabyte).toFixed(0);
    console.log(`${setting.label}: each further upload at once (1 → ${concurrent}) adds ${slope('cold')} MB cold, ${slope('warm')} MB warm`);
  }
}

async function measure(setting: Setting, concurrent: number, files: EvidenceFile[]): Promise<Peaks> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-bench-uploads-'));
  let portal: PortalProcess | undefined;
  try {
    portal = await startPortalProcess({ ...portalEnv(dataDir), ...setting.env(concurrent) });
    // The first report compiles the views and opens the database connections: not what is measured.
    await submit(portal.url, []);
    const idle = (await portal.stats()).rssBytes;
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: concurrent }, () => submit(portal!.url, files)));
    const seconds = (performance.now() - started) / 1000;
    const peak = (await portal.stats()).peakRssBytes;
    const perUpload = (peak - idle) / concurrent / megabyte;
    console.log(`${setting.label}, ${concurrent} at once, cold: idle ${(idle / megabyte).toFixed(0)} MB, peak ${(peak / megabyte).toFixed(0)} MB, `
      + `+${perUpload.toFixed(0)} MB per upload; answers ${answers.join(' ')} in ${seconds.toFixed(1)} s (load ${os.loadavg()[0].toFixed(1)})`);
    portal.resetProbe();
    const warmIdle = (await portal.stats()).rssBytes;
    const again = await Promise.all(Array.from({ length: concurrent }, () => submit(portal!.url, files)));
    const warmPeak = (await portal.stats()).peakRssSinceResetBytes;
    console.log(`${setting.label}, ${concurrent} at once, warm: before ${(warmIdle / megabyte).toFixed(0)} MB, peak ${(warmPeak / megabyte).toFixed(0)} MB, `
      + `+${((warmPeak - warmIdle) / concurrent / megabyte).toFixed(0)} MB per upload; answers ${again.join(' ')} (load ${os.loadavg()[0].toFixed(1)})`);
    return { cold: peak, warm: warmPeak };
  } finally {
    await portal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One browser: the form, then the submission; answers the status (200 only with a tracking code). */
async function submit(url: string, files: EvidenceFile[]): Promise<string> {
  const cookies = new Map<string, string>();
  const page = await fetch(`${url}/report`);
  keepCookies(cookies, page);
  const form = await page.text();
  const csrf = hiddenField(form, '_csrf');
  const body = new FormData();
  body.set('_csrf', csrf);
  body.set('formToken', hiddenField(form, 'formToken'));
  for (const [name, value] of Object.entries(sampleReport)) body.set(name, value);
  for (const file of files) body.append('evidence', new Blob([file.bytes], { type: file.type }), file.name);
  const answer = await fetch(`${url}/report?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body, headers: { cookie: cookieHeader(cookies) } });
  const text = await answer.text();
  return answer.status === 200 && !text.includes('class="tracking-code"') ? 'no-code' : String(answer.status);
}

function portalEnv(dataDir: string): Record<string, string> {
  const high = '100000';
  return {
    NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: dataDir,
    REPORTS_PER_HOUR_PER_CLIENT: high, TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: high, TRACK_LOOKUPS_PER_HOUR_SITE: high,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
