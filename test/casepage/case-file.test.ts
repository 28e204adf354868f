/**
 * The case page shows who and for whom: its actions under three headings
 * (decision, talk with the reporter, internal work), the log naming who did
 * or wrote each entry and marking the internal ones; a print view of the
 * case file with no forms, audited as a view; reply templates (常用语) kept
 * by administrators and inserted into a message to the reporter.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { ReplyTemplateList } from '../../server/reply-templates/reply-templates.model';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { createAccount, signIn } from '../staff/staff-helpers';

const app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
let reference: string;
let supervisor: ReturnType<typeof browser>;
let admin: ReturnType<typeof browser>;
let handler: ReturnType<typeof browser>;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const reporter = browser(app.app);
  const page = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
  reference = (await storedCaseOfPage(page.text))!.reference;
  supervisor = browser(app.app);
  await signIn(supervisor, await createAccount(app.config, { roles: ['supervisor'], name: '周审核', commissionPrivateKeyPem: app.commissionPrivateKey }));
  admin = browser(app.app);
  await signIn(admin, await createAccount(app.config, { roles: ['admin'] }));
  handler = browser(app.app);
  await signIn(handler, await createAccount(app.config, { roles: ['handler'], commissionPrivateKeyPem: app.commissionPrivateKey }));
}, 60_000);
afterAll(dropTestDatabase);

/** The part of a page between two markers. */
function between(html: string, from: string, to: string): string {
  const start = html.indexOf(from);
  const end = html.indexOf(to, start + 1);
  return start < 0 ? '' : html.slice(start, end < 0 ? undefined : end);
}

describe('the case page shows who and for whom', () => {
  it('when a supervisor opens a new case, then the actions stand under decision, talk with the reporter (marked 反映人可见) and internal work, each form under its heading', async () => {
    const page = (await supervisor.get(`/staff/cases/${reference}`).expect(200)).text;
    const order = ['id="actions-decision"', 'id="actions-reporter"', 'id="actions-internal"'].map((marker) => page.indexOf(marker));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const decision = between(page, 'id="actions-decision"', 'id="actions-reporter"');
    const reporterPart = between(page, 'id="actions-reporter"', 'id="actions-internal"');
    const internal = page.slice(page.indexOf('id="actions-internal"'));
    for (const action of ['accept', 'decline', 'transfer']) expect(decision).toContain(`/${reference}/${action}"`);
    for (const action of ['reply', 'request']) expect(reporterPart).toContain(`/${reference}/${action}"`);
    expect(reporterPart).toContain('<span class="tag tag-reporter">反映人可见</span>');
    expect(reporterPart).toContain('与反映人沟通');
    for (const action of ['note', 'assign', 'priority', 'link']) expect(internal).toContain(`/${reference}/${action}"`);
    expect(internal).not.toContain(`/${reference}/reply"`);
  });

  it('when staff act and write, then the log names who did each entry, marks notes and a change of priority 内部 and replies 反映人可见, in English too', async () => {
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    await supervisor.post(`/staff/cases/${reference}/accept`).type('form').send({ _csrf: token }).expect(303);
    await supervisor.post(`/staff/cases/${reference}/note`).type('form').send({ _csrf: token, text: '先核对窗口排班表。' }).expect(303);
    await supervisor.post(`/staff/cases/${reference}/reply`).type('form').send({ _csrf: token, text: '您反映的问题已受理，正在核实。' }).expect(303);
    await supervisor.post(`/staff/cases/${reference}/priority`).type('form').send({ _csrf: token, priority: 'high' }).expect(303);
    const page = (await supervisor.get(`/staff/cases/${reference}`).expect(200)).text;
    const timeline = between(page, 'class="timeline case-log"', '</ol>');
    expect(timeline).toContain('受理 · <span class="by">周审核</span></li>');
    expect(timeline).toMatch(/调整优先级 · <span class="by">周审核<\/span> <span class="tag tag-internal">内部<\/span>/);
    const conversation = between(page, 'class="timeline conversation case-log"', '</ol>');
    expect(conversation).toMatch(/内部备注 · <span class="by">周审核<\/span> <span class="tag tag-internal">内部<\/span>/);
    expect(conversation).toMatch(/答复反映人 · <span class="by">周审核<\/span> <span class="tag tag-reporter">反映人可见<\/span>/);
    const english = (await supervisor.get(`/staff/cases/${reference}`).set('Cookie', 'qf_lang=en').expect(200)).text;
    expect(english).toContain('<span class="tag tag-internal">Internal</span>');
    expect(english).toContain('<span class="tag tag-reporter">The reporter reads this</span>');
  });

  it('when a supervisor opens the print view, then the case file is there with its log and no form at all, and the view is audited', async () => {
    const views = await AuditEntry.countDocuments({ action: 'case.viewed' });
    const page = (await supervisor.get(`/staff/cases/${reference}/print`).expect(200)).text;
    const main = between(page, '<main', '</main>');
    expect(main).toContain(`案卷 ${reference}`);
    expect(main).toContain('内部资料　注意保密');
    expect(main).toContain(validReport.description);
    expect(main).toContain('您反映的问题已受理，正在核实。');
    expect(main).toContain('<span class="by">周审核</span>');
    expect(main).not.toContain('<form');
    const entries = await AuditEntry.find({ action: 'case.viewed' }).sort({ seq: 1 }).lean();
    expect(entries).toHaveLength(views + 1);
    expect(entries.at(-1)!.details).toMatchObject({ print: true, unlocked: true });
  });

  it('when a handler not assigned to the case asks for its print view, then it is refused and nothing is shown', async () => {
    const page = await handler.get(`/staff/cases/${reference}/print`);
    expect([403, 404]).toContain(page.status);
    expect(page.text).not.toContain(validReport.description);
  });
});

