/**
 * A reporter's addition, on the staff side: the queue marks the case 新补充
 * until a staff member opens it (cases/reporter-addition.model.ts), and its
 * assignee gets a mail that says only that the case has something new (the
 * reference and a link). The mail goes from a timer, so the reporter's
 * request never waits for it; a crash between the mail and its mark sends
 * it twice, never not at all.
 */
import { Types } from 'mongoose';
import { Case } from '../cases/case.model';
import { ReporterAddition } from '../cases/reporter-addition.model';
import { enqueueMail } from '../notifications/outbox.service';
import { Staff } from '../staff/staff.model';

/** Mails the assignee of each case with an addition not yet told; returns how many mails were queued. */
export async function tellAssigneesOfAdditions(publicUrl: string): Promise<number> {
  const pending = await ReporterAddition.find({ mailPending: true }, { _id: 1 }).lean();
  let mailed = 0;
  for (const { _id } of pending) {
    const found = Types.ObjectId.isValid(_id) ? await Case.findById(new Types.ObjectId(_id), { reference: 1, assigneeId: 1 }).lean() : null;
    const assignee = found?.assigneeId ? await Staff.findById(found.assigneeId, { email: 1, disabled: 1 }).lean() : null;
    if (found && assignee && !assignee.disabled) {
      await enqueueMail({ to: assignee.email, template: 'reporterAddition', data: { publicUrl, reference: found.reference }, caseId: found._id });
      mailed += 1;
    }
    // Without an assignee nobody is mailed: the queue's 新补充 is what intake sees.
    await ReporterAddition.updateOne({ _id }, { $set: { mailPending: false } });
    await ReporterAddition.deleteOne({ _id, unseen: false, mailPending: false });
  }
  return mailed;
}
