import request from 'supertest';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

const { app } = buildTestApp();

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

describe('public pages', () => {
  it('when a visitor opens the home page, then it is in Chinese and offers both main actions and the staff entrance', async () => {
    const page = await request(app).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<html lang="zh-CN">');
    expect(page.text).toContain('清风通州');
    expect(page.text).toContain('href="/report"');
    expect(page.text).toContain('href="/track"');
    expect(page.text).toContain('href="/staff"');
    expect(page.text).toContain('我们从不保存的');
  });

  it('when a visitor opens the privacy notice, then it explains what is stored', async () => {
    const page = await request(app).get('/privacy').expect(200);
    expect(page.text).toContain('隐私说明');
    expect(page.text).toContain('不记录IP地址');
  });

  it('when a visitor switches to English with the form, then the choice is remembered and pages are in English', async () => {
    const agent = browser(app);
    const token = await csrfTokenFrom(agent, '/privacy');
    const switched = await agent.post('/language').type('form').send({ _csrf: token, lang: 'en', returnTo: '/privacy' }).expect(303);
    expect(switched.headers.location).toBe('/privacy');
    const cookie = (switched.headers['set-cookie'] as unknown as string[]).find((line) => line.startsWith('qf_lang='));
    expect(cookie).toMatch(/^qf_lang=en;/);
    const page = await agent.get('/privacy').expect(200);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Privacy notice');
    const back = await agent.get('/').expect(200);
    expect(back.text).toContain('中文');
  });

  it('when the language switch is asked to return to another site, then it returns home instead', async () => {
    const agent = browser(app);
    const token = await csrfTokenFrom(agent, '/');
    for (const returnTo of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const switched = await agent.post('/language').type('form').send({ _csrf: token, lang: 'en', returnTo }).expect(303);
      expect(switched.headers.location).toBe('/');
    }
  });

  it('when an unknown language is asked for, then the request is refused and nothing changes', async () => {
    const agent = browser(app);
    const token = await csrfTokenFrom(agent, '/');
    const refused = await agent.post('/language').type('form').send({ _csrf: token, lang: 'fr', returnTo: '/' }).expect(400);
    expect(refused.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^qf_lang=/)]));
    expect(refused.text).toContain('请求无效');
  });

  it('when a page does not exist, then a 404 page in the visitor\'s language reveals nothing about the software', async () => {
    const page = await request(app).get('/no-such-page').expect(404);
    expect(page.text).toContain('页面不存在');
    const english = await request(app).get('/no-such-page').set('Cookie', 'qf_lang=en').expect(404);
    expect(english.text).toContain('Page not found');
    expect(english.text).not.toMatch(/Error:|at .*\.(ts|js):\d+|express|node_modules/i);
  });
});
