/**
 * The mails still to send, by key: one `{ _id: mail id }` per pending mail,
 * written before the mail and removed once it is sent or has failed for
 * good. The worker reads this collection, whose size is what is in flight,
 * and each mail by _id; on FerretDB `outbox_mails` filtered by status would
 * read every mail ever sent, every 15 seconds.
 *
 * An entry whose mail is no longer pending is dropped by the next pass; one
 * whose mail is missing (the process died between the two inserts) after ten
 * minutes from its `at`, since until then it may be a mail being queued (not
 * from its id: the id of a mail about a case tells only the day).
 * Entries written before `at` existed are aged by their id. Mails queued by the
 * version before have no entry: `enterPendingMails` gives them one, once,
 * and leaves the `complete` mark.
 */
import { Schema, model } from 'mongoose';

export const OutboxDue = model('OutboxDue', new Schema(
  { _id: { type: Schema.Types.Mixed, required: true }, at: { type: Date, default: null } },
  { collection: 'outbox_due', versionKey: false },
));

export const outboxDueCompleteId = 'complete';
