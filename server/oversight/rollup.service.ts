/**
 * Keeping the monthly roll-up right on MongoDB and on FerretDB, where a
 * read-modify-write is not atomic and only `_id` filters avoid a full scan.
 *
 * - Pending changes: after a case is stored and after every move, the
 *   case's new figures are written as a change (cases/case-changes.ts): one
 *   insert, no lock, so a submission costs the database little. Every few seconds (main.ts)
 *   and before the monthly report is read, the pending changes are folded
 *   in, a month at a time under its lock. Folding in replaces the figures last
 *   counted for each case and adds the difference to the counters; a state
 *   no newer (by stage) than the one already counted is ignored, so a late
 *   or repeated change counts nothing. If anything fails, the month is
 *   marked dirty: never lost silently.
 * - foldInPendingChanges: one lock and one write per counter for many
 *   changes; the monthly report calls it first, so its figures are exact
 *   (the public page, which must not write, waits for the periodic fold).
 * - rebuildRollup: recounts months from the cases (npm run rollup:rebuild,
 *   the first report ever, repairs). Case by case it keeps whichever state
 *   is newer, the one read from the cases or one a move recorded or left
 *   pending meanwhile, so it can run while staff work.
 * - repairDirtyMonths: rebuilds the months marked dirty, then clears exactly
 *   the marks it read.
 *
 * A writer that stalls longer than the lock's lifetime (30 s) and then
 * carries on could still write old figures after a repair; the next
 * rollup:rebuild puts that right.
 */
import mongoose, { trusted } from 'mongoose';
import { Case } from '../cases/case.model';
import { keepDecisionsOfOpenCases } from '../cases/case-migrations';
import { upsertRetryingDuplicates } from '../lib/db';
import { currentMonth, addMonthsToKey } from './months';
import { CaseChange, DirtyMonth, markDirty } from '../cases/case-change.model';
import { RollupCases, RollupMeta, rollupMetaId, rollupVersion } from './rollup.model';
import { pruneUnchanged, storedCounts, writeCounts } from './rollup-counts';
import { withMonthLock } from './rollup-lock';
import { caseFigureFields, decodeMonthCases, encodeMonthCases, figuresOfCase, stageOf, type CaseFigures, type CaseLike } from '../cases/case-figures';
import { addFigures, countFigures, dimensions, type Counter, type Dimension, type MonthCounts } from './rollup-figures';

const changeLockWaitMs = 3_000;
const rebuildLockWaitMs = 60_000;


/** The periodic upkeep: pending changes folded in every few seconds, dirty months recounted now and then. */
export async function foldInWhileConnected(): Promise<void> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) await foldInPendingChanges();
}

export async function repairWhileConnected(): Promise<void> {
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
  await foldInPendingChanges();
  await repairDirtyMonths();
}

/**
 * Folds every pending change into the counters. A month whose lock stays
 * taken keeps its changes for the next fold; the monthly report, which must
 * be exact, asks for such a month to be recounted instead (markTimeouts).
 */
export async function foldInPendingChanges(options: { markTimeouts?: boolean } = {}): Promise<void> {
  const months = new Set((await CaseChange.find({}, { month: 1 }).lean()).map((pending) => pending.month));
  for (const month of [...months].sort()) {
    const folded = await foldInMonth(month, changeLockWaitMs);
    if (!folded && options.markTimeouts) await markDirty(month, 'lockTimeout').catch(() => undefined);
  }
}

/** False only when the lock could not be had within waitMs. */
async function foldInMonth(month: string, waitMs: number): Promise<boolean> {
  try {
    return await withMonthLock(month, waitMs, () => applyPending(month));
  } catch {
    await markDirty(month, 'failed').catch(() => undefined);
    return true;
  }
}

