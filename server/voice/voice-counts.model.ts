/**
 * The counters of the reporter's voice, one document per month and kind
 * (`2026-12:rating`, `2026-12:retaliation`), read and written by _id under
 * the month's lock. Each holds one entry per case, so writing a case's entry
 * again (a repeat, a replaced rating) counts it once: the counts are the
 * entries of one document, never a scan of the cases.
 */
import { Schema, model } from 'mongoose';
import { withLock } from '../lib/locks';
import { HttpError } from '../lib/http-error';

export type VoiceKind = 'rating' | 'retaliation';

/** One case's entry: its unit, the value counted (a rating level; '' for a retaliation case) and whether it concerns the commission's own staff. */
export interface VoiceEntry {
  unit: string;
  value: string;
  commission: boolean;
}

const VoiceCounts = model('VoiceCounts', new Schema(
  {
    _id: { type: String, required: true },
    /** JSON { caseId: [unit, value, commission 0/1] } */
    entries: { type: String, default: '{}' },
  },
  { collection: 'voice_counts', versionKey: false },
));

const countsId = (month: string, kind: VoiceKind) => `${month}:${kind}`;

export async function readVoiceEntries(month: string, kind: VoiceKind): Promise<VoiceEntry[]> {
  const doc = await VoiceCounts.findById(countsId(month, kind)).lean();
  return Object.values(parse(doc?.entries)).map(([unit, value, commission]) => ({ unit, value, commission: commission === 1 }));
}

/** Writes (or replaces) one case's entry in its month. */
export async function countVoiceEntry(month: string, kind: VoiceKind, caseId: string, entry: VoiceEntry): Promise<void> {
  const id = countsId(month, kind);
  const done = await withLock(`voice-counts:${id}`, { waitMs: 3_000 }, async () => {
    const entries = parse((await VoiceCounts.findById(id).lean())?.entries);
    entries[caseId] = [entry.unit, entry.value, entry.commission ? 1 : 0];
    await VoiceCounts.replaceOne({ _id: id }, { entries: JSON.stringify(entries) }, { upsert: true });
  });
  if (!done) throw new HttpError(409, 'caseChanged');
}

function parse(stored: string | null | undefined): Record<string, [string, string, number]> {
  return JSON.parse(stored || '{}') as Record<string, [string, string, number]>;
}
