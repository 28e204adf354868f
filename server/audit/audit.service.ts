/**
 * Appending to and checking the audit trail. Each entry's hash covers its
 * own fields and the previous entry's hash (SHA-256 over canonical JSON), so
 * editing an entry breaks its hash and deleting one breaks the sequence.
 *
 * What goes in `details` is decided by the caller and must never be identity,
 * case content, passwords, addresses or codes: only ids, role names, counts,
 * reason codes. The size limits below stop free text from creeping in.
 */
import { createHash } from 'node:crypto';
import { isDuplicateKeyError, upsertRetryingDuplicates } from '../lib/db';
import { AuditAction, AuditEntry, AuditHead, auditKey } from './audit.model';
import { canonicalJson } from './canonical-json';

export type AuditValue = string | number | boolean | null | string[];
export type AuditDetails = Record<string, AuditValue>;

export interface AuditInput {
  /** a staff id, or 'system' (command line, scheduled work) or 'public' (no account) */
  actor: string;
  /** a stable code such as 'staff.signIn' or 'case.viewed' */
  action: string;
  caseId?: string;
  caseRef?: string;
  details?: AuditDetails;
}

export interface ChainResult {
  ok: boolean;
  entries: number;
  firstBrokenSeq?: number;
}

export const genesisHash = '0'.repeat(64);
export const auditHeadId = 'audit';
const maxAttempts = 20;
const limits = { keys: 16, keyLength: 40, stringLength: 200, arrayLength: 20 };

interface ChainEnd {
  seq: number;
  hash: string;
}

export async function recordAudit(input: AuditInput): Promise<ChainEnd> {
  const entry = checkedInput(input);
  const head = await AuditHead.findById(auditHeadId).lean();
  const known: Known = { keyedFrom: head?.keyedFrom ?? undefined, upTo: head?.seq ?? 0 };
  let last = await chainEnd(head, known);
  for (let attempt = 1; ; attempt += 1) {
    const fields = { seq: last.seq + 1, at: new Date(), ...entry, prevHash: last.hash };
    const hash = hashOf(fields);
    try {
      await AuditEntry.create({ _id: auditKey(fields.seq), ...fields, hash });
    } catch (error) {
      // Someone else took this seq: move to the new end of the chain and try again.
      if (!isDuplicateKeyError(error) || attempt >= maxAttempts) throw error;
      known.upTo = Math.max(known.upTo, fields.seq);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      last = await walkForward(last, known);
      continue;
    }
    await upsertRetryingDuplicates(() => AuditHead.updateOne({ _id: auditHeadId }, { $max: { seq: fields.seq }, $min: { keyedFrom: fields.seq } }, { upsert: true }));
    await rememberAction(fields.action);
    return { seq: fields.seq, hash };
  }
}

export async function verifyAuditChain(): Promise<ChainResult> {
  let expected: ChainEnd = { seq: 0, hash: genesisHash };
  let entries = 0;
  for await (const entry of AuditEntry.find().sort({ seq: 1 }).lean().cursor()) {
    entries += 1;
    const seq = expected.seq + 1;
    if (entry.seq !== seq) return { ok: false, entries, firstBrokenSeq: Math.min(seq, entry.seq) };
    if (entry.prevHash !== expected.hash || entry.hash !== hashOf(entry)) return { ok: false, entries, firstBrokenSeq: seq };
    expected = { seq, hash: entry.hash };
  }
  // Entries cut from the end leave no gap; the head still remembers them.
  const head = await AuditHead.findById(auditHeadId).lean();
  if (head && head.seq > expected.seq) return { ok: false, entries, firstBrokenSeq: expected.seq + 1 };
  return { ok: true, entries };
}

/** The hash of an entry as stored or about to be stored; other properties (_id, hash) are ignored. */
export function hashOf(entry: { seq: number; at: Date; actor: string; action: string; caseId?: string | null; caseRef?: string | null; details?: unknown; prevHash: string }): string {
  const hashed = {
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    actor: entry.actor,
    action: entry.action,
    caseId: entry.caseId ?? undefined,
    caseRef: entry.caseRef ?? undefined,
    details: entry.details ?? {},
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/** What an append knows of the chain: the first keyed seq, and a seq that certainly exists (the head's, or one a duplicate key proved). */
interface Known {
  keyedFrom: number | undefined;
  upTo: number;
}

async function chainEnd(head: { seq: number } | null, known: Known): Promise<ChainEnd> {
  const atHead = head ? await entryAt(head.seq, known) : null;
  return walkForward(atHead ? { seq: atHead.seq, hash: atHead.hash } : { seq: 0, hash: genesisHash }, known);
}

// Lookups by _id, usually zero or one step.
async function walkForward(from: ChainEnd, known: Known): Promise<ChainEnd> {
  let end = from;
  for (;;) {
    const next = await entryAt(end.seq + 1, known);
    if (!next) return end;
    end = { seq: next.seq, hash: next.hash };
  }
}

/**
 * By _id. By seq only for an entry of the older layout: below keyedFrom, before
 * any keyed entry, or one that must exist but has no key (written by an
 * instance of the version before while this one ran).
 */
async function entryAt(seq: number, known: Known) {
  const keyed = await AuditEntry.findById(auditKey(seq)).lean();
  if (keyed) return keyed;
  const older = known.keyedFrom === undefined || seq < known.keyedFrom || seq <= known.upTo;
  return older ? AuditEntry.findOne({ seq }).lean() : null;
}

// The action codes the audit screen offers: one document each, written once per process and code.
const remembered = new Set<string>();
async function rememberAction(action: string): Promise<void> {
  if (remembered.has(action)) return;
  try {
    await AuditAction.create({ _id: action });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  remembered.add(action);
}

function checkedInput(input: AuditInput): Required<Pick<AuditInput, 'actor' | 'action' | 'details'>> & Pick<AuditInput, 'caseId' | 'caseRef'> {
  if (!/^[\w:-]{1,64}$/.test(input.actor)) throw new TypeError('Audit actor must be an id, "system" or "public"');
  if (!/^[a-z][\w.-]{1,63}$/i.test(input.action)) throw new TypeError('Audit action must be a short code');
  const details = input.details ?? {};
  const keys = Object.keys(details);
  if (keys.length > limits.keys || keys.some((key) => key.length > limits.keyLength)) throw new TypeError('Audit details are too large');
  for (const value of Object.values(details)) {
    const ok =
      value === null ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length <= limits.stringLength) ||
      (Array.isArray(value) && value.length <= limits.arrayLength && value.every((item) => typeof item === 'string' && item.length <= limits.stringLength));
    if (!ok) throw new TypeError('Audit details hold only short strings, numbers, booleans and lists of short strings');
  }
  return { actor: input.actor, action: input.action, caseId: input.caseId, caseRef: input.caseRef, details };
}