describe('reply templates (常用语)', () => {
  const first = { title: '受理告知', text: '您好，您反映的问题已收到，我们将依规办理。' };

  it('when an administrator adds, changes and deletes templates, then each redirects, the list shows them, each is audited, and a refused one keeps what was typed', async () => {
    const token = await csrfTokenFrom(admin, '/staff/admin/reply-templates');
    const refused = await admin.post('/staff/admin/reply-templates').type('form').send({ _csrf: token, title: '空白', text: '好' }).expect(422);
    expect(refused.text).toContain('<span class="field-error" id="template-text-error">');
    expect(refused.text).toContain('value="空白"');
    expect(refused.text).toContain('>好</textarea>');
    expect(await ReplyTemplateList.countDocuments({})).toBe(0);

    const added = await admin.post('/staff/admin/reply-templates').type('form').send({ _csrf: token, ...first }).expect(303);
    expect(added.headers.location).toBe('/staff/admin/reply-templates?done=added');
    await admin.post('/staff/admin/reply-templates').type('form').send({ _csrf: token, title: '待删除', text: '这一条会被删除。' }).expect(303);
    const list = (await admin.get('/staff/admin/reply-templates').expect(200)).text;
    expect(list).toContain(first.text);
    const ids = [...list.matchAll(/href="\/staff\/admin\/reply-templates\/([0-9a-f]{12})"/g)].map((match) => match[1]);
    expect(ids).toHaveLength(2);

    const edit = (await admin.get(`/staff/admin/reply-templates/${ids[0]}`).expect(200)).text;
    expect(edit).toContain(first.text);
    const refusedEdit = await admin.post(`/staff/admin/reply-templates/${ids[0]}`).type('form').send({ _csrf: token, title: '', text: '改过的内容。' }).expect(422);
    expect(refusedEdit.text).toContain('<span class="field-error" id="template-title-error">');
    expect(refusedEdit.text).toContain('>改过的内容。</textarea>');
    await admin.post(`/staff/admin/reply-templates/${ids[0]}`).type('form').send({ _csrf: token, title: first.title, text: `${first.text}感谢您的监督。` }).expect(303);
    await admin.post(`/staff/admin/reply-templates/${ids[1]}/delete`).type('form').send({ _csrf: token }).expect(303);
    const after = (await admin.get('/staff/admin/reply-templates').expect(200)).text;
    expect(after).toContain('感谢您的监督。');
    expect(after).not.toContain('这一条会被删除。');

    const audited = await AuditEntry.find({ action: /^replyTemplate\./ }).sort({ seq: 1 }).lean();
    expect(audited.map((entry) => entry.action)).toEqual(['replyTemplate.added', 'replyTemplate.added', 'replyTemplate.changed', 'replyTemplate.deleted']);
    expect(JSON.stringify(audited)).not.toContain(first.text);
    expect(await ReplyTemplateList.countDocuments({})).toBe(1);
  });

  it('when someone without the administrator role opens or posts to the templates page, then 403 and nothing changes', async () => {
    await supervisor.get('/staff/admin/reply-templates').expect(403);
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    await supervisor.post('/staff/admin/reply-templates').type('form').send({ _csrf: token, title: '越权', text: '不应保存。' }).expect(403);
    expect(JSON.stringify(await ReplyTemplateList.find({}).lean())).not.toContain('不应保存。');
  });

  it('when a supervisor picks a template on the reply form, then the form comes back with what was typed and the template after it, nothing sent; sending it then stores the reply', async () => {
    const page = (await supervisor.get(`/staff/cases/${reference}`).expect(200)).text;
    const id = /<option value="([0-9a-f]{12})">受理告知<\/option>/.exec(page)?.[1];
    expect(id).toBeDefined();
    expect(page).toContain(`formaction="/staff/cases/${reference}/reply/template#reply-text"`);
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    const messages = await CaseMessage.countDocuments({});
    const filled = await supervisor.post(`/staff/cases/${reference}/reply/template`).type('form').send({ _csrf: token, text: '张先生：', templateId: id }).expect(200);
    expect(filled.text).toContain(`>张先生：\n\n${first.text}感谢您的监督。</textarea>`);
    const none = await supervisor.post(`/staff/cases/${reference}/reply/template`).type('form').send({ _csrf: token, text: '张先生：', templateId: '' }).expect(422);
    expect(none.text).toContain('<span class="field-error" id="reply-templateId-error">');
    expect(none.text).toContain('>张先生：</textarea>');
    expect(await CaseMessage.countDocuments({})).toBe(messages);
    await supervisor.post(`/staff/cases/${reference}/reply`).type('form').send({ _csrf: token, text: `张先生：\n\n${first.text}`, templateId: id }).expect(303);
    expect(await CaseMessage.countDocuments({})).toBe(messages + 1);
  });
});
