import { Router } from 'express';
import request, { type Response } from 'supertest';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

const failing = Router().get('/test-failure', () => {
  throw new Error('secret detail /srv/qingfeng/server/x.ts:12');
});
const { app, logLines } = buildTestApp({}, { extraRoutes: failing });

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

function expectBaseline(response: Response): void {
  const csp = response.headers['content-security-policy'];
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  it('when the home page is served, then it carries the full baseline and is never cached', async () => {
    const page = await request(app).get('/').expect(200);
    expectBaseline(page);
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('when a page is missing, then the 404 page carries the same headers', async () => {
    const page = await request(app).get('/missing').expect(404);
    expectBaseline(page);
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('when a request body is malformed, then the error page carries the same headers and no details', async () => {
    const page = await request(app).post('/language').set('Content-Type', 'application/x-www-form-urlencoded').set('Content-Encoding', 'bogus').send('a=b').expect(415);
    expectBaseline(page);
    expect(page.text).not.toMatch(/stack|at .*:\d+:\d+/i);
  });

  it('when a body is too large, then a 413 page answers with the same headers', async () => {
    const page = await request(app).post('/language').type('form').send({ lang: 'x'.repeat(200_000) }).expect(413);
    expectBaseline(page);
    expect(page.text).toContain('提交内容过大');
  });

  it('when JSON is posted, then it is refused unread with 415', async () => {
    const page = await request(app).post('/language').send({ lang: 'en' }).expect(415);
    expectBaseline(page);
  });

  it('when a route fails, then the 500 page has the same headers, says nothing about the failure, and the log keeps no message', async () => {
    const page = await request(app).get('/test-failure').expect(500);
    expectBaseline(page);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('系统出现问题');
    expect(page.text).not.toContain('secret detail');
    expect(page.text).not.toMatch(/at .*:\d+:\d+/);
    const logged = logLines.join('');
    expect(logged).toContain('request failed');
    expect(logged).not.toContain('secret detail');
  });

  it('when a static file is served, then it has the baseline and may be cached', async () => {
    const css = await request(app).get('/public/css/site.css').expect(200);
    expectBaseline(css);
    expect(css.headers['cache-control']).toMatch(/max-age=86400/);
  });

  it('when any page is served, then it references no other origin', async () => {
    for (const path of ['/', '/privacy', '/missing']) {
      const page = await request(app).get(path);
      expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });
});
