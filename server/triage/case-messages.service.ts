/**
 * Writing to a case: replies and requests for information (shown to the
 * reporter on /track), internal notes and findings (never shown there).
 * A reporter who left an email and asked for updates is told "your case has
 * an update" — the address is opened in memory (the notice box, or for cases
 * stored before identities had a key of their own, the identity) and handed
 * straight to SMTP, so it is never stored in clear, not even in the
 * outbox; if SMTP is down the staff member is told and can try again.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service';
import { readIdentity } from '../cases/case-content.service';
import { addCaseMessage } from '../cases/case-message.service';
import { needsIdentityKey, noticeAddressOf } from '../cases/identity-sealing';
import { renderMail } from '../notifications/mail-templates';
import type { MailTransport } from '../notifications/mail-transport';
import { unlockedDataKey, type ActionContext } from './action-context';

export type MessageType = 'reply' | 'request' | 'note' | 'findings';
export type ReporterNotice = 'notRequested' | 'sent' | 'failed';

export interface MessageDeps {
  transport: MailTransport;
  publicUrl: string;
  noticeKey?: Buffer;
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
  const address = noticeAddress(ctx, dataKey, deps.noticeKey);
  if (!address) return 'notRequested';
  const { subject, text } = renderMail('reporterUpdate', { publicUrl: deps.publicUrl });
  try {
    await deps.transport.send({ mailId: `reporter-update-${randomUUID()}`, to: address, subject, text, toReporter: true });
    return 'sent';
  } catch {
    return 'failed';
  }
}

function noticeAddress(ctx: ActionContext, dataKey: Buffer, noticeKey: Buffer | undefined): string | null {
  if (needsIdentityKey(ctx.caseDocument)) return noticeAddressOf(ctx.caseDocument, noticeKey);
  const identity = readIdentity(ctx.caseDocument, dataKey);
  return identity?.notifyByEmail && identity.email ? identity.email : null;
}
