/**
 * Keeping the monthly roll-up right on MongoDB and on FerretDB, where a
 * read-modify-write is not atomic and only `_id` filters avoid a full scan.
 *
 * - recordCaseInRollup: after a case is stored and after every move. Under
 *   the month's lock, the case's new figures replace the ones last counted
 *   for it, and the difference is added to the counters. A state no newer
 *   (by stage) than the one already counted is ignored, so a late or
 *   repeated call changes nothing. If the lock cannot be had in time, or
 *   anything fails, the month is marked dirty instead: never lost silently.
 * - rebuildRollup: recounts months from the cases (npm run rollup:rebuild,
 *   the first report ever, repairs). Case by case it keeps whichever state
 *   is newer, the one read from the cases or one a move recorded meanwhile,
 *   so it can run while staff work.
 * - repairDirtyMonths: rebuilds the months marked dirty, then clears exactly
 *   the marks it read.
 *
 * A writer that stalls longer than the lock's lifetime (30 s) and then
 * carries on could still write old figures after a repair; the next
 * rollup:rebuild puts that right.
 */
import { trusted } from 'mongoose';
import { Case } from '../cases/case.model';
import { upsertRetryingDuplicates } from '../lib/db';
import { currentMonth, addMonthsToKey } from './months';
import { Rollup, RollupCases, RollupDirty, RollupMeta, rollupMetaId } from './rollup.model';
import { markDirty, withMonthLock } from './rollup-lock';
import {
  addFigures, caseFigureFields, countFigures, decodeMonthCases, dimensions, encodeMonthCases, figuresOfCase, stageOf,
  type CaseFigures, type CaseLike, type Counter, type Dimension, type MonthCounts,
} from './rollup-figures';

const changeLockWaitMs = 3_000;
const rebuildLockWaitMs = 60_000;

export const rollupId = (month: string, dimension: Dimension): string => `${month}:${dimension}`;

export async function recordCaseInRollup(state: CaseLike): Promise<void> {
  try {
    const figures = figuresOfCase(state);
    const applied = await withMonthLock(figures.month, changeLockWaitMs, () => applyCase(figures));
    if (!applied) await markDirty(figures.month, 'lockTimeout');
  } catch {
    // The case itself is stored: its month is recounted later rather than failing the request.
    await markDirty(state.monthKey, 'failed').catch(() => undefined);
  }
}

async function applyCase(figures: CaseFigures): Promise<void> {
  const bucket = bucketId(figures.month, figures.id);
  const cases = decodeMonthCases(figures.month, (await RollupCases.findById(bucket).lean())?.lines);
  const before = cases.get(figures.id);
  if (before && stageOf(before) >= stageOf(figures)) return;
  const delta: MonthCounts = new Map();
  if (before) addFigures(delta, before, -1);
  addFigures(delta, figures, 1);
  pruneUnchanged(delta);
  cases.set(figures.id, figures);
  const stored = await storedCounts(figures.month, [...delta.keys()]);
  for (const [dimension, changes] of delta) {
    const values = stored.get(dimension) ?? new Map<string, Counter>();
    for (const [key, change] of changes) {
      const counter = values.get(key) ?? { n: 0, p: 0 };
      values.set(key, { n: counter.n + change.n, p: counter.p + change.p });
    }
    stored.set(dimension, values);
  }
  await writeCounts(figures.month, stored, new Map());
  await RollupCases.replaceOne({ _id: bucket }, { lines: encodeMonthCases(cases) }, { upsert: true });
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
  if (!options.months) await upsertRetryingDuplicates(() => RollupMeta.replaceOne({ _id: rollupMetaId }, { builtAt: new Date(), firstMonth }, { upsert: true }));
  else if (meta && firstMonth < meta.firstMonth) await RollupMeta.updateOne({ _id: rollupMetaId }, { $set: { firstMonth } });
  return { months, cases };
}

async function rebuildMonth(month: string, fromCases: Map<string, CaseFigures>): Promise<void> {
  const ids = buckets.map((bucket) => `${month}/${bucket}`);
  const storedLines = await Promise.all(ids.map(async (id) => (await RollupCases.findById(id).lean())?.lines ?? ''));
  const merged = new Map(fromCases);
  for (const [id, figures] of decodeMonthCases(month, storedLines.join('\n'))) {
    const read = merged.get(id);
    // Recorded by a move after the scan read this case: the newer state wins.
    if (!read || stageOf(figures) > stageOf(read)) merged.set(id, figures);
  }
  const counts = countFigures(merged.values());
  for (const dimension of dimensions) if (!counts.has(dimension)) counts.set(dimension, new Map());
  await writeCounts(month, counts, await storedCounts(month, [...dimensions]));
  const byBucket = new Map<string, Map<string, CaseFigures>>(ids.map((id) => [id, new Map()]));
  for (const [id, figures] of merged) byBucket.get(bucketId(month, id))!.set(id, figures);
  await Promise.all(ids.map(async (id, index) => {
    const lines = encodeMonthCases(byBucket.get(id)!);
    if (lines !== storedLines[index]) await RollupCases.replaceOne({ _id: id }, { lines }, { upsert: true });
  }));
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
  const marks = await RollupDirty.find({}).lean();
  if (marks.length === 0) return [];
  const months = [...new Set(marks.map((mark) => mark.month))].sort();
  await rebuildRollup({ months });
  await RollupDirty.deleteMany({ _id: trusted({ $in: marks.map((mark) => mark._id) }) });
  return months;
}

let readying: Promise<void> | undefined;

/** The first time ever (no roll-up built yet), rebuild from the cases; once per process at a time. */
export function ensureRollupBuilt(): Promise<void> {
  readying ??= (async () => {
    if (!(await RollupMeta.findById(rollupMetaId).lean())) await rebuildRollup();
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

export async function storedCounts(month: string, wanted: readonly Dimension[]): Promise<MonthCounts> {
  const docs = await Promise.all(wanted.map((dimension) => Rollup.findById(rollupId(month, dimension)).lean()));
  return new Map(wanted.map((dimension, index) => [dimension, parseCounts(docs[index]?.counts)]));
}

/**
 * Writes the dimensions whose counters differ from `before` (missing there:
 * always written), one after the other: on FerretDB's SQLite, writes side by
 * side only wait for each other's lock.
 */
async function writeCounts(month: string, counts: MonthCounts, before: MonthCounts): Promise<void> {
  for (const [dimension, values] of counts) {
    const stored = serialiseCounts(values);
    const old = before.get(dimension);
    if (old && serialiseCounts(old) === stored) continue;
    await Rollup.replaceOne({ _id: rollupId(month, dimension) }, { month, dimension, counts: stored }, { upsert: true });
  }
}

function pruneUnchanged(delta: MonthCounts): void {
  for (const [dimension, changes] of delta) {
    for (const [key, change] of changes) if (change.n === 0 && change.p === 0) changes.delete(key);
    if (changes.size === 0) delta.delete(dimension);
  }
}

/** Counters without zeros, sorted by value, as stored: [[value, n, p], …]. */
export function serialiseCounts(values: Map<string, Counter>): string {
  const list = [...values].filter(([, counter]) => counter.n !== 0 || counter.p !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(list.map(([key, counter]) => [key, counter.n, counter.p]));
}

function parseCounts(stored: string | null | undefined): Map<string, Counter> {
  const list = JSON.parse(stored || '[]') as Array<[string, number, number]>;
  return new Map(list.map(([key, n, p]) => [key, { n, p }]));
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