async function applyPending(month: string): Promise<void> {
  // A month marked dirty may hold counters from a fold that failed half-way: applying its
  // changes again could count them twice. Its recount (repairDirtyMonths) takes them in.
  if (await DirtyMonth.exists({ month })) return;
  const pending = await CaseChange.find({ month }).lean();
  if (pending.length === 0) return;
  const changes = [...decodePending(month, pending)].sort((a, b) => stageOf(a) - stageOf(b));
  const bucketIds = [...new Set(changes.map((figures) => bucketId(month, figures.id)))];
  const storedLines = await Promise.all(bucketIds.map(async (id) => (await RollupCases.findById(id).lean())?.lines ?? ''));
  const buckets = new Map(bucketIds.map((id, index) => [id, decodeMonthCases(month, storedLines[index])]));
  const delta: MonthCounts = new Map();
  for (const figures of changes) {
    const cases = buckets.get(bucketId(month, figures.id))!;
    const before = cases.get(figures.id);
    if (before && stageOf(before) >= stageOf(figures)) continue;
    if (before) addFigures(delta, before, -1);
    addFigures(delta, figures, 1);
    cases.set(figures.id, figures);
  }
  pruneUnchanged(delta);
  const stored = await storedCounts(month, [...delta.keys()]);
  for (const [dimension, changesOfDimension] of delta) {
    const values = stored.get(dimension) ?? new Map<string, Counter>();
    for (const [key, change] of changesOfDimension) {
      const counter = values.get(key) ?? { n: 0, p: 0 };
      values.set(key, { n: counter.n + change.n, p: counter.p + change.p });
    }
    stored.set(dimension, values);
  }
  await writeCounts(month, stored, new Map());
  await writeBuckets(bucketIds, buckets, storedLines);
  await clearPending(pending);
}

/** Rewrites the buckets whose lines changed since they were read. */
async function writeBuckets(ids: readonly string[], buckets: ReadonlyMap<string, Map<string, CaseFigures>>, storedLines: readonly string[]): Promise<void> {
  await Promise.all(ids.map(async (id, index) => {
    const lines = encodeMonthCases(buckets.get(id)!);
    if (lines !== storedLines[index]) await RollupCases.replaceOne({ _id: id }, { lines }, { upsert: true });
  }));
}

/** Removes exactly the pending changes that were read and counted. */
async function clearPending(pending: ReadonlyArray<{ _id: unknown }>): Promise<void> {
  if (pending.length > 0) await CaseChange.deleteMany({ _id: trusted({ $in: pending.map((change) => change._id) }) });
}

/** The pending changes' figures, in the order written (a case may have several). */
function decodePending(month: string, pending: ReadonlyArray<{ line: string }>): CaseFigures[] {
  return pending.flatMap((change) => [...decodeMonthCases(month, change.line).values()]);
}

export interface RebuildSummary {
  months: string[];
  cases: number;
}

/** Recounts `months` (all months when omitted) from the cases. */
export async function rebuildRollup(options: { months?: readonly string[] } = {}): Promise<RebuildSummary> {
  const scanned = await scanCases(options.months);
  const meta = await RollupMeta.findById(rollupMetaId).lean();
  const known = meta ? monthsFrom(meta.firstMonth) : [];
  const months = options.months ? [...new Set(options.months)].sort() : [...new Set([...scanned.keys(), ...known])].sort();
  let cases = 0;
  for (const month of months) {
    const fromCases = scanned.get(month) ?? new Map<string, CaseFigures>();
    cases += fromCases.size;
    const done = await withMonthLock(month, rebuildLockWaitMs, () => rebuildMonth(month, fromCases));
    if (!done) throw new Error(`The roll-up of ${month} stayed locked`);
  }
  const firstMonth = [meta?.firstMonth, ...scanned.keys()].filter((month): month is string => Boolean(month)).sort()[0] ?? currentMonth();
  if (!options.months) await upsertRetryingDuplicates(() => RollupMeta.replaceOne({ _id: rollupMetaId }, { builtAt: new Date(), firstMonth, version: rollupVersion }, { upsert: true }));
  else if (meta && firstMonth < meta.firstMonth) await RollupMeta.updateOne({ _id: rollupMetaId }, { $set: { firstMonth } });
  return { months, cases };
}

