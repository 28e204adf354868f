/**
 * Opening the sealed boxes whose meaning hangs on clear fields. A database
 * writer who flips a message from internal note to reply, an event to one
 * the reporter sees, or a case away from "concerns the commission" changes
 * the context the box is opened with, so it no longer opens: the box is then
 * reported as tampered (null), never shown under the meaning it was given.
 * Documents without the `bound` mark were sealed before the binding and open
 * with the plain context.
 */
import type { Types } from 'mongoose';
import { sealContext } from './case.model';
import { open, openJson, SealBrokenError } from './sealing/content-box';
import { storedBytes } from './stored-bytes';

type Bytes = Parameters<typeof storedBytes>[0];

interface StoredMessage {
  _id: Types.ObjectId | string;
  from: string;
  type: string;
  sealedBody: Bytes;
  bound?: boolean | null;
}

interface StoredEvent {
  _id: Types.ObjectId | string;
  type: string;
  visibleToReporter?: boolean | null;
  sealedText?: Bytes;
  bound?: boolean | null;
}

export interface StoredReport {
  _id: Types.ObjectId | string;
  concernsCommission?: boolean | null;
  bound?: boolean | null;
}

export function reportContext(caseDocument: StoredReport): string {
  const caseId = String(caseDocument._id);
  return caseDocument.bound ? sealContext.report(caseId, { concernsCommission: caseDocument.concernsCommission === true }) : sealContext.report(caseId);
}

/** The body, or null when the message's clear fields no longer match its seal. */
export function openMessageBody(dataKey: Buffer, caseId: string, message: StoredMessage): string | null {
  const id = String(message._id);
  const context = message.bound ? sealContext.message(caseId, id, { from: message.from, type: message.type }) : sealContext.message(caseId, id);
  return tamperedAsNull(() => openJson<{ text: string }>(dataKey, storedBytes(message.sealedBody), context).text);
}

/** The event's text (null when it has none), and whether it has text that no longer opens under its clear fields. */
export function openEventText(dataKey: Buffer, caseId: string, event: StoredEvent): { text: string | null; tampered: boolean } {
  if (!event.sealedText) return { text: null, tampered: false };
  const id = String(event._id);
  const context = event.bound ? sealContext.event(caseId, id, { type: event.type, visibleToReporter: event.visibleToReporter === true }) : sealContext.event(caseId, id);
  const text = tamperedAsNull(() => open(dataKey, storedBytes(event.sealedText), context).toString('utf8'));
  return { text, tampered: text === null };
}

function tamperedAsNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof SealBrokenError) return null;
    throw error;
  }
}
