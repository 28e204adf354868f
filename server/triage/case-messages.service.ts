/**
 * Writing to a case: replies and requests for information (shown to the
 * reporter on /track), internal notes and findings (never shown there).
 * A reporter who left an email and asked for updates is told "your case has
 * an update" — the address is read from the sealed identity in memory and
 * handed straight to SMTP, so it is never stored in clear, not even in the
 * outbox; if SMTP is down the staff member is told and can try again.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service';
import { readIdentity } from '../cases/case-content.service';
import { addCaseMessage } from '../cases/case-message.service';
import { renderMail } from '../notifications/mail-templates';
import type { MailTransport } from '../notifications/mail-transport';
import { unlockedDataKey, type ActionContext } from './action-context';

export type MessageType = 'reply' | 'request' | 'note' | 'findings';
export type ReporterNotice = 'notRequested' | 'sent' | 'failed';

export interface MessageDeps {
  transport: MailTransport;
  publicUrl: string;
}

export async function writeMessage(ctx: ActionContext, type: MessageType, form: { text: string }, deps: MessageDeps): Promise<ReporterNotice> {
  const { text } = form;
  const dataKey = unlockedDataKey(ctx);
  try {
    const caseId = ctx.caseDocument._id;
    await addCaseMessage({ caseId, from: 'commission', type, authorId: ctx.staff.id, text }, dataKey);
    const notice = type === 'reply' || type === 'request' ? await tellReporter(ctx, dataKey, deps) : 'notRequested';
    await recordAudit({ actor: ctx.staff.id, action: `case.${type}`, caseId: caseId.toString(), caseRef: ctx.caseDocument.reference, details: { reporterNotice: notice } });
    return notice;
  } finally {
    dataKey.fill(0);
  }
}

async function tellReporter(ctx: ActionContext, dataKey: Buffer, deps: MessageDeps): Promise<ReporterNotice> {
  const identity = readIdentity(ctx.caseDocument, dataKey);
  if (!identity?.notifyByEmail || !identity.email) return 'notRequested';
  const { subject, text } = renderMail('reporterUpdate', { publicUrl: deps.publicUrl });
  try {
    await deps.transport.send({ mailId: `reporter-update-${randomUUID()}`, to: identity.email, subject, text, toReporter: true });
    return 'sent';
  } catch {
    return 'failed';
  }
}
