/**
 * Working days for case deadlines. The 2020 rules on handling reports count in
 * working days: accept or not within 15 of receipt, transfer within 5, tell the
 * result within 15 of concluding. A working day is a weekday that the State
 * Council has not made a holiday, or a weekend day it has made a make-up
 * working day (调休). Dates are `YYYY-MM-DD` strings in China time.
 */
import { z } from 'zod';
import shippedCalendar from './holiday-calendar.json';

export type DeadlineStatus = 'green' | 'amber' | 'red';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const AMBER_WORKING_DAYS = 3;

export const calendarEntrySchema = z
  .object({
    year: z.number().int().min(1970).max(9999),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    source: z.string().trim().min(1),
    provisional: z.boolean().optional(),
    note: z.string().optional(),
  })
  .superRefine((entry, ctx) => {
    for (const problem of entryProblems(entry)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [problem.field], message: problemInEnglish(problem) });
  });

export type CalendarEntry = z.infer<typeof calendarEntrySchema>;

export interface CalendarYear {
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
  readonly sources: readonly string[];
  readonly provisional: boolean;
  readonly notes: readonly string[];
}

export interface WorkingCalendar {
  readonly years: ReadonlyMap<number, CalendarYear>;
}

/** The shipped calendar merged with administrators' entries (from the database). */
export function loadCalendar(extra: readonly CalendarEntry[] = []): WorkingCalendar {
  const shipped = Object.entries(shippedCalendar as Record<string, object>).map(([year, fields]) => ({
    ...fields,
    year: Number(year),
  }));
  return buildCalendar([...shipped, ...extra].map((entry) => calendarEntrySchema.parse(entry)));
}

/**
 * Once a year has a confirmed entry (a published notice), its provisional
 * entries are dropped: a derivation must not leave a guessed date behind.
 * Within a year, later entries win, so an administrator can reclassify a date.
 */
function buildCalendar(entries: readonly CalendarEntry[]): WorkingCalendar {
  const byYear = new Map<number, CalendarEntry[]>();
  for (const entry of entries) byYear.set(entry.year, [...(byYear.get(entry.year) ?? []), entry]);
  const years = new Map<number, CalendarYear>();
  for (const [year, all] of byYear) {
    const confirmed = all.filter((entry) => !entry.provisional);
    years.set(year, mergeYear(confirmed.length > 0 ? confirmed : all));
  }
  return { years };
}

function mergeYear(entries: readonly CalendarEntry[]): CalendarYear {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const entry of entries) {
    for (const date of entry.holidays) {
      holidays.add(date);
      workdays.delete(date);
    }
    for (const date of entry.workdays) {
      workdays.add(date);
      holidays.delete(date);
    }
  }
  return {
    holidays,
    workdays,
    sources: entries.map((entry) => entry.source),
    provisional: entries.some((entry) => entry.provisional),
    notes: entries.flatMap((entry) => (entry.note ? [entry.note] : [])),
  };
}

/** A date of an entry that does not hold together, and which list it is in: the administrator's form says it beside that list. */
export interface CalendarProblem {
  field: 'holidays' | 'workdays';
  code: 'notADate' | 'otherYear' | 'holidayAndWorkday' | 'workdayNotWeekend';
  date: string;
  year: number;
}

export function entryProblems(entry: Pick<CalendarEntry, 'year' | 'holidays' | 'workdays'>): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const lists = [['holidays', entry.holidays], ['workdays', entry.workdays]] as const;
  for (const [field, dates] of lists) {
    for (const date of dates) {
      if (!isValidDate(date)) problems.push({ field, code: 'notADate', date, year: entry.year });
      else if (Number(date.slice(0, 4)) !== entry.year) problems.push({ field, code: 'otherYear', date, year: entry.year });
    }
  }
  if (problems.length > 0) return problems;
  for (const date of entry.workdays) {
    if (entry.holidays.includes(date)) problems.push({ field: 'workdays', code: 'holidayAndWorkday', date, year: entry.year });
    // A make-up working day on a weekday would change nothing, so it is almost surely a typo.
    if (!isWeekend(toDayNumber(date))) problems.push({ field: 'workdays', code: 'workdayNotWeekend', date, year: entry.year });
  }
  return problems;
}

/** For the shipped calendar checked at start-up (an operator's log, not a page). */
function problemInEnglish({ code, date, year }: CalendarProblem): string {
  return {
    notADate: `${date} is not a YYYY-MM-DD date`,
    otherYear: `${date} is not in ${year}`,
    holidayAndWorkday: `${date} is both a holiday and a working day`,
    workdayNotWeekend: `${date} is a make-up working day but not a weekend day`,
  }[code];
}

/**
 * Years the calendar does not cover fall back to plain weekends: a deadline
 * that ignores a holiday errs early, never late. Administrators should add
 * each year's notice before the year starts.
 */
export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  return isWorkingDayNumber(toDayNumber(date), calendar);
}

/** The deadline n working days after `date`; the day of receipt itself does not count. */
export function addWorkingDays(date: string, n: number, calendar: WorkingCalendar): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Working days must be a whole number >= 0, got ${n}`);
  let day = toDayNumber(date);
  let left = n;
  while (left > 0) {
    day += 1;
    if (isWorkingDayNumber(day, calendar)) left -= 1;
  }
  return fromDayNumber(day);
}

/** Working days after `from` up to and including `to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: string, to: string, calendar: WorkingCalendar): number {
  const end = toDayNumber(to);
  let count = 0;
  for (let day = toDayNumber(from) + 1; day <= end; day += 1) {
    if (isWorkingDayNumber(day, calendar)) count += 1;
  }
  return count;
}

/** Red once `due` has passed; amber when 3 or fewer working days remain after today. */
export function deadlineStatus(due: string, today: string, calendar: WorkingCalendar): DeadlineStatus {
  const dueDay = toDayNumber(due);
  if (toDayNumber(today) > dueDay) return 'red';
  // Comparing with the first working day beyond the amber window, rather than
  // counting up to `due`, costs the same for a deadline years away.
  const beyondAmber = toDayNumber(addWorkingDays(today, AMBER_WORKING_DAYS + 1, calendar));
  return dueDay < beyondAmber ? 'amber' : 'green';
}

function isWorkingDayNumber(day: number, calendar: WorkingCalendar): boolean {
  const date = fromDayNumber(day);
  const year = calendar.years.get(Number(date.slice(0, 4)));
  if (year?.holidays.has(date)) return false;
  if (year?.workdays.has(date)) return true;
  return !isWeekend(day);
}

// Days since 1970-01-01 let us step through dates with UTC arithmetic only,
// so the machine's own time zone never comes into it.
function toDayNumber(date: string): number {
  const day = parseDayNumber(date);
  if (day === undefined) throw new RangeError(`Not a YYYY-MM-DD date: ${String(date)}`);
  return day;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isValidDate(date: unknown): date is string {
  return parseDayNumber(date) !== undefined;
}

// The round trip rejects dates such as 2026-02-30, and years below 100,
// which Date.UTC would silently move into the 1900s.
function parseDayNumber(date: unknown): number | undefined {
  if (typeof date !== 'string' || !DATE_PATTERN.test(date)) return undefined;
  const day = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
  return fromDayNumber(day) === date ? day : undefined;
}

function isWeekend(day: number): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return weekday === 0 || weekday === 6;
}
