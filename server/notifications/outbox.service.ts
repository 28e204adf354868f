/**
 * The outbox: features call enqueueMail when something happens; the outbox
 * worker (outbox-worker.ts) sends what is due. Enqueueing never talks to SMTP,
 * so a request never waits for, or fails because of, the mail server.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { dayStampedId } from '../cases/reporter-time';
import type { Language } from '../lib/i18n';
import { renderMail, type TemplateData, type TemplateName } from './mail-templates';
import { OutboxDue, outboxDueCompleteId } from './outbox-due.model';
import { OutboxMail } from './outbox-mail.model';

export interface EnqueueMailInput<T extends TemplateName> {
  to: string;
  template: T;
  data: TemplateData[T];
  /** Hold the mail until a document with this _id exists in 'cases' (given up after an hour). */
  caseId?: Types.ObjectId | string;
  /** Staff mail is Chinese; a reporter's mail may follow the language they used. */
  lang?: Language;
}

export interface DueMail {
  _id: Types.ObjectId;
  template: TemplateName;
  attempts: number;
  nextAttemptAt: Date;
  caseId: Types.ObjectId | null;
  createdAt: Date;
}

// One plain address: a list or a display name could smuggle in more recipients.
const singleAddress = z.string().max(254).email();

export async function enqueueMail<T extends TemplateName>(input: EnqueueMailInput<T>): Promise<Types.ObjectId> {
  if (!singleAddress.safeParse(input.to).success) throw new TypeError('A mail needs exactly one plain email address');
  const { subject, text } = renderMail(input.template, input.data, input.lang);
  // A mail about a case was caused by a reporter's act: its id says no more than the day.
  const _id = input.caseId === undefined ? new Types.ObjectId() : dayStampedId();
  await OutboxDue.create({ _id, at: new Date() });
  const mail = await OutboxMail.create({
    _id,
    to: input.to,
    subject,
    text,
    template: input.template,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(),
    caseId: input.caseId === undefined ? null : new Types.ObjectId(input.caseId),
  });
  return mail._id;
}

/** The pending mails whose time has come, oldest due first: the due list, then each mail by _id. */
export async function findDueMails(now: Date, limit: number): Promise<DueMail[]> {
  const entries = await OutboxDue.find({}).lean<Array<{ _id: Types.ObjectId | string; at?: Date | null }>>();
  const due = entries.flatMap((entry) => (entry._id instanceof Types.ObjectId ? [{ id: entry._id, since: entry.at ?? entry._id.getTimestamp() }] : []));
  const mails = await Promise.all(due.map(async ({ id, since }) => {
    const mail = await OutboxMail.findById(id, { _id: 1, template: 1, attempts: 1, nextAttemptAt: 1, caseId: 1, createdAt: 1, status: 1 }).lean();
    if (mail?.status === 'pending') return mail as DueMail;
    // A missing mail may be one being queued right now: its entry is written first.
    if (mail || now.getTime() - since.getTime() > abandonedEntryMs) await leaveDueList(id);
    return null;
  }));
  return mails
    .filter((mail): mail is DueMail => mail !== null && mail.nextAttemptAt.getTime() <= now.getTime())
    .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
    .slice(0, limit);
}

const abandonedEntryMs = 10 * 60_000;

/** Once a mail is sent or has failed for good. */
export async function leaveDueList(mailId: Types.ObjectId): Promise<void> {
  await OutboxDue.deleteOne({ _id: mailId });
}

/** Mails queued before the due list existed get their entry: one pass over the outbox, once per installation. */
export async function enterPendingMails(): Promise<number> {
  if (await OutboxDue.exists({ _id: outboxDueCompleteId })) return 0;
  const pending = await OutboxMail.find({ status: 'pending' }, { _id: 1 }).lean();
  for (const { _id } of pending) await OutboxDue.updateOne({ _id }, { $setOnInsert: { _id } }, { upsert: true });
  await OutboxDue.updateOne({ _id: outboxDueCompleteId }, { $setOnInsert: { _id: outboxDueCompleteId } }, { upsert: true });
  return pending.length;
}
