import { Types } from 'mongoose';
import { Attachment } from '../../server/cases/attachment.model';
import { sweepAbandonedAttachments } from '../../server/cases/attachment-sweep.service';
import { CaseMessage } from '../../server/cases/case-message.model';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

function attachment(caseId: Types.ObjectId, createdAt: Date) {
  return Attachment.create({ caseId, type: 'png', size: 3, createdAt, sealedBytes: Buffer.from('abc') });
}

describe('sweeping abandoned attachments', () => {
  it('when a file outlived a submission that never stored its case or message, then it is removed; referenced and recent files stay', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const orphan = await attachment(new Types.ObjectId(), twoHoursAgo);
    const recent = await attachment(new Types.ObjectId(), new Date());
    const caseId = new Types.ObjectId();
    const referenced = await attachment(caseId, twoHoursAgo);
    await CaseMessage.create({ caseId, from: 'reporter', type: 'addition', at: new Date(), sealedBody: Buffer.from('x'), attachmentIds: [referenced._id] });

    expect(await sweepAbandonedAttachments()).toBe(1);
    expect(await Attachment.exists({ _id: orphan._id })).toBeNull();
    expect(await Attachment.exists({ _id: recent._id })).not.toBeNull();
    expect(await Attachment.exists({ _id: referenced._id })).not.toBeNull();
  });
});
