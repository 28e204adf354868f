/**
 * The working-day calendar in force: the shipped JSON plus administrators'
 * entries, in the order they were added. Every instance reloads it on a timer
 * and after a change of its own, so deadlines agree across instances.
 */
import { recordAudit } from '../audit/audit.service';
import { setWorkingCalendar } from './deadlines';
import { CalendarEntryRecord } from './calendar-entry.model';
import { calendarEntrySchema, entryProblems, loadCalendar, type CalendarEntry, type CalendarProblem, type WorkingCalendar } from './working-days';

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

/** Stores the entry, or, when its dates do not hold together, stores nothing and gives the dates that are wrong. */
export async function addCalendarEntry(entry: CalendarEntry, adminId: string): Promise<CalendarProblem[]> {
  const problems = entryProblems(entry);
  if (problems.length > 0) return problems;
  const parsed = calendarEntrySchema.safeParse(entry);
  if (!parsed.success) throw new Error(`calendar entry refused after its checks: ${parsed.error.message}`);
  await CalendarEntryRecord.create({ ...parsed.data, createdAt: new Date(), createdBy: adminId });
  await recordAudit({ actor: adminId, action: 'calendar.entryAdded', details: { year: parsed.data.year, holidays: parsed.data.holidays.length, workdays: parsed.data.workdays.length } });
  await reloadWorkingCalendar();
  return [];
}
