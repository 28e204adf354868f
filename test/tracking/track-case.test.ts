import sharp from 'sharp';
import { CaseMessage } from '../../server/cases/case-message.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase, openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { addFormFields, lookUp, lookUpOk, withoutEchoedCode } from '../helpers/tracking';

const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000' });
let code: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const agent = browser(app);
  const page = await postReport(agent, await openReportForm(agent), validReport).expect(200);
  code = trackingCodeIn(page.text)!;
});
afterAll(dropTestDatabase);

describe('following a case with the code', () => {
  it('when the reporter enters the code, then the stage, dates and answer deadline are shown, and nothing about who they are', async () => {
    const page = await lookUpOk(browser(app), code);
    expect(page.text).toContain('已收到，待受理');
    expect(page.text).toContain('决定是否受理，预计不晚于');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).not.toContain('TZ-');
  });

  it('when the code is typed with spaces, hyphens or full-width digits, then it still opens the case', async () => {
    const spaced = code.replace(/(\d{4})(?=\d)/g, '$1 ');
    const fullWidth = [...code].map((digit) => String.fromCharCode(0xff10 + Number(digit))).join('');
    for (const variant of [spaced, code.replace(/(\d{4})(?=\d)/g, '$1-'), fullWidth]) {
      const page = await lookUpOk(browser(app), variant);
      expect(page.text).toContain('已收到，待受理');
    }
  });

  it('when the code is wrong, malformed or unknown, then the answers are identical', async () => {
    const agent = browser(app);
    const wrongDigit = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    const bodies = new Set<string>();
    for (const attempt of [wrongDigit, '1234', 'abcdefghijklmnop', '', '9'.repeat(40), '0000000000000000', '0'.repeat(20)]) {
      const page = await lookUp(agent, attempt);
      expect(page.status).toBe(200);
      bodies.add(withoutEchoedCode(page.text));
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).toContain('没有找到与此查询码对应的案件');
  });

  it('when the reporter adds information with a photo, then it is stored sealed and appears in their conversation', async () => {
    const agent = browser(app);
    const casePage = await lookUpOk(agent, code);
    const fields = addFormFields(casePage.text);
    const photo = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#123456' } }).png().toBuffer();
    const added = await agent
      .post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`)
      .field('_csrf', fields.csrf)
      .field('code', fields.code)
      .field('message', '补充：对方又打电话催促，留言编号 ADDED-INFO-5521。')
      .attach('evidence', photo, { filename: 'note.png', contentType: 'image/png' })
      .expect(303);
    // Answered with a redirect (POST/redirect/GET): a reload shows the page and posts nothing again.
    expect(added.headers.location).toBe('/track/case?added=1');
    const shown = await agent.get('/track/case?added=1').expect(200);
    expect(shown.text).toContain('您补充的信息已安全保存');
    expect(shown.text).toContain('ADDED-INFO-5521');
    expect(await agent.get('/track/case?added=1').expect(200).then((page) => page.text.split('ADDED-INFO-5521').length - 1)).toBe(1);
    expect(await dumpDatabase()).not.toContain('ADDED-INFO-5521');
    const again = await lookUpOk(browser(app), code);
    expect(again.text).toContain('ADDED-INFO-5521');
    expect(again.text).toContain('1个文件');
  });

  it('when a message contains the reporter\'s own code, then it is refused with a warning and nothing is stored', async () => {
    const agent = browser(app);
    const fields = addFormFields((await lookUp(agent, code)).text);
    const before = await CaseMessage.countDocuments();
    const spacedCode = code.replace(/(\d{4})(?=\d)/g, '$1 ');
    const refused = await agent.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', fields.code).field('message', `我的查询码是 ${spacedCode}，请核对`).expect(422);
    expect(refused.text).toContain('内容中包含您的查询码');
    expect(await CaseMessage.countDocuments()).toBe(before);
  });

  it('when the add form is posted with a wrong code, then nothing is stored and the answer is the not-found page', async () => {
    const agent = browser(app);
    const fields = addFormFields((await lookUp(agent, code)).text);
    const before = await CaseMessage.countDocuments();
    const refused = await agent.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', '1111222233334444').field('message', '试图向别人的案件写入内容').expect(200);
    expect(refused.text).toContain('没有找到与此查询码对应的案件');
    expect(await CaseMessage.countDocuments()).toBe(before);
  });

  it('when the page is in English, then the case is described in English', async () => {
    const agent = browser(app);
    await agent.get('/').set('Cookie', 'qf_lang=en');
    const page = await lookUpOk(agent.set('Cookie', 'qf_lang=en'), code);
    expect(page.text).toContain('Received, awaiting a decision');
  });
});

describe('guessing codes', () => {
  it('when a client keeps guessing, then it gets the 429 page in its language', async () => {
    const limited = buildTestApp({ TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '3' }).app;
    const agent = browser(limited);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await lookUp(agent, `000000000000000${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const page = await lookUp(agent, code);
    expect(page.status).toBe(429);
    expect(page.text).toContain('操作过于频繁');
  });
});

describe('what the reporter wrote, as they wrote it', () => {
  it('when a description has several lines, then the reporter\'s page shows each line as typed, without the indentation of the page\'s template', async () => {
    const agent = browser(app);
    const description = '第一行：窗口工作人员推诿。\n第二行：让我明天再来。\n    第三行本来就有四个空格。';
    const page = await postReport(agent, await openReportForm(agent), { ...validReport, description }).expect(200);
    const view = await lookUpOk(browser(app), trackingCodeIn(page.text)!);
    const shown = [...view.text.matchAll(/class="message-body">([^<]*)</g)].map((match) => match[1]);
    expect(shown).toContain(description);
  });
});
