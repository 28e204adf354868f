import { AuditEntry } from '../../server/audit/audit.model';
import { recordAudit } from '../../server/audit/audit.service';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signIn } from './staff-helpers';

const { app, config } = buildTestApp();

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

async function supervisor() {
  const account = await createAccount(config, { roles: ['supervisor'], name: '审核员甲' });
  const agent = browser(app);
  await signIn(agent, account);
  return { agent, account };
}

// Handlebars writes = and & in attributes as &#x3D; and &amp;.
function links(page: string): string[] {
  return [...page.matchAll(/href="([^"]+)"/g)].map((match) => match[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));
}

function rowCount(page: string): number {
  return (page.match(/<tr>\s*<td>\d+<\/td>/g) ?? []).length;
}

describe('the audit trail page', () => {
  it('when a supervisor filters by action, actor or case reference, then only matching entries are listed, with names for actors', async () => {
    const { agent, account } = await supervisor();
    await recordAudit({ actor: account.id, action: 'case.viewed', caseId: 'c1', caseRef: 'TZ-2026-00001' });
    await recordAudit({ actor: account.id, action: 'case.viewed', caseId: 'c2', caseRef: 'TZ-2026-00002' });
    await recordAudit({ actor: 'system', action: 'identity.opened', caseRef: 'TZ-2026-00002', details: { reasonCode: 'investigation' } });

    const byAction = await agent.get('/staff/audit?action=case.viewed').expect(200);
    expect(rowCount(byAction.text)).toBe(2);
    expect(byAction.text).toContain('审核员甲');
    expect(byAction.text).not.toContain('identity.opened</code>');

    const byCase = await agent.get('/staff/audit?caseRef=TZ-2026-00002').expect(200);
    expect(rowCount(byCase.text)).toBe(2);
    expect(byCase.text).toContain('reasonCode: investigation');

    const byActor = await agent.get('/staff/audit?actor=system').expect(200);
    expect(byActor.text).toContain('identity.opened</code>');
    expect(byActor.text).not.toContain('case.viewed</code>');
  });

  it('when a date range is given, then it is read in China time and entries outside it are left out', async () => {
    const { agent } = await supervisor();
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await recordAudit({ actor: 'system', action: 'test.dated' });
    expect(rowCount((await agent.get(`/staff/audit?action=test.dated&from=${today}&to=${today}`).expect(200)).text)).toBe(1);
    expect(rowCount((await agent.get('/staff/audit?action=test.dated&from=2020-01-01&to=2020-01-31').expect(200)).text)).toBe(0);
    const refused = await agent.get('/staff/audit?from=yesterday').expect(422);
    expect(refused.text).toContain('请输入有效日期');
  });

  it('when there are more entries than fit on a page, then the pages link to each other keeping the filters', async () => {
    const { agent } = await supervisor();
    for (let i = 0; i < 55; i += 1) await recordAudit({ actor: 'system', action: 'test.many', details: { i } });
    const first = await agent.get('/staff/audit?action=test.many').expect(200);
    expect(rowCount(first.text)).toBe(50);
    expect(links(first.text)).toContain('/staff/audit?action=test.many&page=2');
    const second = await agent.get('/staff/audit?action=test.many&page=2').expect(200);
    expect(rowCount(second.text)).toBe(5);
    expect(links(second.text)).toContain('/staff/audit?action=test.many&page=1');
    expect(links(second.text)).not.toContain('/staff/audit?action=test.many&page=3');
    expect(await AuditEntry.countDocuments({ action: 'test.many' })).toBe(55);
  });
});
