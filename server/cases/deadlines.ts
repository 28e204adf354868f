/**
 * Deadlines in working days, defaults from the 2020 rules on handling
 * reports: decide on acceptance within 15 working days of receipt, transfer
 * within 5, tell the result within 15 of concluding.
 */
import { addWorkingDays, chinaDateOf, loadCalendar, type WorkingCalendar } from '../triage/working-days';

export const deadlineDays = { acceptance: 15, transfer: 5, resultNotice: 15 } as const;

let calendar: WorkingCalendar | undefined;

export function workingCalendar(): WorkingCalendar {
  calendar ??= loadCalendar();
  return calendar;
}

export interface ReceiptDates {
  receivedDate: string;
  monthKey: string;
  year: string;
  acceptDueDate: string;
}

export function receiptDates(receivedAt: Date): ReceiptDates {
  const receivedDate = chinaDateOf(receivedAt);
  return {
    receivedDate,
    monthKey: receivedDate.slice(0, 7),
    year: receivedDate.slice(0, 4),
    acceptDueDate: addWorkingDays(receivedDate, deadlineDays.acceptance, workingCalendar()),
  };
}
