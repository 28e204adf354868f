/**
 * Realistic case documents for the oversight benchmark, written straight to
 * the cases collection in batches. Fields statistics read are realistic
 * (older months mostly closed, recent ones still open; outcomes, measures,
 * working days); sealed fields are dummy bytes of a realistic size.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { stageOrder, type CaseStage } from '../../server/cases/case-stages';
import { dueDateInStage } from '../../server/cases/deadlines';
import { addMonthsToKey } from '../../server/oversight/months';

const units = ['fgw', 'jtj', 'sthjj', 'zzb', 'zfw', 'gaj', 'swj', 'xzspj', 'rsj', 'nyncj', 'gxq', 'lqz', 'pcz', 'jxjd', 'other'];
const unitWeights = [4, 8, 5, 1, 2, 10, 6, 14, 7, 5, 6, 4, 4, 5, 3];
const categories = ['inaction', 'shirking', 'hard-to-get-done', 'formalism', 'incompetence', 'favours', 'unauthorised-fees', 'irregular-enforcement', 'other'];
const categoryWeights = [20, 18, 15, 8, 8, 10, 8, 9, 4];
const measureList = ['talk', 'criticism', 'notice', 'accountability', 'other'];

/** mulberry32: the same cases on every run. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SeedResult {
  months: string[];
  inserted: number;
  seconds: number;
}

export interface SeedOptions {
  batchSize?: number;
  /**
   * How many cases are still open: the newest ones, the rest closed, as in
   * an office that closes most cases (the working set stays the size of the
   * office's hands, whatever the history). Default: by age alone.
   */
  open?: number;
  /** ids of handlers the open cases are shared out to */
  assignees?: readonly string[];
}

