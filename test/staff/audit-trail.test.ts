import mongoose from 'mongoose';
import { AuditAction, AuditEntry, AuditHead } from '../../server/audit/audit.model';
import { genesisHash, hashOf, recordAudit } from '../../server/audit/audit.service';
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

  it('when the trail is long, then a search reads back a bounded number of entries, says how far it looked, and finds older ones by their dates', async () => {
    const { agent } = await supervisor();
    const head = (await AuditHead.findById('audit').lean())!;
    let prevHash = (await AuditEntry.findById(String(head.seq)).lean())!.hash;
    const entries = [];
    for (let seq = head.seq + 1; seq <= head.seq + 1_300; seq += 1) {
      const rare = seq === head.seq + 1;
      const fields = { seq, at: new Date(rare ? '2027-01-05T10:00:00+08:00' : '2027-06-01T10:00:00+08:00'), actor: 'system', action: rare ? 'test.rare' : 'test.bulk', details: {}, prevHash };
      prevHash = hashOf(fields);
      entries.push({ _id: String(seq), ...fields, hash: prevHash });
    }
    await mongoose.connection.collection('audit_entries').insertMany(entries as never[]);
    await AuditHead.updateOne({ _id: 'audit' }, { $set: { seq: head.seq + 1_300 } });
    await AuditAction.insertMany([{ _id: 'test.rare' }, { _id: 'test.bulk' }]);

    const unbounded = await agent.get('/staff/audit?action=test.rare').expect(200);
    expect(rowCount(unbounded.text)).toBe(0);
    expect(unbounded.text).toContain('只检索了最近的 1,000 条记录（最早到 2027-06-01');
    const dated = await agent.get('/staff/audit?action=test.rare&from=2027-01-01&to=2027-01-31').expect(200);
    expect(rowCount(dated.text)).toBe(1);
    expect(dated.text).toContain('test.rare</code>');
    expect(dated.text).not.toContain('只检索了最近的');
    expect(dated.text).toContain('<option value="test.rare"');
  });

  it('when entries were written before entries were keyed (ObjectId ids), then a page that reaches back to them lists them after the newer ones', async () => {
    await AuditEntry.deleteMany({});
    await AuditHead.deleteMany({});
    let prevHash = genesisHash;
    for (let seq = 1; seq <= 3; seq += 1) {
      const fields = { seq, at: new Date(), actor: 'system', action: 'test.legacy', details: {}, prevHash };
      prevHash = hashOf(fields);
      await mongoose.connection.collection('audit_entries').insertOne({ _id: new mongoose.Types.ObjectId(), ...fields, hash: prevHash } as never);
    }
    await AuditHead.create({ _id: 'audit', seq: 3 });
    await recordAudit({ actor: 'system', action: 'test.legacy' });
    const { agent } = await supervisor();
    const page = await agent.get('/staff/audit?action=test.legacy').expect(200);
    expect([...page.text.matchAll(/<tr>\s*<td>(\d+)<\/td>/g)].map((match) => Number(match[1]))).toEqual([4, 3, 2, 1]);
  });
});
