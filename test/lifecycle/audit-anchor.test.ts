/**
 * The anchored audit trail: the monthly report prints the chain's head as
 * HASH@SEQ, and `audit:verify --anchor HASH@SEQ` proves the chain still holds
 * that entry. A database writer who rewrites the chain from an entry onwards,
 * recomputing every hash, passes the plain check but not the anchor's.
 */
import mongoose from 'mongoose';
import { anchorsFrom, runVerifyAudit } from '../../scripts/verify-audit';
import { AuditEntry } from '../../server/audit/audit.model';
import { genesisHash, hashOf, recordAudit, verifyAuditChain } from '../../server/audit/audit.service';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signIn } from '../staff/staff-helpers';

let app: ReturnType<typeof buildTestApp>;
beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp();
});
afterAll(dropTestDatabase);

async function verify(anchors: string[] = []): Promise<{ code: number; output: string }> {
  const parsed = anchorsFrom(anchors.flatMap((anchor) => ['--anchor', anchor]));
  if (typeof parsed === 'string') throw new Error(parsed);
  const lines: string[] = [];
  const code = await runVerifyAudit((text) => lines.push(text), parsed);
  return { code, output: lines.join('') };
}

/** What a writer with database access can do: replace every entry from `fromSeq` on by a consistent forgery. */
async function rewriteChainFrom(fromSeq: number): Promise<void> {
  const raw = mongoose.connection.collection('audit_entries');
  const entries = await AuditEntry.find().sort({ seq: 1 }).lean();
  let prevHash = entries.find((entry) => entry.seq === fromSeq - 1)?.hash ?? genesisHash;
  for (const entry of entries.filter((candidate) => candidate.seq >= fromSeq)) {
    const forged = { seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.seq === fromSeq ? 'test.harmless' : entry.action, caseId: entry.caseId, caseRef: entry.caseRef, details: entry.details, prevHash };
    const hash = hashOf(forged);
    await raw.updateOne({ _id: entry._id as never }, { $set: { action: forged.action, prevHash, hash } });
    prevHash = hash;
  }
}

describe('the anchor in the monthly report', () => {
  it('when a supervisor opens a monthly report, then its foot prints HASH@SEQ of the chain head, which the command accepts, until the chain is rewritten at or before it', async () => {
    for (let step = 1; step <= 3; step += 1) await recordAudit({ actor: 'system', action: 'test.step', details: { step } });
    const supervisor = await createAccount(app.config, { roles: ['supervisor'] });
    const agent = browser(app.app);
    await signIn(agent, supervisor);
    const page = await agent.get('/staff/reports/2026-03').expect(200);
    const printed = /<code class="audit-anchor-value">([0-9a-f]{64})@(\d+)<\/code>/.exec(page.text);
    expect(printed).not.toBeNull();
    const [hash, seq] = [printed![1], Number(printed![2])];
    const head = (await AuditEntry.find().sort({ seq: -1 }).limit(1).lean())[0];
    expect({ hash, seq }).toEqual({ hash: head.hash, seq: head.seq });
    expect(head.action).toBe('report.viewed');
    expect(page.text).toContain('审计记录锚点');

    // Later entries do not disturb an earlier anchor.
    for (let step = 4; step <= 6; step += 1) await recordAudit({ actor: 'system', action: 'test.step', details: { step } });
    const anchor = `${hash}@${seq}`;
    await expect(verify([anchor])).resolves.toEqual({ code: 0, output: expect.stringContaining(`Anchor ${seq} holds`) });

    // A rewrite after the anchored entry leaves it (and all before it) as printed.
    await rewriteChainFrom(seq + 2);
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: true });
    expect((await verify([anchor])).code).toBe(0);

    // A rewrite from an entry before it: the chain is consistent again, only the anchor shows it.
    await rewriteChainFrom(seq - 2);
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: true });
    expect((await verify()).code).toBe(0);
    const checked = await verify([anchor]);
    expect(checked.code).toBe(1);
    expect(checked.output).toContain(`Anchor ${seq} FAILS: entry ${seq} carries another hash`);
  });

  it('when the anchored entry is gone altogether (the chain cut and rebuilt shorter), then the anchor fails as missing', async () => {
    const last = await recordAudit({ actor: 'system', action: 'test.last' });
    await mongoose.connection.collection('audit_entries').deleteOne({ _id: String(last.seq) as never });
    await mongoose.connection.collection('audit_head').updateOne({ _id: 'audit' as never }, { $set: { seq: last.seq - 1 } });
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: true });
    const checked = await verify([`${last.hash}@${last.seq}`]);
    expect(checked.code).toBe(1);
    expect(checked.output).toContain('is not in the trail');
  });

  it('when the anchor argument is not HASH@SEQ, then the command says what it expects', () => {
    expect(anchorsFrom(['--anchor', 'abc@3'])).toEqual(expect.stringContaining('--anchor HASH@SEQ'));
    expect(anchorsFrom(['--anchor'])).toEqual(expect.stringContaining('--anchor HASH@SEQ'));
    expect(anchorsFrom(['--anchr', `${'a'.repeat(64)}@1`])).toEqual(expect.stringContaining('Unknown argument'));
    expect(anchorsFrom(['--anchor', `${'A'.repeat(64)}@12`])).toEqual([{ hash: 'a'.repeat(64), seq: 12 }]);
  });
});
