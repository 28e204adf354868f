/**
 * The form an intake officer fills in for a report that came by letter,
 * telephone, visit, a 12345 referral or from a higher authority: the web
 * form's fields and rules (reports/report.schema.ts), without the public
 * form's honeypot and rules checkbox, plus the channel and the day received.
 */
import { z } from 'zod';
import { enteredChannels } from '../cases/case-channels';
import { chinaDateOf } from '../lib/china-time';
import { checkReportRules, reportFieldShapes, type ReportForm } from '../reports/report.schema';

/** A report older than this is entered with a date the officer must mean: a year back at most. */
const maxAgeDays = 366;

const { contactNotes: _honeypot, acceptRules: _rules, ...sharedShapes } = reportFieldShapes;

export const enteredReportSchema = z
  .object({
    ...sharedShapes,
    channel: z.enum(enteredChannels),
    // In the field itself, so that it is reported beside the other fields' problems.
    receivedDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isCalendarDate).refine(isWithinTheLastYear),
  })
  .strict()
  .superRefine(checkReportRules);

export type EnteredReportForm = z.output<typeof enteredReportSchema>;

export const enteredReportFields = [
  'channel', 'receivedDate', 'reporterType', 'kind', 'unit', 'unitOther', 'category', 'description', 'whenWhere', 'officialName',
  'workOrderNumber', 'concernsCommission', 'identityChoice', 'name', 'phone', 'email', 'companyName', 'creditCode', 'notifyByEmail',
] as const;

/** The same report as the web form would give it: the service that stores reports takes one shape. */
export function asReportForm(form: EnteredReportForm): ReportForm {
  const { channel: _channel, receivedDate: _date, ...report } = form;
  return { ...report, contactNotes: undefined, acceptRules: 'yes' };
}

function isWithinTheLastYear(value: string): boolean {
  const now = Date.now();
  return value <= chinaDateOf(new Date(now)) && value >= chinaDateOf(new Date(now - maxAgeDays * 86_400_000));
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
