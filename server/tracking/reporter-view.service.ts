/**
 * What a reporter sees of their case: its stage with dates, when the
 * commission will respond by, and the conversation. Internal notes, staff
 * names and the reporter's identity are never part of it.
 */
import { timelineOf } from '../cases/case-timeline.service';
import type { CaseDocument } from '../cases/case.model';
import { openEventText, openMessageBody } from '../cases/bound-seals';
import { answerDueDate } from '../cases/deadlines';
import { chinaDateOf } from '../lib/china-time';
import { nextStepOf, type NextStep } from './next-step';
import { ownReportOf, sentFiles, type OwnReport, type SentFile } from './own-report.service';

export interface ReporterCaseView {
  status: string;
  kind: string;
  receivedDate: string;
  acceptDueDate: string;
  outcome: string | null;
  unitCode: string;
  nextStep: NextStep;
  /** the case went to another body: which one (as staff wrote it) and when */
  transfer: { authority: string | null; at: Date | null } | null;
  /** the commission's latest question that no message of the reporter's has followed yet */
  openQuestion: { at: Date; body: string; answerBy: string } | null;
  ownReport: OwnReport;
  events: Array<{ at: Date; type: string; text: string | null; details: Record<string, unknown> }>;
  messages: Array<{ at: Date; from: string; type: string; body: string; attachmentCount: number; files: SentFile[] }>;
}

/**
 * Internal notes and findings are never part of the reporter's page; nor is
 * a message or event text whose clear fields no longer match its seal
 * (cases/bound-seals.ts): it may be a note someone made look like a reply.
 */
const readByReporter = ['addition', 'reply', 'request', 'objection'];

export async function reporterCaseView(caseDocument: CaseDocument, dataKey: Buffer): Promise<ReporterCaseView> {
  const caseId = caseDocument._id.toString();
  const timeline = await timelineOf(caseDocument._id);
  const events = timeline.events.filter((event) => event.visibleToReporter);
  const messages = timeline.messages.filter((message) => readByReporter.includes(message.type));
  const fileById = new Map(timeline.files.map((file) => [String(file._id), file]));
  const shownEvents = byTime(events).flatMap((event) => {
    const { text, tampered } = openEventText(dataKey, caseId, event);
    return tampered ? [] : [{ at: event.at, type: event.type, details: (event.details ?? {}) as Record<string, unknown>, text }];
  });
  const shownMessages = byTime(messages).flatMap((message) => {
    const body = openMessageBody(dataKey, caseId, message);
    const files = sentFiles(message.attachmentIds.flatMap((id) => fileById.get(String(id)) ?? []));
    return body === null ? [] : [{ at: message.at, from: message.from, type: message.type, body, attachmentCount: message.attachmentIds.length, files }];
  });
  return {
    status: caseDocument.status,
    kind: caseDocument.kind,
    receivedDate: caseDocument.receivedDate,
    acceptDueDate: caseDocument.acceptDueDate,
    outcome: caseDocument.outcome ?? null,
    unitCode: caseDocument.unitCode,
    nextStep: nextStepOf(caseDocument),
    transfer: transferOf(caseDocument, shownEvents),
    openQuestion: openQuestionOf(shownMessages),
    ownReport: ownReportOf(caseDocument, dataKey, timeline.files),
    events: shownEvents,
    messages: shownMessages,
  };
}

/** A question is open until the reporter writes after it (an addition or an objection). */
function openQuestionOf(messages: ReadonlyArray<{ at: Date; from: string; type: string; body: string }>): ReporterCaseView['openQuestion'] {
  const lastQuestion = lastIndexWhere(messages, (message) => message.type === 'request');
  const lastByReporter = lastIndexWhere(messages, (message) => message.from === 'reporter');
  if (lastQuestion < 0 || lastQuestion < lastByReporter) return null;
  const { at, body } = messages[lastQuestion];
  return { at, body, answerBy: answerDueDate(chinaDateOf(at)) };
}

/** Transferred, or closed after a transfer: the reporter is told where it went and what that means. */
function transferOf(caseDocument: CaseDocument, events: ReadonlyArray<{ at: Date; type: string; text: string | null }>): ReporterCaseView['transfer'] {
  const transferred = caseDocument.status === 'transferred' || (caseDocument.status === 'closed' && caseDocument.decision === 'transferred');
  if (!transferred) return null;
  const event = events[lastIndexWhere(events, (entry) => entry.type === 'transferred')];
  return { authority: event?.text ?? null, at: event?.at ?? null };
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index -= 1) if (test(items[index])) return index;
  return -1;
}

// Sorted here rather than in the query: FerretDB does not push sorts down.
// A reporter's items keep only their day (cases/reporter-time.ts): by day, and
// within a day in the order they were entered (the sort is stable).
function byTime<T extends { at: Date }>(items: T[]): T[] {
  return [...items].sort((a, b) => chinaDateOf(a.at).localeCompare(chinaDateOf(b.at)));
}
