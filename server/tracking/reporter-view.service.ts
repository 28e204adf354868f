/**
 * What a reporter sees of their case: its stage with dates, when the
 * commission will respond by, and the conversation. Internal notes, staff
 * names and the reporter's identity are never part of it.
 */
import { timelineOf } from '../cases/case-timeline.service';
import type { CaseDocument } from '../cases/case.model';
import { openEventText, openMessageBody } from '../cases/bound-seals';
import { chinaDateOf } from '../lib/china-time';

export interface ReporterCaseView {
  status: string;
  kind: string;
  receivedDate: string;
  acceptDueDate: string;
  outcome: string | null;
  events: Array<{ at: Date; type: string; text: string | null; details: Record<string, unknown> }>;
  messages: Array<{ at: Date; from: string; type: string; body: string; attachmentCount: number }>;
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
  return {
    status: caseDocument.status,
    kind: caseDocument.kind,
    receivedDate: caseDocument.receivedDate,
    acceptDueDate: caseDocument.acceptDueDate,
    outcome: caseDocument.outcome ?? null,
    events: byTime(events).flatMap((event) => {
      const { text, tampered } = openEventText(dataKey, caseId, event);
      return tampered ? [] : [{ at: event.at, type: event.type, details: (event.details ?? {}) as Record<string, unknown>, text }];
    }),
    messages: byTime(messages).flatMap((message) => {
      const body = openMessageBody(dataKey, caseId, message);
      return body === null ? [] : [{ at: message.at, from: message.from, type: message.type, body, attachmentCount: message.attachmentIds.length }];
    }),
  };
}

// Sorted here rather than in the query: FerretDB does not push sorts down.
// A reporter's items keep only their day (cases/reporter-time.ts): by day, and
// within a day in the order they were entered (the sort is stable).
function byTime<T extends { at: Date }>(items: T[]): T[] {
  return [...items].sort((a, b) => chinaDateOf(a.at).localeCompare(chinaDateOf(b.at)));
}
