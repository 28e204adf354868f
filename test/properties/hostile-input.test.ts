/**
 * Bad input at scale: fast-check sends hundreds of hostile submissions to
 * every public form over HTTP, against the real app and database. Whatever
 * arrives, the portal answers without a 5xx or a stack trace, no prototype
 * is polluted, and a request it refuses leaves every collection as it was.
 * The number of generated inputs is written to test-output/properties-summary.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { projectRoot } from '../../server/lib/paths';
import { reportFields } from '../../server/reports/report.schema';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { hiddenFields, trackingCodeIn, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import {
  applyMutations, boundary, encode, hostileValue, multipartBody, mutations, partsFrom, rawBytes, RawClient, transports,
  type Part, type RawResponse, type Transport, type Value,
} from './hostile-requests';

const { app, logLines } = buildTestApp({
  REPORTS_PER_HOUR_PER_CLIENT: '100000',
  TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100000',
  TRACK_LOOKUPS_PER_HOUR_SITE: '100000',
});

const runs = { reportMultipart: 120, reportUrlencoded: 70, track: 60, trackAdd: 60, language: 150 };

/** What each property sent and how the portal answered, for the summary. */
const tally: Record<string, { inputs: number; statuses: Record<string, number>; accepted: number }> = {};

function record(property: string, status: number, accepted: boolean): void {
  const entry = (tally[property] ??= { inputs: 0, statuses: {}, accepted: 0 });
  entry.inputs += 1;
  entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
  if (accepted) entry.accepted += 1;
}

// A V8 stack frame, a module path or an exception class name would tell an attacker about the software.
const softwareDetails = /\n\s+at \S.*:\d+:\d+|node_modules|\/server\/|\b(?:TypeError|ReferenceError|RangeError|SyntaxError|MongoServerError|MongooseError|CastError|ZodError)\b/;

function expectAnsweredCalmly(response: RawResponse): void {
  expect(response.status).toBeLessThan(500);
  expect(response.text ?? '').not.toMatch(softwareDetails);
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

let server: RunningServer;
let client: RawClient;
let csrf: string;
let code: string;
let tinyJpeg: Buffer;

async function openReportForm(): Promise<{ csrf: string; formToken: string }> {
  const page = await client.get('/report');
  if (page.status !== 200) throw new Error(`the report form answered ${page.status}`);
  return hiddenFields(page.text);
}

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  client = new RawClient(server.url);
  const form = await openReportForm();
  const confirmation = await client.post(`/report?_csrf=${encodeURIComponent(form.csrf)}`, { headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body: multipartBody(partsFrom({ _csrf: form.csrf, formToken: form.formToken, ...validReport })) });
  code = trackingCodeIn(confirmation.text)!;
  if (!code) throw new Error(`the valid report was not accepted (${confirmation.status})`);
  csrf = form.csrf;
  tinyJpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).jpeg().toBuffer();
}, 60_000);

