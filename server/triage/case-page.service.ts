/**
 * Everything the case page shows a member of staff: the stage and dates, the
 * report decrypted for the viewer (when their session holds the unlocked
 * commission key), the timeline, the conversation including internal notes,
 * the files, and the actions this person may take now. Each view is audited.
 */
import { recordAudit } from '../audit/audit.service';
import { answerDueDate } from '../cases/deadlines';
import { Attachment } from '../cases/attachment.model';
import { timelineOf } from '../cases/case-timeline.service';
import { sealContext, type CaseDocument } from '../cases/case.model';
import { openEventText, openMessageBody } from '../cases/bound-seals';
import { readReportUnlessTampered, type ReportContent } from '../cases/case-content.service';
import { workingCalendar } from '../cases/deadlines';
import { open } from '../cases/sealing/content-box';
import { storedBytes } from '../cases/stored-bytes';
import { markAdditionSeen } from '../cases/reporter-addition.model';
import { Staff } from '../staff/staff.model';
import { unlockedDataKey, type ActionContext } from './action-context';
import { offeredActions, offeredByGroup } from './case-actions';
import { authorsOf } from './case-authors';
import { replyTemplates } from '../reply-templates/reply-templates.service';
import { deadlineStatus } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';
import { rulesPanel } from '../handling-rules/case-panel.service';

/** `print`: the case file to print (no actions offered); audited as a view like the page. */
export async function casePage(ctx: ActionContext, options: { print?: boolean } = {}) {
  const { caseDocument } = ctx;
  const dataKey = ctx.commissionKey ? unlockedDataKey(ctx) : null;
  try {
    const [{ events, messages, files: attachments }, handlers, assignee, templates] = await Promise.all([
      timelineOf(caseDocument._id),
      Staff.find({ roles: 'handler', disabled: false }, { name: 1 }).lean(),
      caseDocument.assigneeId ? Staff.findById(caseDocument.assigneeId, { name: 1 }).lean() : null,
      options.print ? [] : replyTemplates(),
    ]);
    const caseId = caseDocument._id.toString();
    await recordAudit({ actor: ctx.staff.id, action: 'case.viewed', caseId, caseRef: caseDocument.reference, details: { unlocked: dataKey !== null, ...(options.print ? { print: true } : {}) } });
    const authorOf = await authorsOf([...events.map((event) => event.actorId), ...messages.map((message) => message.authorId)]);
    await markAdditionSeen(caseDocument._id);
    const report = reportFor(caseDocument, dataKey);
    // A case whose clear fields no longer match its report may have been made visible to this
    // viewer by that change (concernsCommission): none of its content is opened.
    const contentKey = report.reportTampered ? null : dataKey;
    return {
      caseDocument,
      light: caseDocument.dueDate ? deadlineStatus(caseDocument.dueDate, chinaDateOf(new Date()), workingCalendar()) : null,
      unlocked: dataKey !== null,
      ...report,
      events: byTime(events).map((event) => ({
        at: event.at,
        type: event.type,
        by: authorOf(event.actorId),
        internal: !event.visibleToReporter,
        details: event.details as Record<string, unknown>,
        ...(contentKey ? openEventText(contentKey, caseId, event) : { text: null, tampered: false }),
      })),
      messages: byTime(messages).map((message) => ({
        at: message.at,
        from: message.from,
        type: message.type,
        by: authorOf(message.authorId, message.from),
        // Notes and findings never reach the reporter; the reporter's own messages are theirs.
        internal: message.type === 'note' || message.type === 'findings',
        toReporter: message.type === 'reply' || message.type === 'request',
        // What the reporter's page shows as the answer's deadline (tracking/reporter-view.service.ts).
        answerBy: message.type === 'request' ? answerDueDate(chinaDateOf(message.at)) : null,
        attachmentCount: message.attachmentIds.length,
        ...bodyFor(message, caseId, contentKey),
      })),
      linkFiles: contentKey !== null,
      attachments: attachments.map((file) => ({ id: file._id.toString(), type: file.type, kilobytes: Math.ceil(file.size / 1024), at: file.createdAt })),
      handlers: handlers.map((handler) => ({ id: handler._id.toString(), name: handler.name })),
      assigneeName: assignee?.name ?? null,
      ...(options.print ? { offered: [], actionGroups: [] } : offeredWithGroups(ctx)),
      replyTemplates: templates,
      canOpenIdentity: ctx.staff.roles.includes('custodian') && caseDocument.hasIdentity,
      rules: rulesPanel(caseDocument),
    };
  } finally {
    dataKey?.fill(0);
  }
}

function offeredWithGroups(ctx: ActionContext) {
  const offered = offeredActions(ctx.staff, ctx.caseDocument);
  return { offered, actionGroups: offeredByGroup(offered) };
}

// Opened boxes, and whether one no longer matches its clear fields (cases/bound-seals.ts).
function reportFor(caseDocument: CaseDocument, dataKey: Buffer | null): { report: ReportContent | null; reportTampered: boolean } {
  const report = dataKey ? readReportUnlessTampered(caseDocument, dataKey) : null;
  return { report, reportTampered: dataKey !== null && report === null };
}

function bodyFor(message: Parameters<typeof openMessageBody>[2], caseId: string, dataKey: Buffer | null): { body: string | null; tampered: boolean } {
  const body = dataKey ? openMessageBody(dataKey, caseId, message) : null;
  return { body, tampered: dataKey !== null && body === null };
}

// A reporter's items keep only their day (cases/reporter-time.ts): by day, and
// within a day in the order they were entered (the sort is stable).
function byTime<T extends { at: Date }>(items: T[]): T[] {
  return [...items].sort((a, b) => chinaDateOf(a.at).localeCompare(chinaDateOf(b.at)));
}

export async function attachmentForStaff(ctx: ActionContext, attachmentId: string): Promise<{ type: string; bytes: Buffer } | null> {
  if (!/^[0-9a-f]{24}$/.test(attachmentId)) return null;
  const attachment = await Attachment.findById(attachmentId).lean();
  if (!attachment || String(attachment.caseId) !== ctx.caseDocument._id.toString()) return null;
  const dataKey = unlockedDataKey(ctx);
  try {
    if (readReportUnlessTampered(ctx.caseDocument, dataKey) === null) return null;
    const bytes = open(dataKey, storedBytes(attachment.sealedBytes), sealContext.attachment(ctx.caseDocument._id.toString(), attachmentId));
    await recordAudit({ actor: ctx.staff.id, action: 'case.fileOpened', caseId: ctx.caseDocument._id.toString(), caseRef: ctx.caseDocument.reference, details: { attachmentId } });
    return { type: attachment.type, bytes };
  } finally {
    dataKey.fill(0);
  }
}