/** `total` cases spread over the 24 months ending with `lastMonth`, inserted `batchSize` at a time. */
export async function seedCases(total: number, lastMonth: string, options: SeedOptions | number = {}): Promise<SeedResult> {
  const { batchSize = 2000, open, assignees = [] } = typeof options === 'number' ? { batchSize: options } : options;
  const random = randomSource(20260327);
  const months = Array.from({ length: 24 }, (_, index) => addMonthsToKey(lastMonth, index - 23));
  const started = performance.now();
  const filler = randomBytes(1536);
  let batch: Record<string, unknown>[] = [];
  for (let index = 0; index < total; index += 1) {
    const monthIndex = monthOf(index, total, months.length);
    const stage = open === undefined ? undefined : index >= total - open ? 'open' : 'closed';
    batch.push(caseFor(index, months[monthIndex], months.length - 1 - monthIndex, random, filler, stage, assignees));
    if (batch.length === batchSize || index === total - 1) {
      await Case.collection.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  return { months, inserted: total, seconds: (performance.now() - started) / 1000 };
}

function caseFor(index: number, month: string, age: number, random: () => number, filler: Buffer, stage?: 'open' | 'closed', assignees: readonly string[] = []): Record<string, unknown> {
  const pick = <T>(list: T[], weights?: number[]) => {
    if (!weights) return list[Math.floor(random() * list.length)];
    let roll = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < list.length; i += 1) if ((roll -= weights[i]) < 0) return list[i];
    return list[list.length - 1];
  };
  const day = 1 + Math.floor(random() * 28);
  const receivedDate = `${month}-${String(day).padStart(2, '0')}`;
  const kindRoll = random();
  const kind = kindRoll < 0.8 ? 'complaint' : kindRoll < 0.92 ? 'suggestion' : 'praise';
  const status = stage === 'closed' ? 'closed' : stage === 'open' ? openStageFor(random) : stageFor(age, random);
  const accepted = ['accepted', 'investigating', 'concluded'].includes(status) || (status === 'closed' && random() < 0.85) || (status === 'transferred' && random() < 0.4);
  const daysToAcceptance = accepted ? Math.min(15, Math.floor(random() * random() * 16)) : null;
  const concluded = status === 'concluded' || (status === 'closed' && accepted && random() < 0.9);
  const outcomeRoll = random();
  const outcome = concluded ? (outcomeRoll < 0.35 ? 'substantiated' : outcomeRoll < 0.55 ? 'partlySubstantiated' : 'notSubstantiated') : null;
  const acceptedDate = accepted ? `${month}-${String(Math.min(28, day + 3)).padStart(2, '0')}` : null;
  const concludedDate = concluded ? `${addMonthsToKey(month, 1)}-15` : null;
  const acceptDueDate = `${addMonthsToKey(month, 1)}-05`;
  return {
    _id: new Types.ObjectId(),
    reference: `TZ-${month.slice(0, 4)}-${String(index + 1).padStart(6, '0')}`,
    lookupId: `bench-${index}`,
    kind,
    reporterType: pick(['resident', 'business', 'undisclosed'], [60, 30, 10]),
    unitCode: pick(units, unitWeights),
    categoryCode: kind === 'complaint' ? pick(categories, categoryWeights) : 'none',
    concernsCommission: random() < 0.01,
    status,
    hasIdentity: random() < 0.3,
    attachmentCount: 0,
    attachmentIds: [],
    priority: 'normal',
    assigneeId: assignees.length > 0 && ['accepted', 'investigating', 'concluded'].includes(status) ? assignees[index % assignees.length] : null,
    receivedAt: new Date(`${receivedDate}T03:00:00Z`),
    receivedDate,
    monthKey: month,
    acceptDueDate,
    dueDate: dueDateInStage(status, { acceptDueDate, acceptedDate, concludedDate }),
    stageOrder: stageOrder[status as CaseStage],
    relatedReferences: [],
    acceptedDate,
    concludedDate,
    workingDaysToAcceptance: daysToAcceptance,
    workingDaysToConclusion: concluded ? 8 + Math.floor(random() * random() * 80) : null,
    outcome,
    measures: outcome && outcome !== 'notSubstantiated' ? measureList.filter(() => random() < 0.3) : [],
    keys: { sealedForCommission: { keyId: 'bench', ephemeralPublicKey: 'bench', box: 'bench' }, wrappedForReporter: 'bench' },
    sealed: { report: filler, identity: null },
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

/** Months are not all alike: volumes follow a yearly swell (±20%), still adding up to `total`. */
function monthOf(index: number, total: number, months: number): number {
  const weights = Array.from({ length: months }, (_, month) => 1 + 0.2 * Math.sin((month / 12) * 2 * Math.PI));
  const sum = weights.reduce((a, b) => a + b, 0);
  let edge = 0;
  for (let month = 0; month < months; month += 1) {
    edge += (weights[month] / sum) * total;
    if (index < edge) return month;
  }
  return months - 1;
}

function openStageFor(random: () => number): string {
  const roll = random();
  return roll < 0.25 ? 'new' : roll < 0.45 ? 'accepted' : roll < 0.75 ? 'investigating' : roll < 0.85 ? 'concluded' : roll < 0.93 ? 'declined' : 'transferred';
}

function stageFor(age: number, random: () => number): string {
  const roll = random();
  if (age <= 0) return roll < 0.35 ? 'new' : roll < 0.55 ? 'accepted' : roll < 0.75 ? 'investigating' : roll < 0.85 ? 'declined' : roll < 0.92 ? 'transferred' : 'concluded';
  if (age <= 2) return roll < 0.05 ? 'new' : roll < 0.15 ? 'accepted' : roll < 0.35 ? 'investigating' : roll < 0.45 ? 'declined' : roll < 0.52 ? 'transferred' : roll < 0.8 ? 'concluded' : 'closed';
  return roll < 0.02 ? 'investigating' : roll < 0.1 ? 'concluded' : roll < 0.18 ? 'declined' : roll < 0.24 ? 'transferred' : 'closed';
}
