/**
 * Files are stored before the case or message that refers to them (there are
 * no transactions on FerretDB), each marked unclaimed until that write is
 * done. If it never happened (the database failed, the process died) the
 * files are unreachable: this sweep removes them once they are older than
 * any submission in progress could be. It reads the marks, and each mark's
 * case and messages by _id, never the stored files.
 */
import type { Types } from 'mongoose';
import { Attachment } from './attachment.model';
import { claimAttachments, discardAttachments } from './attachments.service';
import { currentEntries, discardCaseItems } from './case-items.service';
import { CaseMessage } from './case-message.model';
import { Case } from './case.model';
import { UnclaimedAttachment } from './unclaimed-attachment.model';

const graceMs = 60 * 60 * 1000;

export async function sweepAbandonedAttachments(now = new Date()): Promise<number> {
  const marks = (await UnclaimedAttachment.find({}).lean()).filter((mark) => now.getTime() - mark.at.getTime() >= graceMs);
  let removed = 0;
  for (const mark of marks) {
    const referenced = await isReferenced(mark._id, mark.caseId);
    if (referenced === 'unknown') continue;
    if (referenced) {
      await claimAttachments([mark._id]);
      continue;
    }
    await discardAttachments([mark._id]);
    await discardCaseItems(mark.caseId, [mark._id]);
    removed += 1;
  }
  return removed;
}

async function isReferenced(fileId: Types.ObjectId, caseId: Types.ObjectId): Promise<boolean | 'unknown'> {
  const owner = await Case.findById(caseId, { attachmentIds: 1 }).lean();
  if (owner?.attachmentIds?.some((id) => id.equals(fileId))) return true;
  if (!(await Attachment.exists({ _id: fileId }))) return false;
  const entries = await currentEntries(caseId);
  if (!entries) return 'unknown'; // the start-up pass has not entered older messages yet
  for (const entry of entries.filter((candidate) => candidate.kind === 'message')) {
    const message = await CaseMessage.findById(entry.itemId, { attachmentIds: 1 }).lean();
    if (message?.attachmentIds?.some((id) => id.equals(fileId))) return true;
  }
  return false;
}
