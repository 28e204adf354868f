/**
 * Who sends attempt N of a mail. FerretDB's updates are not atomic, so two
 * portal instances could both "win" a status change; an insert with a unique
 * _id cannot be won twice. The worker inserts `${mailId}:${attempts}` before
 * sending, and only the instance whose insert succeeded sends that attempt.
 */
import { Schema, model } from 'mongoose';

const outboxClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: 'outbox_claims', versionKey: false },
);

export const OutboxClaim = model('OutboxClaim', outboxClaimSchema);

export function claimId(mailId: { toString(): string }, attempt: number): string {
  return `${mailId.toString()}:${attempt}`;
}
