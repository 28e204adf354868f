/**
 * Each morning supervisors get a digest: how many open cases are on time,
 * due soon or overdue, and the overdue references — nothing else. With
 * several instances, a unique marker per day decides which one sends it.
 */
import { Schema, model } from 'mongoose';
import { readListing } from '../cases/listings/listing-read.service';
import { workingCalendar } from '../cases/deadlines';
import { enqueueMail } from '../notifications/outbox.service';
import { Staff } from '../staff/staff.model';
import { deadlineStatus } from '../cases/working-days';
import { chinaDateOf, chinaHourOf } from '../lib/china-time';
import { isDuplicateKeyError } from '../lib/db';
import { openItemLights } from '../rectification/rectification-lights';

const digestMarker = model('DigestMarker', new Schema({ _id: String, at: Date }, { collection: 'digest_markers', versionKey: false }));

const sendFromHourInChina = 8;

export async function sendDailyDigestIfDue(publicUrl: string, now = new Date()): Promise<boolean> {
  if (chinaHourOf(now) < sendFromHourInChina) return false;
  const date = chinaDateOf(now);
  try {
    await digestMarker.create({ _id: `digest-${date}`, at: now });
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
  const digest = await digestFor(date);
  const supervisors = await Staff.find({ roles: 'supervisor', disabled: false }, { email: 1 }).lean();
  for (const supervisor of supervisors) {
    await enqueueMail({ to: supervisor.email, template: 'dailyDigest', data: { publicUrl, date, ...digest } });
  }
  return true;
}

export async function digestFor(today: string) {
  const { rows } = await readListing(); // the working set: only cases not yet closed have deadlines
  const counts = { green: 0, amber: 0, red: 0 };
  const overdueReferences: string[] = [];
  for (const entry of rows) {
    if (!entry.dueDate) continue;
    const light = deadlineStatus(entry.dueDate, today, workingCalendar());
    counts[light] += 1;
    if (light === 'red') overdueReferences.push(entry.reference);
  }
  // Rectification items by light: counts only, a mail names no unit or problem.
  const rectification = (await openItemLights(today)).counts;
  return { counts, overdueReferences: overdueReferences.sort(), rectification };
}
