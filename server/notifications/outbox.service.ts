/**
 * The outbox: features call enqueueMail when something happens; the outbox
 * worker (outbox-worker.ts) sends what is due. Enqueueing never talks to SMTP,
 * so a request never waits for, or fails because of, the mail server.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Language } from '../lib/i18n';
import { renderMail, type TemplateData, type TemplateName } from './mail-templates';
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
  const mail = await OutboxMail.create({
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

/** The pending mails whose time has come, oldest due first. */
export async function findDueMails(now: Date, limit: number): Promise<DueMail[]> {
  const pending = await OutboxMail.find({ status: 'pending' })
    .select({ _id: 1, template: 1, attempts: 1, nextAttemptAt: 1, caseId: 1, createdAt: 1 })
    .lean<DueMail[]>();
  return pending
    .filter((mail) => mail.nextAttemptAt.getTime() <= now.getTime())
    .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
    .slice(0, limit);
}
