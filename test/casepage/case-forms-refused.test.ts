/**
 * Every case action form, refused for what was typed, comes back as the case
 * page with 422, the message beside the field (linked from the summary at the
 * top, the field marked invalid), what was typed kept, and nothing stored;
 * the same action done right redirects (POST/redirect/GET). And the
 * calendar's form keeps its tick, and the retention hold form links its
 * message to its field.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { CaseEvent } from '../../server/cases/case-event.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { createAccount, signIn } from '../staff/staff-helpers';

const app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
let received: string;
let accepted: string;
let supervisor: ReturnType<typeof browser>;
let admin: ReturnType<typeof browser>;
let handlerId: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const references: string[] = [];
  for (let i = 0; i < 2; i += 1) {
    const reporter = browser(app.app);
    const page = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
    references.push((await storedCaseOfPage(page.text))!.reference);
  }
  [received, accepted] = references;
  supervisor = browser(app.app);
  await signIn(supervisor, await createAccount(app.config, { roles: ['supervisor', 'handler'], commissionPrivateKeyPem: app.commissionPrivateKey }));
  handlerId = (await createAccount(app.config, { roles: ['handler'], name: '第二承办' })).id;
  const token = await csrfTokenFrom(supervisor, `/staff/cases/${accepted}`);
  await supervisor.post(`/staff/cases/${accepted}/accept`).type('form').send({ _csrf: token }).expect(303);
  admin = browser(app.app);
  await signIn(admin, await createAccount(app.config, { roles: ['admin'] }));
}, 60_000);
afterAll(dropTestDatabase);

async function stored(): Promise<string> {
  const cases = await Case.find({}).sort({ reference: 1 }).lean();
  return JSON.stringify([cases, await CaseEvent.countDocuments({}), await CaseMessage.countDocuments({}), (await AuditEntry.find({}, { action: 1 }).lean()).filter((entry) => entry.action !== 'case.viewed').length]);
}

// [action, case, the field refused, what was typed into it, the other fields sent]
const refusals: Array<[string, () => string, string, string, Record<string, string | string[]>]> = [
  ['decline', () => received, 'reason', '无', {}],
  ['transfer', () => received, 'authority', '区', {}],
  ['reply', () => received, 'text', '好', {}],
  ['request', () => received, 'text', '请', {}],
  ['note', () => received, 'text', '记', {}],
  ['link', () => received, 'reference', 'TZ-12', {}],
  ['findings', () => accepted, 'text', '查', {}],
  ['conclude', () => accepted, 'summary', '已', { outcome: 'substantiated', measures: ['talk'] }],
];

describe('refused case action forms', () => {
  it.each(refusals)('when the %s form is sent with a wrong value, then 422, the message beside the field and linked from the top, the text kept, nothing stored', async (action, caseOf, field, typed, others) => {
    const reference = caseOf();
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    const before = await stored();
    const page = await supervisor.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token, [field]: typed, ...others }).expect(422);
    const id = `${action}-${field}`;
    expect(page.text).toContain(`<span class="field-error" id="${id}-error">`);
    expect(page.text).toContain(`<a href="#${id}">`);
    expect(page.text).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true"[^>]*aria-describedby="${id}-error"`));
    expect(page.text).toMatch(new RegExp(`id="${id}"[^>]*(value="${typed}"[^>]*>|>${typed}</textarea>)`));
    if (action === 'conclude') {
      expect(page.text).toMatch(/id="outcome-substantiated" name="outcome" value="substantiated" checked/);
      expect(page.text).toMatch(/id="measure-talk" name="measures" value="talk" checked/);
    }
    expect(await stored()).toBe(before);
  });

  it('when an intake officer assigns a handler who is not one, then 422 beside the handler field; assigning a real one redirects and the page then names them', async () => {
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${received}`);
    const before = await stored();
    const page = await supervisor.post(`/staff/cases/${received}/assign`).type('form').send({ _csrf: token, handlerId: 'nobody' }).expect(422);
    expect(page.text).toContain('<span class="field-error" id="assign-handlerId-error">');
    expect(page.text).toContain('<a href="#assign-handlerId">');
    expect(await stored()).toBe(before);
    const done = await supervisor.post(`/staff/cases/${received}/assign`).type('form').send({ _csrf: token, handlerId }).expect(303);
    expect(done.headers.location).toBe(`/staff/cases/${received}?done=assign`);
    expect((await supervisor.get(done.headers.location).expect(200)).text).toContain('第二承办');
  });

  it('when a note is written right, then it redirects to the case page (POST/redirect/GET), and the page shows it', async () => {
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${received}`);
    const done = await supervisor.post(`/staff/cases/${received}/note`).type('form').send({ _csrf: token, text: '已电话联系窗口负责人。' }).expect(303);
    expect(done.headers.location).toMatch(new RegExp(`^/staff/cases/${received}\\?done=note`));
    expect((await supervisor.get(done.headers.location).expect(200)).text).toContain('已电话联系窗口负责人。');
  });

  it('when an administrator puts a case on hold with a malformed reference, then 422, the message beside the field and the summary linking to it, the reference and reason kept', async () => {
    const token = await csrfTokenFrom(admin, '/staff/admin/retention');
    const page = await admin.post('/staff/admin/retention/hold').type('form').send({ _csrf: token, reference: 'TZ-26-1', reason: 'litigation' }).expect(422);
    expect(page.text).toContain('<span class="field-error" id="hold-reference-error">');
    expect(page.text).toContain('<a href="#hold-reference">');
    expect(page.text).toMatch(/id="hold-reference"[^>]*value="TZ-26-1"[^>]*aria-invalid="true"/);
    expect(page.text).toMatch(/<option value="litigation" selected>/);
  });

  it('when an administrator adds a calendar year with a wrong year and the provisional tick, then 422 keeps the tick and what was typed', async () => {
    const token = await csrfTokenFrom(admin, '/staff/admin/calendar');
    const page = await admin.post('/staff/admin/calendar').type('form').send({ _csrf: token, year: '20x7', holidays: '2027-01-01', workdays: '', source: '国办发明电〔2026〕1号', provisional: 'yes' }).expect(422);
    expect(page.text).toMatch(/id="provisional" name="provisional" value="yes" checked/);
    expect(page.text).toContain('value="20x7"');
    expect(page.text).toContain('国办发明电〔2026〕1号');
  });
});
