/**
 * Deadlines in working days, defaults from the 2020 rules on handling
 * reports: decide on acceptance within 15 working days of receipt, transfer
 * within 5, tell the result within 15 of concluding; a conclusion target of
 * 3 months. Configurable (DEADLINE_* keys), set once at start-up.
 */
import { addWorkingDays, loadCalendar, type WorkingCalendar } from './working-days';
import { chinaDateOf } from '../lib/china-time';

export interface DeadlineRules {
  acceptance: number;
  transfer: number;
  resultNotice: number;
  conclusionMonths: number;
  /** 复查: answering a reporter's objection */
  review: number;
  /** the answer the commission asks for when it puts a question to the reporter */
  answer: number;
}

export const defaultDeadlineRules: DeadlineRules = { acceptance: 15, transfer: 5, resultNotice: 15, conclusionMonths: 3, review: 15, answer: 10 };
let rules: DeadlineRules = defaultDeadlineRules;

/** The rules in force (the public figures' "accepted on time" uses the acceptance limit). */
export function deadlineRules(): DeadlineRules {
  return rules;
}

export function setDeadlineRules(next: DeadlineRules): void {
  rules = next;
}

let calendar: WorkingCalendar | undefined;

/** The calendar in force: the shipped one until calendar.service.ts loads administrators' entries. */
export function workingCalendar(): WorkingCalendar {
  calendar ??= loadCalendar();
  return calendar;
}

export function setWorkingCalendar(next: WorkingCalendar): void {
  calendar = next;
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
    acceptDueDate: addWorkingDays(receivedDate, rules.acceptance, workingCalendar()),
  };
}

/** YYYY-MM-DD plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

export interface StageDates {
  acceptDueDate: string;
  acceptedDate?: string | null;
  concludedDate?: string | null;
  reviewStartedDate?: string | null;
  reopenedDate?: string | null;
  /** an accepted case marked to be transferred: due within the transfer limit of its acceptance */
  transferPlannedDate?: string | null;
}

/** The deadline that applies in a stage: deciding, concluding, or telling the result. */
export function dueDateInStage(status: string, dates: StageDates): string | null {
  switch (status) {
    case 'new':
      return dates.acceptDueDate;
    case 'accepted':
    case 'investigating': {
      // A case reopened after review starts its conclusion target again.
      const start = dates.reopenedDate ?? dates.acceptedDate;
      const conclusion = start ? addMonths(start, rules.conclusionMonths) : null;
      const transfer = transferPlanInForce(dates) ? transferDueDate(dates.acceptedDate ?? dates.transferPlannedDate!) : null;
      return transfer && (!conclusion || transfer < conclusion) ? transfer : conclusion;
    }
    case 'review':
      return dates.reviewStartedDate ? addWorkingDays(dates.reviewStartedDate, rules.review, workingCalendar()) : null;
    case 'concluded':
      return dates.concludedDate ? addWorkingDays(dates.concludedDate, rules.resultNotice, workingCalendar()) : null;
    default:
      return null;
  }
}

/** A case marked to be transferred, and not reopened since (a reopened case starts its deadlines again). */
export function transferPlanInForce(dates: { transferPlannedDate?: string | null; reopenedDate?: string | null }): boolean {
  return Boolean(dates.transferPlannedDate) && !(dates.reopenedDate && dates.reopenedDate >= dates.transferPlannedDate!);
}

/** 转办: an accepted case to be transferred goes within the transfer limit (DEADLINE_TRANSFER_WORKING_DAYS) of its acceptance. */
/** By when a reporter is asked to answer a question put to them on `askedDate` (YYYY-MM-DD). */
export function answerDueDate(askedDate: string): string {
  return addWorkingDays(askedDate, rules.answer, workingCalendar());
}

export function transferDueDate(acceptedDate: string): string {
  return addWorkingDays(acceptedDate, rules.transfer, workingCalendar());
}

/** 报送: a report about the commission's own staff is passed up within the transfer limit of its receipt. */
export function passUpDueDate(receivedDate: string): string {
  return addWorkingDays(receivedDate, rules.transfer, workingCalendar());
}

/** 反馈 to a named reporter: acceptance told within the acceptance limit of accepting, the result within the result limit of concluding. */
export function feedbackDueDates(dates: { acceptedDate?: string | null; concludedDate?: string | null }): { acceptance: string | null; result: string | null } {
  return {
    acceptance: dates.acceptedDate ? addWorkingDays(dates.acceptedDate, rules.acceptance, workingCalendar()) : null,
    result: dates.concludedDate ? addWorkingDays(dates.concludedDate, rules.resultNotice, workingCalendar()) : null,
  };
}
