import request from 'supertest';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

const { app, logLines } = buildTestApp();

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

describe('CSRF protection', () => {
  it('when a form is posted without a token, then it is refused with 403 and the language does not change', async () => {
    const agent = browser(app);
    await agent.get('/').expect(200);
    const refused = await agent.post('/language').type('form').send({ lang: 'en', returnTo: '/' }).expect(403);
    expect(refused.text).toContain('页面已过期');
    expect(String(refused.headers['set-cookie'] ?? '')).not.toContain('qf_lang=');
    const page = await agent.get('/').expect(200);
    expect(page.text).toContain('<html lang="zh-CN">');
  });

  it('when a token from another browser is used, then it is refused', async () => {
    const attacker = browser(app);
    const stolen = await csrfTokenFrom(attacker, '/');
    const victim = browser(app);
    await victim.get('/').expect(200);
    await victim.post('/language').type('form').send({ _csrf: stolen, lang: 'en', returnTo: '/' }).expect(403);
  });

  it('when a GET carries form fields, then nothing changes (no state change over GET)', async () => {
    const response = await request(app).get('/language?lang=en&returnTo=/').expect(404);
    expect(String(response.headers['set-cookie'] ?? '')).not.toContain('qf_lang=');
  });
});

describe('logs', () => {
  it('when requests come with addresses, agents, referrers and query strings, then none of them is logged', async () => {
    logLines.length = 0;
    await request(app)
      .get('/privacy?code=1234567812345678&email=someone%40example.com')
      .set('User-Agent', 'SecretBrowser/9.9')
      .set('Referer', 'https://referrer.example/secret-path')
      .set('X-Forwarded-For', '203.0.113.77')
      .set('Cookie', 'qf_lang=zh; tracking=9999888877776666')
      .expect(200);
    const agent = browser(app);
    const token = await csrfTokenFrom(agent, '/');
    await agent.post('/language').type('form').set('User-Agent', 'SecretBrowser/9.9').send({ _csrf: token, lang: 'en', returnTo: '/', note: 'my name is Zhang San' });

    const logged = logLines.join('');
    expect(logLines.length).toBeGreaterThanOrEqual(3);
    for (const secret of ['127.0.0.1', '::ffff', '203.0.113.77', 'SecretBrowser', 'referrer.example', '1234567812345678', 'someone', 'tracking', '9999888877776666', 'Zhang San', token]) {
      expect(logged).not.toContain(secret);
    }
    const line = JSON.parse(logLines.find((entry) => entry.includes('"route":"/privacy"'))!);
    expect(line).toEqual(expect.objectContaining({ method: 'GET', route: '/privacy', status: 200, msg: 'request' }));
    expect(typeof line.requestId).toBe('string');
    expect(typeof line.latencyMs).toBe('number');
  });
});
