/**
 * Files are stored before the case or message that refers to them (there are
 * no transactions on FerretDB). If that insert never happened — the database
 * failed, the process died — the files are unreachable; this sweep removes
 * such files once they are older than any submission in progress could be.
 */
import { trusted } from 'mongoose';
import { Attachment } from './attachment.model';
import { CaseMessage } from './case-message.model';
import { Case } from './case.model';

const graceMs = 60 * 60 * 1000;

export async function sweepAbandonedAttachments(now = new Date()): Promise<number> {
  const old = await Attachment.find({ createdAt: trusted({ $lt: new Date(now.getTime() - graceMs) }) }, { _id: 1, caseId: 1 }).lean();
  const abandoned = [];
  for (const attachment of old) {
    const inCase = await Case.exists({ _id: attachment.caseId, attachmentIds: attachment._id });
    const inMessage = inCase ? null : await CaseMessage.exists({ caseId: attachment.caseId, attachmentIds: attachment._id });
    if (!inCase && !inMessage) abandoned.push(attachment._id);
  }
  if (abandoned.length > 0) await Attachment.deleteMany({ _id: trusted({ $in: abandoned }) });
  return abandoned.length;
}
