/**
 * Adding a message to a case's conversation: its entry first (case-items),
 * then the message, its body sealed with the case's key. A reporter's message
 * keeps only its day (reporter-time.ts); the conversation is shown in the
 * order of its entries within a day.
 */
import { Types } from 'mongoose';
import { enterCaseItem } from './case-items.service';
import { CaseMessage } from './case-message.model';
import { sealContext } from './case.model';
import { dayStampedId, reporterDayOf } from './reporter-time';
import { sealJson } from './sealing/content-box';

export interface NewCaseMessage {
  caseId: Types.ObjectId;
  from: 'reporter' | 'commission';
  type: 'addition' | 'reply' | 'request' | 'note' | 'findings' | 'objection';
  authorId?: string;
  text: string;
  attachmentIds?: Types.ObjectId[];
}

export async function addCaseMessage(message: NewCaseMessage, dataKey: Buffer): Promise<void> {
  const { caseId, text, ...fields } = message;
  const byReporter = message.from === 'reporter';
  const _id = byReporter ? dayStampedId() : new Types.ObjectId();
  const at = byReporter ? reporterDayOf() : new Date();
  await enterCaseItem(caseId, { kind: 'message', itemId: _id, at });
  const context = sealContext.message(caseId.toString(), _id.toString(), { from: fields.from, type: fields.type });
  await CaseMessage.create({ _id, caseId, at, ...fields, bound: true, sealedBody: sealJson(dataKey, { text }, context) });
}
