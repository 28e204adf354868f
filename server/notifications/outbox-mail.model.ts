/**
 * One document per email, written when something happens and sent by the
 * outbox worker, so a mail survives an SMTP outage or a restart. Only the
 * rendered text is kept, never the data it was rendered from.
 *
 * The recipient is kept only while the mail is pending: once it is sent or
 * has failed for good, `to` is erased, so the outbox does not become a list
 * of who was told what (a reporter's address most of all); its times are
 * kept to the day and its case is dropped, so a notice about a new case does
 * not tell when its reporter sent it.
 *
 * The worker finds pending mails through the due list (outbox-due.model.ts),
 * never by filtering this collection, and checks `nextAttemptAt` in code.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { templateNames } from './mail-templates';

export const outboxStatuses = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

function whilePending(this: { status?: string }): boolean {
  return this.status === 'pending';
}

const outboxMailSchema = new Schema(
  {
    to: { type: String, required: whilePending },
    subject: { type: String, required: true },
    /** Plain text only: no HTML, no attachments. */
    text: { type: String, required: true },
    template: { type: String, enum: templateNames, required: true },
    status: { type: String, enum: outboxStatuses, required: true, default: 'pending', index: true },
    /** Delivery attempts made so far; together with the mail id it names the claim of the next one. */
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    /** A short code (ESOCKET, EPROTOCOL:421, EENVELOPE:550, caseMissing), never an error message: those quote addresses. */
    lastErrorCode: { type: String, default: null },
    /** Set when the mail must wait until its case document exists (the insert that commits a submission). */
    caseId: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
    sentAt: { type: Date, default: null },
  },
  { collection: 'outbox_mails', versionKey: false },
);

export type OutboxMailDocument = InferSchemaType<typeof outboxMailSchema> & { _id: Types.ObjectId };
export const OutboxMail = model('OutboxMail', outboxMailSchema);
