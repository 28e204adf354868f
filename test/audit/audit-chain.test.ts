import mongoose from 'mongoose';
import { runVerifyAudit } from '../../scripts/verify-audit';
import { AuditEntry, AuditHead } from '../../server/audit/audit.model';
import { genesisHash, hashOf, recordAudit, verifyAuditChain } from '../../server/audit/audit.service';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);
beforeEach(async () => {
  await AuditEntry.deleteMany({});
  await AuditHead.deleteMany({});
});

async function command(): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runVerifyAudit((text) => lines.push(text));
  return { code, output: lines.join('') };
}

async function recordSome(count: number): Promise<void> {
  for (let i = 1; i <= count; i += 1) {
    await recordAudit({ actor: 'system', action: 'test.step', caseRef: `TZ-2026-0000${i}`, details: { step: i, roles: ['handler'], ok: true, note: null } });
  }
}

// Straight to the collection, as someone with database access would.
const raw = () => mongoose.connection.collection('audit_entries');

describe('audit trail', () => {
  it('when entries are recorded, then each carries the next seq and the hash of the one before, and the chain verifies', async () => {
    await recordSome(3);
    const entries = await AuditEntry.find().sort({ seq: 1 }).lean();
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(entries[0].prevHash).toBe(genesisHash);
    expect(entries[1].prevHash).toBe(entries[0].hash);
    expect(entries[2].prevHash).toBe(entries[1].hash);
    for (const entry of entries) expect(hashOf(entry)).toBe(entry.hash);
    await expect(verifyAuditChain()).resolves.toEqual({ ok: true, entries: 3 });
    await expect(command()).resolves.toEqual({ code: 0, output: 'Audit trail intact: 3 entries.\n' });
  });

  it('when many entries are recorded at once, then they take distinct consecutive seqs and still chain', async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => recordAudit({ actor: 'public', action: 'test.parallel', details: { i } })));
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const seqs = (await AuditEntry.find().sort({ seq: 1 }).lean()).map((entry) => entry.seq);
    expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    await expect(verifyAuditChain()).resolves.toEqual({ ok: true, entries: 12 });
  });

  it('when the first entries of a new trail are recorded at once, then none fails on the head being created twice', async () => {
    // The head does not exist yet: every one of these upserts may try to insert it.
    for (let round = 0; round < 3; round += 1) {
      await AuditEntry.deleteMany({});
      await AuditHead.deleteMany({});
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => recordAudit({ actor: 'public', action: 'test.parallel', details: { i } })));
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      await expect(verifyAuditChain()).resolves.toEqual({ ok: true, entries: 8 });
    }
  });

  it("when an entry's action is changed in the database, then verification and the command name that entry", async () => {
    await recordSome(5);
    await raw().updateOne({ seq: 3 }, { $set: { action: 'test.innocent' } });
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: false, firstBrokenSeq: 3 });
    const result = await command();
    expect(result.code).toBe(1);
    expect(result.output).toContain('BROKEN at entry 3');
  });

  it('when an entry is altered and its hash recomputed to match, then the next entry no longer chains to it', async () => {
    await recordSome(4);
    const second = await AuditEntry.findOne({ seq: 2 }).lean();
    const forged = { ...second!, details: { step: 99 } };
    await raw().updateOne({ seq: 2 }, { $set: { details: forged.details, hash: hashOf(forged) } });
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('when an entry in the middle is deleted, then the gap is found', async () => {
    await recordSome(5);
    await raw().deleteOne({ seq: 2 });
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: false, firstBrokenSeq: 2 });
    expect((await command()).code).toBe(1);
  });

  it('when the last entries are deleted, then the head notices them missing', async () => {
    await recordSome(4);
    await raw().deleteMany({ seq: { $gte: 3 } });
    await expect(verifyAuditChain()).resolves.toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('when the head hint is lost, then appending finds the end of the chain by itself', async () => {
    await recordSome(3);
    await AuditHead.deleteMany({});
    await recordAudit({ actor: 'system', action: 'test.after' });
    const last = await AuditEntry.findOne({ seq: 4 }).lean();
    expect(last?.action).toBe('test.after');
    await expect(verifyAuditChain()).resolves.toEqual({ ok: true, entries: 4 });
  });

  it('when entries are recorded, then each is stored under its seq as key, so the end of the chain is found without reading the trail', async () => {
    await recordSome(3);
    expect((await raw().find({}).toArray()).map((entry) => [entry._id, entry.seq])).toEqual([['1', 1], ['2', 2], ['3', 3]]);
    expect(await AuditHead.findById('audit').lean()).toEqual(expect.objectContaining({ seq: 3, keyedFrom: 1 }));
  });

  it('when a trail was written by the older layout (ObjectId ids), then appending goes on from its end and the whole chain verifies', async () => {
    let prevHash = genesisHash;
    for (let seq = 1; seq <= 3; seq += 1) {
      const fields = { seq, at: new Date(), actor: 'system', action: 'test.old', details: { seq }, prevHash };
      prevHash = hashOf(fields);
      await raw().insertOne({ _id: new mongoose.Types.ObjectId(), ...fields, hash: prevHash } as never);
    }
    await AuditHead.create({ _id: 'audit', seq: 3 });
    await Promise.all([recordAudit({ actor: 'system', action: 'test.new' }), recordAudit({ actor: 'system', action: 'test.new' })]);
    expect((await raw().find({ action: 'test.new' }).toArray()).map((entry) => entry._id).sort()).toEqual(['4', '5']);
    // Two appends update the head at once, and FerretDB's updates are read-modify-write: one may overwrite the
    // other's keyedFrom. It is never below the first keyed entry, which is what finding older entries needs.
    expect([4, 5]).toContain((await AuditHead.findById('audit').lean())!.keyedFrom);
    await expect(verifyAuditChain()).resolves.toEqual({ ok: true, entries: 5 });
  });

  it('when an instance of the version before appends between keyed entries (a rolling upgrade), then appending still finds the end and the chain verifies', async () => {
    await recordSome(2);
    const second = (await AuditEntry.findById('2').lean())!;
    const fields = { seq: 3, at: new Date(), actor: 'system', action: 'test.old', details: {}, prevHash: second.hash };
    await raw().insertOne({ _id: new mongoose.Types.ObjectId(), ...fields, hash: hashOf(fields) } as never);
    await AuditHead.updateOne({ _id: 'audit' }, { $set: { seq: 3 } });
    await recordAudit({ actor: 'system', action: 'test.after' });
    expect((await AuditEntry.findById('4').lean())?.action).toBe('test.after');
    await expect(verifyAuditChain()).resolves.toEqual({ ok: true, entries: 4 });
  });

  it('when details hold long free text or nested objects, then the entry is refused and nothing is written', async () => {
    await expect(recordAudit({ actor: 'system', action: 'test.leak', details: { note: 'x'.repeat(201) } })).rejects.toThrow(TypeError);
    await expect(recordAudit({ actor: 'system', action: 'test.leak', details: { nested: { a: 1 } as never } })).rejects.toThrow(TypeError);
    await expect(recordAudit({ actor: 'someone@example.com', action: 'test.leak' })).rejects.toThrow(TypeError);
    expect(await AuditEntry.countDocuments()).toBe(0);
  });
});
