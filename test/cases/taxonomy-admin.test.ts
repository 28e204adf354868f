/**
 * Administrators maintain the units and categories the report form offers,
 * over HTTP as a browser would; residents see the change on /report.
 */
import type request from 'supertest';
import { AuditEntry } from '../../server/audit/audit.model';
import { Category } from '../../server/cases/taxonomy/category.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { Unit } from '../../server/cases/taxonomy/unit.model';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { countDocuments, openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { createAccount, signIn, type TestAccount } from '../staff/staff-helpers';

const { app, config } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100' });
let admin: TestAccount;
let agent: request.Agent;
let token: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  admin = await createAccount(config, { roles: ['admin'] });
  agent = browser(app);
  await signIn(agent, admin);
  token = await csrfTokenFrom(agent, '/staff/admin/taxonomy');
});
afterAll(dropTestDatabase);

const reportForm = async () => (await browser(app).get('/report').expect(200)).text;

async function submitWith(fields: Record<string, string>): Promise<request.Response> {
  const reporter = browser(app);
  return postReport(reporter, await openReportForm(reporter), { ...validReport, ...fields });
}

describe('units and categories', () => {
  it('when an administrator adds a unit, then the report form offers it at once and a report about it is accepted', async () => {
    const added = await agent.post('/staff/admin/taxonomy/units').type('form')
      .send({ _csrf: token, code: 'zjj', nameZh: '区住建局', nameEn: 'District Housing and Construction Bureau', order: '5', active: 'yes' });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/staff/admin/taxonomy?done=added#units');
    expect(await reportForm()).toContain('<option value="zjj" >区住建局</option>');
    const english = await browser(app).get('/report').set('Cookie', 'qf_lang=en').expect(200);
    expect(english.text).toContain('District Housing and Construction Bureau');
    const page = await submitWith({ unit: 'zjj' });
    expect(page.status).toBe(200);
    expect(trackingCodeIn(page.text)).toBeDefined();
    expect(await AuditEntry.findOne({ action: 'taxonomy.entryAdded', actor: admin.id }).lean()).toMatchObject({ details: { list: 'units', code: 'zjj', active: true } });
  });

  it('when a category is switched off, then the form stops offering it and refuses it, while staff still see its name', async () => {
    const edit = await agent.get('/staff/admin/taxonomy/categories/favours').expect(200);
    expect(edit.text).toContain('value="吃拿卡要"');
    await agent.post('/staff/admin/taxonomy/categories/favours').type('form')
      .send({ _csrf: token, nameZh: '吃拿卡要', nameEn: 'Asking for favours or bribes', group: 'arbitrary', order: '4' })
      .expect(303);
    expect(await reportForm()).not.toContain('value="favours"');
    const before = await countDocuments();
    const refused = await submitWith({ category: 'favours' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('请从列表中选择');
    expect(await countDocuments()).toEqual(before);
    const lists = await agent.get('/staff/admin/taxonomy').expect(200);
    expect(lists.text).toMatch(/favours<\/a><\/td>\s*<td lang="zh-CN">吃拿卡要<\/td>[\s\S]*?已停用/);

    await agent.post('/staff/admin/taxonomy/categories/favours').type('form')
      .send({ _csrf: token, nameZh: '吃拿卡要', nameEn: 'Asking for favours or bribes', group: 'arbitrary', order: '4', active: 'yes' })
      .expect(303);
    expect(await reportForm()).toContain('value="favours"');
  });

  it('when a unit is renamed, then the form shows the new name and cases keep their code', async () => {
    await agent.post('/staff/admin/taxonomy/units/xzspj').type('form')
      .send({ _csrf: token, nameZh: '区行政审批局（政务服务中心）', nameEn: 'District Administrative Approval Bureau', order: '7', active: 'yes' })
      .expect(303);
    expect(await reportForm()).toContain('区行政审批局（政务服务中心）');
    expect((await Unit.findOne({ code: 'xzspj' }).lean())!.order).toBe(7);
  });

  it('when the input is wrong, then the administrator is told in their language and nothing changes', async () => {
    const before = JSON.stringify([await Unit.find().sort({ code: 1 }).lean(), await Category.find().sort({ code: 1 }).lean()]);
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['/staff/admin/taxonomy/units', { code: 'Bad Code', nameZh: '某局', nameEn: 'A bureau', order: '1' }, 422, '代码须为 2 至 40 个小写字母'],
      ['/staff/admin/taxonomy/units', { code: 'none', nameZh: '某局', nameEn: 'A bureau', order: '1' }, 422, '代码须为'],
      ['/staff/admin/taxonomy/units', { code: 'gaj', nameZh: '又一个公安局', nameEn: 'Another', order: '1' }, 409, '该代码已被使用'],
      ['/staff/admin/taxonomy/units', { code: 'abc', nameZh: '', nameEn: 'A bureau', order: '1' }, 422, '中文和英文名称必填'],
      ['/staff/admin/taxonomy/categories', { code: 'abc', nameZh: '某类', nameEn: 'Some', order: '1', group: 'nonsense' }, 422, '代码须为'],
      ['/staff/admin/taxonomy/units/other', { nameZh: '其他', nameEn: 'Other', order: '99' }, 409, '“其他”必须始终提供'],
      ['/staff/admin/taxonomy/units/gaj', { nameZh: '区公安局', nameEn: 'Police', order: '-3', active: 'yes' }, 422, '顺序为 0 至 9999'],
      ['/staff/admin/taxonomy/units', { code: 'abc', nameZh: '某局', nameEn: 'A bureau', order: '' }, 422, '顺序为 0 至 9999'],
    ];
    for (const [path, fields, status, message] of cases) {
      const response = await agent.post(path).type('form').send({ _csrf: token, ...fields });
      expect([path, response.status]).toEqual([path, status]);
      expect(response.text).toContain(message);
      expect(response.text).not.toMatch(/at \w+ \(|node_modules/);
    }
    await agent.post('/staff/admin/taxonomy/units').type('form').send({ _csrf: token, code: 'abc', nameZh: 'x', nameEn: 'x', order: '1', role: 'admin' }).expect(400);
    await agent.post('/staff/admin/taxonomy/units/abc').type('form').send({ _csrf: token, nameZh: 'x', nameEn: 'x', order: '1' }).expect(404);
    await agent.post('/staff/admin/taxonomy/people').type('form').send({ _csrf: token, code: 'abc', nameZh: 'x', nameEn: 'x', order: '1' }).expect(404);
    await agent.post('/staff/admin/taxonomy/units').type('form').send({ code: 'abc', nameZh: 'x', nameEn: 'x', order: '1' }).expect(403);
    expect(JSON.stringify([await Unit.find().sort({ code: 1 }).lean(), await Category.find().sort({ code: 1 }).lean()])).toBe(before);
  });

  it('when someone other than an administrator tries, then they are refused', async () => {
    const supervisor = browser(app);
    await signIn(supervisor, await createAccount(config, { roles: ['supervisor', 'intake', 'handler', 'custodian'] }));
    await supervisor.get('/staff/admin/taxonomy').expect(403);
    const supervisorToken = await csrfTokenFrom(supervisor, '/staff');
    await supervisor.post('/staff/admin/taxonomy/units').type('form')
      .send({ _csrf: supervisorToken, code: 'sneaky', nameZh: '某局', nameEn: 'A bureau', order: '1', active: 'yes' })
      .expect(403);
    const visitor = await browser(app).get('/staff/admin/taxonomy');
    expect(visitor.status).toBe(303);
    expect(await Unit.countDocuments({ code: 'sneaky' })).toBe(0);
  });
});
