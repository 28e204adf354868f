import { randomBytes } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { Attachment } from '../../server/cases/attachment.model';
import { sweepAbandonedAttachments } from '../../server/cases/attachment-sweep.service';
import { claimAttachments, storeSealedAttachments } from '../../server/cases/attachments.service';
import { addCaseMessage } from '../../server/cases/case-message.service';
import { filesOf } from '../../server/cases/case-timeline.service';
import { UnclaimedAttachment } from '../../server/cases/unclaimed-attachment.model';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

const dataKey = randomBytes(32);
const hourMs = 3600_000;
const file = { type: 'png' as const, bytes: Buffer.from('cleaned png bytes') };

async function storedFile(caseId = new Types.ObjectId()): Promise<{ caseId: Types.ObjectId; fileId: Types.ObjectId }> {
  const [fileId] = await storeSealedAttachments(caseId, dataKey, [file as never]);
  return { caseId, fileId };
}

describe('sweeping abandoned attachments', () => {
  it('when a file outlived a submission that never stored its case or message, then it is removed; files of stored cases and messages and recent ones stay', async () => {
    const orphan = await storedFile();
    const ofCase = await storedFile(); // the case was stored, the process died before the file was claimed
    await mongoose.connection.collection('cases').insertOne({ _id: ofCase.caseId, reference: 'TZ-2026-09001', attachmentIds: [ofCase.fileId] });
    const ofMessage = await storedFile();
    await addCaseMessage({ caseId: ofMessage.caseId, from: 'reporter', type: 'addition', text: '补充', attachmentIds: [ofMessage.fileId] }, dataKey);
    const later = new Date(Date.now() + 2 * hourMs);
    const recent = await storedFile();
    await UnclaimedAttachment.updateOne({ _id: recent.fileId }, { $set: { at: later } });

    expect(await sweepAbandonedAttachments(later)).toBe(1);
    expect(await Attachment.exists({ _id: orphan.fileId })).toBeNull();
    expect(await filesOf(orphan.caseId)).toEqual([]);
    for (const kept of [ofCase, ofMessage, recent]) expect(await Attachment.exists({ _id: kept.fileId })).not.toBeNull();
    expect((await UnclaimedAttachment.find({}).lean()).map((mark) => String(mark._id))).toEqual([String(recent.fileId)]);
  });

  it('when a file was claimed by its case, then the sweep has nothing to read for it', async () => {
    await UnclaimedAttachment.deleteMany({});
    const { fileId } = await storedFile();
    await claimAttachments([fileId]);
    expect(await UnclaimedAttachment.countDocuments()).toBe(0);
    expect(await sweepAbandonedAttachments(new Date(Date.now() + 2 * hourMs))).toBe(0);
    expect(await Attachment.exists({ _id: fileId })).not.toBeNull();
  });
});
