/**
 * Once, for cases closed before retention existed: each gets its record and
 * its place in the schedule. The day it closed is its `closed` event's day
 * (read through its entries); without one, the day of this pass, so no case
 * is purged earlier than its period allows. Reads every case once, off the
 * request path; marked done in retention_settings.
 */
import type { Types } from 'mongoose';
import { entriesOf } from '../cases/case-items.service';
import { CaseEvent } from '../cases/case-event.model';
import { Case } from '../cases/case.model';
import { chinaDateOf } from '../lib/china-time';
import { scheduleClosedCase } from './purge-schedule.service';
import { CaseRetention, RetentionSettings } from './retention.model';
import { retentionToday } from './retention-rules';

const doneId = 'closed-cases-scheduled';

export async function scheduleAlreadyClosedCases(): Promise<number> {
  if (await RetentionSettings.exists({ _id: doneId })) return 0;
  let scheduled = 0;
  const closed = Case.find({ status: 'closed' }, { reference: 1, decision: 1, outcome: 1 }).lean().cursor();
  for await (const caseDocument of closed) {
    if (await CaseRetention.exists({ _id: caseDocument._id.toString() })) continue;
    await scheduleClosedCase(caseDocument, (await closedDayOf(caseDocument._id)) ?? retentionToday());
    scheduled += 1;
  }
  await RetentionSettings.create({ _id: doneId, months: {} });
  return scheduled;
}

async function closedDayOf(caseId: Types.ObjectId): Promise<string | null> {
  for (const entry of (await entriesOf(caseId)).reverse()) {
    if (entry.kind !== 'event') continue;
    const event = await CaseEvent.findById(entry.itemId, { type: 1, at: 1 }).lean();
    if (event?.type === 'closed') return chinaDateOf(new Date(event.at));
  }
  return null;
}
