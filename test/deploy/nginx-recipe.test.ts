/**
 * The shipped proxy recipe (deploy/nginx), as an operator would run it:
 * Debian's nginx with a throw-away certificate in front of the portal in
 * production mode, all on loopback. The test client connects from
 * 127.0.0.2, and nothing nginx writes may name that address, even for the
 * events nginx logs with the client (an upstream that is down, a body over
 * the limit). Debian's nginx must be installed (.ci/run installs it).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import sharp from 'sharp';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { trackingCodeIn, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { freePort, startRecipe, testHost as host, type RunningRecipe } from './start-recipe';

jest.setTimeout(120_000);

const clientAddress = '127.0.0.2';

let recipe: RunningRecipe;
let dir: string;
let certificate: Buffer;
let portal: RunningServer;
let ports: { http: number; https: number };

interface Answer { status: number; headers: http.IncomingHttpHeaders; text: string; protocol?: string | null }

function request(scheme: 'http' | 'https', pathname: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const common = { host: '127.0.0.1', localAddress: clientAddress, path: pathname, method: options.method ?? 'GET', headers: { Host: host, ...options.headers } };
    const call = scheme === 'https'
      ? https.request({ ...common, port: ports.https, ca: certificate, servername: host, agent: false })
      : http.request({ ...common, port: ports.http, agent: false });
    call.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({
        status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8'),
        protocol: scheme === 'https' ? (response.socket as import('node:tls').TLSSocket).getProtocol?.() : undefined,
      }));
    });
    call.on('error', reject);
    call.end(options.body);
  });
}

/** Every file nginx wrote under its folder, as text. */
function everythingNginxWrote(): string {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => path.join(dir, file)).filter((file) => statSync(file).isFile());
  return files.filter((file) => !/\.(pem|conf)$/.test(file)).map((file) => readFileSync(file, 'latin1')).join('\n');
}

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  ports = { http: await freePort(), https: await freePort() };
  const { app } = buildTestApp({ NODE_ENV: 'production', HOST: '127.0.0.1', TRUST_PROXY_HOPS: '1', PUBLIC_URL: `https://${host}`, SMTP_URL: 'smtp://127.0.0.1:9', REPORTS_PER_HOUR_PER_CLIENT: '100' });
  portal = await startServer(app);
  recipe = await startRecipe(Number(new URL(portal.url).port), { address: '127.0.0.1', ...ports });
  ({ dir, certificate } = recipe);
});

afterAll(async () => {
  await recipe?.stop();
  await portal?.close().catch(() => undefined);
  await dropTestDatabase();
});

describe('the nginx recipe in front of the portal', () => {
  it('when a browser asks over plain HTTP, then it is sent to the same page over HTTPS', async () => {
    const answer = await request('http', '/report?lang=en');
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe(`https://${host}/report?lang=en`);
  });

  it('when a page is read over TLS, then it is TLS 1.2 or later, with the portal\'s own security headers and secure cookies, and no version of nginx', async () => {
    const answer = await request('https', '/report');
    expect(answer.status).toBe(200);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(answer.protocol);
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    expect(answer.headers.server).toBe('nginx');
    const cookies = (answer.headers['set-cookie'] ?? []).map((cookie) => cookie.toLowerCase());
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie.startsWith('__host-')).toBe(true);
      expect(cookie).toContain('; secure');
      expect(cookie).toContain('; httponly');
    }
  });

  it('when a report with about 20 MB of photos (two of nearly 10 MB, the most a file may have) is sent through the proxy, then it is accepted and a code is shown', async () => {
    const form = await request('https', '/report');
    const cookies = (form.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const formToken = /name="formToken" value="([^"]+)"/.exec(form.text)![1];
    const photos = [await noisePhoto(), await noisePhoto()];
    expect(photos.reduce((sum, photo) => sum + photo.length, 0)).toBeGreaterThan(18 * 1024 * 1024);
    const boundary = '----qingfeng-recipe';
    const field = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const file = (bytes: Buffer, index: number) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="photo${index}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), bytes, Buffer.from('\r\n')]);
    const body = Buffer.concat([
      field('_csrf', csrf), field('formToken', formToken), ...Object.entries(validReport).map(([name, value]) => field(name, value)),
      ...photos.map(file), Buffer.from(`--${boundary}--\r\n`),
    ]);
    const answer = await request('https', `/report?_csrf=${encodeURIComponent(csrf)}`, {
      method: 'POST', body, headers: { Cookie: cookies, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length) },
    });
    expect(answer.status).toBe(200);
    expect(trackingCodeIn(answer.text)).toMatch(/^\d{20}$/);
  });

  it('when nginx meets a body over its limit and a portal that is down, then it answers 413 and 502 and writes nothing naming the client', async () => {
    const tooLarge = await request('https', '/report', { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(60 * 1024 * 1024) } });
    expect(tooLarge.status).toBe(413);
    await portal.close();
    const down = await request('https', '/report');
    expect(down.status).toBe(502);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nginx writes its log lines asynchronously
    expect(everythingNginxWrote()).not.toContain(clientAddress);
    // The 20 MB report went through without a copy on disk: nginx's temporary folders stayed empty.
    for (const temp of ['body', 'proxy']) expect(readdirSync(path.join(dir, 'temp', temp), { recursive: true }).filter((name) => statSync(path.join(dir, 'temp', temp, String(name))).isFile())).toEqual([]);
  });
});

/** A camera-sized JPEG of noise (it barely compresses), about 9.5 MB: under the 10 MB a file may have. */
function noisePhoto(): Promise<Buffer> {
  const [width, height] = [2080, 1650];
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
}