afterAll(async () => {
  const total = Object.values(tally).reduce((sum, entry) => sum + entry.inputs, 0);
  const summary = { generatedInputs: total, perProperty: tally, writtenAt: new Date().toISOString() };
  mkdirSync(path.join(projectRoot, 'test-output'), { recursive: true });
  writeFileSync(path.join(projectRoot, 'test-output', 'properties-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`hostile-input properties: ${total} generated inputs\n${JSON.stringify(tally)}`);
  await server?.close();
  await dropTestDatabase();
});

const fileBytes = fc.oneof(fc.constant(Buffer.alloc(0)), rawBytes, fc.constant(Buffer.from('%PDF-1.7\n%broken')), fc.constant(Buffer.from('<svg onload="alert(1)"/>')));
const withTinyJpeg = (bytes: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> => fc.oneof(bytes, fc.constant(Buffer.alloc(0)).map(() => tinyJpeg));


interface Submission {
  parts: Part[];
  transport: Transport;
  acceptJson: boolean;
}

function submissions(base: () => Part[], knownNames: readonly string[], usual: 'multipart' | 'urlencoded'): fc.Arbitrary<Submission> {
  const acceptJson = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  return fc.record({ changes: mutations(knownNames, withTinyJpeg(fileBytes)), transport: transports(usual), acceptJson })
    .map(({ changes, transport, acceptJson }) => ({ parts: applyMutations(base(), changes), transport, acceptJson }));
}

/** Only one field differs from what our own form sends, so the value reaches the route's own checks. */
function oneField(base: () => Part[], field: string, values: fc.Arbitrary<Value>, transport: Transport): fc.Arbitrary<Submission> {
  return values.map((value) => ({ parts: base().map((part) => (part.name === field ? { ...part, value } : part)), transport, acceptJson: false }));
}

/** Sends one submission; a refused one must leave every collection as it was. */
/** Documents per collection, counted all at once (one count per run would double the file's time). */
async function countDocuments(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map(({ name }) => name).sort();
  const counts = await Promise.all(names.map((name) => db.collection(name).countDocuments()));
  return Object.fromEntries(names.map((name, index) => [name, counts[index]]));
}

async function check(property: string, path: string, submission: Submission, isAccepted: (response: RawResponse) => boolean, prepare?: (parts: Part[]) => Promise<Part[]>): Promise<void> {
  const parts = prepare ? await prepare(submission.parts) : submission.parts;
  const before = await countDocuments();
  const response = await client.post(withCsrfQuery(path, parts, submission.transport), encode(parts, submission.transport, submission.acceptJson));
  const accepted = (response.status === 200 || response.status === 303) && isAccepted(response);
  record(property, response.status, accepted);
  expectAnsweredCalmly(response);
  if (!accepted) expect(await countDocuments()).toEqual(before);
}

// A multipart form carries its token in the action's query, as our pages write it: the token part, whatever it became.
function withCsrfQuery(path: string, parts: Part[], transport: Transport): string {
  const token = parts.find((part) => part.name === '_csrf')?.value;
  // Byte by byte: a hostile token may hold lone surrogates, which encodeURIComponent refuses.
  const encoded = typeof token === 'string' ? [...Buffer.from(token, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('') : '';
  return transport === 'multipart' && typeof token === 'string' ? `${path}?_csrf=${encoded}` : path;
}

const reportNames = [...reportFields, '_csrf', 'formToken', 'contactNotes', 'evidence'];
const reportBase = (): Part[] => partsFrom({ _csrf: 'filled in per run', formToken: 'filled in per run', ...validReport });

// A form token is used until a report is accepted with it, so that each accepted report really creates a case.
let reportForm: { csrf: string; formToken: string } | undefined;

async function withUnusedForm(parts: Part[]): Promise<Part[]> {
  const form = (reportForm ??= await openReportForm());
  return parts.map((part) => {
    if (part.name === '_csrf' && part.value === 'filled in per run') return { ...part, value: form.csrf };
    if (part.name === 'formToken' && part.value === 'filled in per run') return { ...part, value: form.formToken };
    return part;
  });
}

function reportAccepted(response: RawResponse): boolean {
  const accepted = trackingCodeIn(response.text) !== undefined;
  if (accepted) reportForm = undefined;
  return accepted;
}

describe('hostile input to the public forms', () => {
  it('when hostile multipart reports are posted, then none gets a 5xx or a stack trace, and a refused one stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(submissions(reportBase, reportNames, 'multipart'), (submission) => check('report (multipart)', '/report', submission, reportAccepted, withUnusedForm)),
      { numRuns: runs.reportMultipart },
    );
  }, 120_000);

  it('when hostile urlencoded reports are posted, then none gets a 5xx or a stack trace, and a refused one stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(submissions(reportBase, reportNames, 'urlencoded'), (submission) => check('report (urlencoded)', '/report', submission, reportAccepted, withUnusedForm)),
      { numRuns: runs.reportUrlencoded },
    );
  }, 120_000);

  it('when hostile codes and fields are posted to /track, then none gets a 5xx or a stack trace, and nothing is ever stored', async () => {
    const base = (): Part[] => partsFrom({ _csrf: csrf, code });
    const typedCodes = fc.oneof(
      fc.constantFrom(code, code.replace(/(\d{4})(?=\d)/g, '$1 '), code.replace(/(\d{4})(?=\d)/g, '$1\u200b'), `\u202e${code}`, [...code].map((digit) => String.fromCharCode(0xff10 + Number(digit))).join('')),
      hostileValue,
    );
    const lookups = fc.oneof(oneField(base, 'code', typedCodes, 'urlencoded'), submissions(base, ['_csrf', 'code'], 'urlencoded'));
    await fc.assert(fc.asyncProperty(lookups, (submission) => check('track', '/track', submission, () => false)), { numRuns: runs.track });
  }, 120_000);

  it('when hostile additions are posted to /track/add, then none gets a 5xx or a stack trace, and a refused one stores nothing', async () => {
    const base = (): Part[] => partsFrom({ _csrf: csrf, code, message: '补充：对方又一次要求我们重新提交全部材料。' });
    // Messages that carry the reporter's own code, however disguised, must be refused like any other bad input.
    const disguisedCode = fc.constantFrom(`我的查询码是 ${code.replace(/(\d{4})(?=\d)/g, '$1 ')}`, `码：${[...code].join('\u200b')}`, `\u202e${[...code].reverse().join('')}`, [...code].map((digit) => String.fromCharCode(0xff10 + Number(digit))).join('-'));
    const messages = fc.oneof({ weight: 4, arbitrary: hostileValue }, { weight: 1, arbitrary: disguisedCode });
    const additions = fc.oneof(oneField(base, 'message', messages, 'multipart'), submissions(base, ['_csrf', 'code', 'message', 'evidence'], 'multipart'));
    // An accepted addition is answered with a redirect to the case page (POST/redirect/GET).
    const accepted = (response: RawResponse): boolean => response.headers.location === '/track/case?added=1';
    await fc.assert(fc.asyncProperty(additions, (submission) => check('track/add', '/track/add', submission, accepted)), { numRuns: runs.trackAdd });
  }, 120_000);

  it('when hostile language switches are posted, then none gets a 5xx, nothing is stored, and every redirect stays on the portal', async () => {
    const base = (): Part[] => partsFrom({ _csrf: csrf, lang: 'en', returnTo: '/report' });
    const returnTo = fc.oneof(
      fc.constantFrom('/track', '//evil.example/', '/\\evil.example', 'https://evil.example/', '/%2F%2Fevil.example', '/\t/evil.example', '\\\\evil.example', 'javascript:alert(1)', '/..%2F..%2F', '/\u202e/moc.elpmaxe//'),
      hostileValue,
    );
    const switches = fc.oneof(oneField(base, 'returnTo', returnTo, 'urlencoded'), submissions(base, ['_csrf', 'lang', 'returnTo'], 'urlencoded'));
    await fc.assert(
      fc.asyncProperty(switches, async (submission) => {
        const before = await countDocuments();
        const response = await client.post('/language', encode(submission.parts, submission.transport, submission.acceptJson));
        record('language', response.status, response.status === 303);
        expectAnsweredCalmly(response);
        if (response.status === 303) expect(new URL(response.headers.location ?? 'missing', 'http://portal.test').origin).toBe('http://portal.test');
        expect(await countDocuments()).toEqual(before);
      }),
      { numRuns: runs.language },
    );
  }, 120_000);

  it('when all of it is over, then inputs reached both acceptance and refusal, and no request was logged as failed', () => {
    // Otherwise "refused ⇒ nothing stored" could hold only because nothing ever got far enough to store.
    const accepted = (property: string) => tally[property]?.accepted ?? 0;
    const refused = (property: string) => (tally[property]?.inputs ?? 0) - accepted(property);
    expect(accepted('report (multipart)') + accepted('report (urlencoded)')).toBeGreaterThan(0);
    expect(accepted('track/add')).toBeGreaterThan(0);
    expect(accepted('language')).toBeGreaterThan(0);
    expect(Object.keys(tally)).toHaveLength(5);
    for (const property of Object.keys(tally)) expect(refused(property)).toBeGreaterThan(0);
    expect(logLines.filter((line) => /request failed|error page failed/.test(line))).toEqual([]);
  });
});
