/**
 * The report form's abuse limits, as a client sees them: every submission
 * counts toward the client's own hourly limit, a client over it is answered
 * before its files are read, no group of clients can close the form for
 * everyone, and a burst waits in the intake queue. Every refusal gives the
 * form back with what was typed and says that nothing was sent.
 */
import http from 'node:http';
import sharp from 'sharp';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { hiddenFields, openReportForm, postReport, trackingCodeIn, validReport, type FormPage } from '../helpers/reports';
import { startServer } from '../helpers/server';

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

const nothingSent = '您的反映尚未提交';
const chooseFilesAgain = '请重新选择文件';

function reporterAt(app: ReturnType<typeof buildTestApp>['app'], address: string) {
  return browser(app).set('X-Forwarded-For', address);
}

describe('the per-client limit', () => {
  it('when a client sends refused submissions up to its limit, then its next valid report is refused with everything typed kept, and nothing is stored', async () => {
    const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const agent = browser(app);
      statuses.push((await postReport(agent, await openReportForm(agent), { ...validReport, description: '太短了' })).status);
    }
    const cases = await Case.countDocuments();

    const agent = browser(app);
    const form = await openReportForm(agent);
    const refused = await postReport(agent, form, validReport);

    expect(statuses).toEqual([422, 422, 422]);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain(nothingSent);
    expect(refused.text).toMatch(/请在\d+分钟后/);
    expect(refused.text).toContain(validReport.description);
    expect(refused.text).toContain(validReport.workOrderNumber);
    expect(hiddenFields(refused.text).formToken).toBe(form.formToken);
    expect(trackingCodeIn(refused.text)).toBeUndefined();
    expect(await Case.countDocuments()).toBe(cases);
  });

  it('when several clients use up their own limits, then another client still reports', async () => {
    const { app } = buildTestApp({ TRUST_PROXY_HOPS: '1', REPORTS_PER_HOUR_PER_CLIENT: '5' });
    const refusedAt: number[] = [];
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) {
      for (let i = 0; ; i += 1) {
        const agent = reporterAt(app, address);
        if ((await postReport(agent, await openReportForm(agent), validReport)).status === 429) {
          refusedAt.push(i);
          break;
        }
      }
    }
    const newcomer = reporterAt(app, '203.0.113.9');
    const page = await postReport(newcomer, await openReportForm(newcomer), validReport);

    expect(refusedAt).toEqual([5, 5, 5, 5]);
    expect(page.status).toBe(200);
    expect(trackingCodeIn(page.text)).toMatch(/^\d{20}$/);
  });

  it('when a client over its limit sends five large files, then the form comes back, text kept, while most of the body is still unsent', async () => {
    const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1' });
    const server = await startServer(app);
    try {
      const spent = browser(app);
      expect((await postReport(spent, await openReportForm(spent), { ...validReport, acceptRules: '' })).status).toBe(422);

      const answer = await sendSlowlyWithLargeFiles(server.url);
      expect(answer.status).toBe(429);
      expect(answer.text).toContain(validReport.description);
      expect(answer.text).toContain(chooseFilesAgain);
      expect(answer.sentBytes).toBeLessThan(answer.totalBytes / 4);
    } finally {
      await server.close();
    }
  });
});

describe('the intake queue', () => {
  it('when the queue is full, then the form comes back with everything typed, says that nothing was sent and when to try again, and asks for the files again', async () => {
    const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', REPORT_INTAKE_CONCURRENCY: '1', REPORT_INTAKE_QUEUE: '0' });
    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#336699' } }).jpeg().toBuffer();
    const reporters = await Promise.all([1, 2, 3].map(async () => {
      const agent = browser(app);
      return { agent, form: await openReportForm(agent) };
    }));
    const cases = await Case.countDocuments();

    const answers = await Promise.all(reporters.map(({ agent, form }) =>
      postReport(agent, form, validReport, [{ bytes: photo, filename: 'photo.jpg', contentType: 'image/jpeg' }])));

    const accepted = answers.filter((answer) => answer.status === 200 && trackingCodeIn(answer.text));
    const refused = answers.filter((answer) => answer.status === 503);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length + refused.length).toBe(3);
    for (const answer of refused) {
      expect(answer.text).toContain(nothingSent);
      expect(answer.text).toMatch(/请在\d+分钟后/);
      expect(answer.text).toContain(chooseFilesAgain);
      expect(answer.text).toContain(validReport.description);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(trackingCodeIn(answer.text)).toBeUndefined();
    }
    expect(await Case.countDocuments()).toBe(cases + accepted.length);
  });
});

interface SlowAnswer {
  status: number;
  text: string;
  sentBytes: number;
  totalBytes: number;
}

/**
 * Sends the form's fields, then five files of 9 MB, all announced in
 * Content-Length but written 64 kB at a time, each piece only once the last
 * has left (about 6 MB a second); stops writing once the answer has arrived.
 */
async function sendSlowlyWithLargeFiles(baseUrl: string): Promise<SlowAnswer> {
  const formPage = await fetch(`${baseUrl}/report`);
  const cookie = formPage.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  const form: FormPage = hiddenFields(await formPage.text());
  const boundary = '----qingfeng-large-files';
  const fields = { _csrf: form.csrf, formToken: form.formToken, ...validReport };
  const text = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('');
  const file = (index: number) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="scan${index}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    ...Array.from({ length: 144 }, () => Buffer.alloc(64 * 1024, 0x41)),
    Buffer.from('\r\n'),
  ];
  const pieces = [Buffer.from(text), ...[1, 2, 3, 4, 5].flatMap(file), Buffer.from(`--${boundary}--\r\n`)];
  const totalBytes = pieces.reduce((sum, piece) => sum + piece.length, 0);

  return new Promise<SlowAnswer>((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const request = http.request(`${baseUrl}/report?_csrf=${encodeURIComponent(form.csrf)}`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(totalBytes), Cookie: cookie },
    }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), sentBytes, totalBytes });
        request.destroy();
      });
    });
    request.on('error', (error) => (answered ? undefined : reject(error)));
    const giveUp = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer after ${sentBytes} of ${totalBytes} bytes`));
    }, 30_000);
    request.on('close', () => clearTimeout(giveUp));

    const writeNext = (index: number): void => {
      if (answered || request.destroyed) return;
      if (index === pieces.length) {
        request.end();
        return;
      }
      sentBytes += pieces[index].length;
      request.write(pieces[index], () => setTimeout(() => writeNext(index + 1), 10));
    };
    writeNext(0);
  });
}