async function rebuildMonth(month: string, fromCases: Map<string, CaseFigures>): Promise<void> {
  const ids = buckets.map((bucket) => `${month}/${bucket}`);
  const storedLines = await Promise.all(ids.map(async (id) => (await RollupCases.findById(id).lean())?.lines ?? ''));
  const pending = await CaseChange.find({ month }).lean();
  const merged = new Map(fromCases);
  for (const figures of [...decodeMonthCases(month, storedLines.join('\n')).values(), ...decodePending(month, pending)]) {
    const read = merged.get(figures.id);
    // Recorded by a move after the scan read this case: the newer state wins.
    if (!read || stageOf(figures) > stageOf(read)) merged.set(figures.id, figures);
  }
  const counts = countFigures(merged.values());
  for (const dimension of dimensions) if (!counts.has(dimension)) counts.set(dimension, new Map());
  await writeCounts(month, counts, await storedCounts(month, [...dimensions]));
  const byBucket = new Map<string, Map<string, CaseFigures>>(ids.map((id) => [id, new Map()]));
  for (const [id, figures] of merged) byBucket.get(bucketId(month, id))!.set(id, figures);
  await writeBuckets(ids, byBucket, storedLines);
  await clearPending(pending);
}

const buckets = '0123456789abcdef'.split('');

/** The bucket a case's line is kept in: FNV-1a of its id, sixteen ways. */
function bucketId(month: string, caseId: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < caseId.length; index += 1) hash = Math.imul(hash ^ caseId.charCodeAt(index), 0x01000193);
  return `${month}/${buckets[(hash >>> 0) % 16]}`;
}

/** The figures each case of a month was last counted with. */
export async function countedCases(month: string): Promise<Map<string, CaseFigures>> {
  const docs = await Promise.all(buckets.map((bucket) => RollupCases.findById(`${month}/${bucket}`).lean()));
  return decodeMonthCases(month, docs.map((doc) => doc?.lines ?? '').join('\n'));
}

export async function repairDirtyMonths(): Promise<string[]> {
  const marks = await DirtyMonth.find({}).lean();
  if (marks.length === 0) return [];
  const months = [...new Set(marks.map((mark) => mark.month))].sort();
  await rebuildRollup({ months });
  await DirtyMonth.deleteMany({ _id: trusted({ $in: marks.map((mark) => mark._id) }) });
  return months;
}

let readying: Promise<void> | undefined;

/** The first time ever, or after an upgrade that added dimensions, rebuild from the cases; once per process at a time. */
export function ensureRollupBuilt(): Promise<void> {
  readying ??= (async () => {
    const meta = await RollupMeta.findById(rollupMetaId).lean();
    if (meta && (meta.version ?? 1) < 2) await keepDecisionsOfOpenCases();
    if (!meta || (meta.version ?? 1) < rollupVersion) await rebuildRollup();
  })().finally(() => {
    readying = undefined;
  });
  return readying;
}

/** The months from the first with cases up to the current one (empty before the first build). */
export async function rollupMonths(): Promise<string[]> {
  const meta = await RollupMeta.findById(rollupMetaId).lean();
  return meta ? monthsFrom(meta.firstMonth) : [];
}

async function scanCases(months?: readonly string[]): Promise<Map<string, Map<string, CaseFigures>>> {
  const filter = months ? { monthKey: trusted({ $in: [...months] }) } : {};
  const byMonth = new Map<string, Map<string, CaseFigures>>();
  for await (const doc of Case.find(filter, caseFigureFields).lean().cursor({ batchSize: 2000 })) {
    const figures = figuresOfCase(doc as unknown as CaseLike);
    const cases = byMonth.get(figures.month) ?? new Map<string, CaseFigures>();
    cases.set(figures.id, figures);
    byMonth.set(figures.month, cases);
  }
  return byMonth;
}

function monthsFrom(first: string): string[] {
  const months: string[] = [];
  for (let month = first, last = currentMonth(); month <= last; month = addMonthsToKey(month, 1)) months.push(month);
  return months;
}
