/** Adding a message to a case's conversation: its entry first (case-items), then the message, its body sealed with the case's key. */
import { Types } from 'mongoose';
import { enterCaseItem } from './case-items.service';
import { CaseMessage } from './case-message.model';
import { sealContext } from './case.model';
import { sealJson } from './sealing/content-box';

export interface NewCaseMessage {
  caseId: Types.ObjectId;
  from: 'reporter' | 'commission';
  type: 'addition' | 'reply' | 'request' | 'note' | 'findings';
  authorId?: string;
  text: string;
  attachmentIds?: Types.ObjectId[];
}

export async function addCaseMessage(message: NewCaseMessage, dataKey: Buffer): Promise<void> {
  const { caseId, text, ...fields } = message;
  const _id = new Types.ObjectId();
  const at = new Date();
  await enterCaseItem(caseId, { kind: 'message', itemId: _id, at });
  await CaseMessage.create({ _id, caseId, at, ...fields, sealedBody: sealJson(dataKey, { text }, sealContext.message(caseId.toString(), _id.toString())) });
}
