/**
 * The working-day calendar in force: the shipped JSON plus administrators'
 * entries, in the order they were added. Every instance reloads it on a timer
 * and after a change of its own, so deadlines agree across instances.
 */
import { recordAudit } from '../audit/audit.service';
import { FormRefusal } from '../lib/forms';
import { setWorkingCalendar } from './deadlines';
import { CalendarEntryRecord } from './calendar-entry.model';
import { calendarEntrySchema, loadCalendar, type CalendarEntry, type WorkingCalendar } from './working-days';

export async function storedCalendarEntries(): Promise<CalendarEntry[]> {
  const records = await CalendarEntryRecord.find({}).lean();
  return records
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((record) => ({ year: record.year, holidays: record.holidays, workdays: record.workdays, source: record.source, provisional: record.provisional }));
}

export async function reloadWorkingCalendar(): Promise<WorkingCalendar> {
  const calendar = loadCalendar(await storedCalendarEntries());
  setWorkingCalendar(calendar);
  return calendar;
}

/** Refused with the dates that are wrong (context.problems) when the entry does not hold together. */
export async function addCalendarEntry(entry: unknown, adminId: string): Promise<void> {
  const parsed = calendarEntrySchema.safeParse(entry);
  if (!parsed.success) throw new FormRefusal({ holidays: 'calendar.invalid' }, 422, { problems: parsed.error.issues.map((issue) => issue.message) });
  await CalendarEntryRecord.create({ ...parsed.data, createdAt: new Date(), createdBy: adminId });
  await recordAudit({ actor: adminId, action: 'calendar.entryAdded', details: { year: parsed.data.year, holidays: parsed.data.holidays.length, workdays: parsed.data.workdays.length } });
  await reloadWorkingCalendar();
}
