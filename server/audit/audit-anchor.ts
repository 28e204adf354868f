/**
 * An anchor is an entry's hash and seq copied somewhere a database writer
 * cannot reach (the printed monthly report). The chain verifying proves only
 * that it is consistent; someone who rewrites it from an entry onwards,
 * recomputing every hash, leaves a consistent chain. The anchor catches that:
 * the entry at its seq must still carry its hash, and since every hash covers
 * the one before, every entry up to it is then the one that was printed.
 */
import { AuditEntry, auditKey } from './audit.model';

export interface AuditAnchor {
  seq: number;
  hash: string;
}

export type AnchorResult = { ok: true } | { ok: false; reason: 'missing' | 'differs' };

/** HASH@SEQ, as printed in the monthly report; undefined when it is not that shape. */
export function parseAnchor(text: string): AuditAnchor | undefined {
  const match = /^([0-9a-f]{64})@([1-9][0-9]{0,14})$/i.exec(text.trim());
  return match ? { hash: match[1].toLowerCase(), seq: Number(match[2]) } : undefined;
}

/** Whether the stored chain still holds the anchored entry (by key, or by seq for entries of the older layout). */
export async function checkAnchor(anchor: AuditAnchor): Promise<AnchorResult> {
  const entry = (await AuditEntry.findById(auditKey(anchor.seq)).lean()) ?? (await AuditEntry.findOne({ seq: anchor.seq }).lean());
  if (!entry) return { ok: false, reason: 'missing' };
  return entry.hash === anchor.hash ? { ok: true } : { ok: false, reason: 'differs' };
}
