/**
 * The inspection group's finding: the day, the unit, the place, the method
 * (明察, 暗访, 四不两直), the kind of problem, what was seen and the
 * officials concerned. Place, what was seen and the officials are sealed
 * like a report's text; the rest is in clear for the queue and the counts.
 */
import { z } from 'zod';
import { inspectionMethods } from '../cases/case-channels';
import { chinaDateOf } from '../lib/china-time';
import type { ReportForm } from '../reports/report.schema';

const maxAgeDays = 366;

const cleanText = (max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()).pipe(z.string().max(max));

export const findingSchema = z
  .object({
    _csrf: z.string().max(300),
    formToken: z.string().max(200),
    findingDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isRecentCalendarDate),
    unit: z.string().max(40).regex(/^[a-z0-9-]+$/),
    place: cleanText(500).pipe(z.string().min(2)),
    method: z.enum(inspectionMethods),
    category: z.string().max(40).regex(/^[a-z0-9-]+$/),
    seen: cleanText(5000).pipe(z.string().min(20)),
    officials: cleanText(200).optional().transform((value) => value ?? ''),
  })
  .strict();

export type FindingForm = z.output<typeof findingSchema>;

export const findingFields = ['findingDate', 'unit', 'place', 'method', 'category', 'seen', 'officials'] as const;

/**
 * A finding stored as a case, through the service that stores every report:
 * what was seen is its text, the place its "when and where", the officials
 * its "officials concerned"; no identity, no reporter.
 */
export function findingAsReport(form: FindingForm): ReportForm {
  return {
    _csrf: form._csrf, formToken: form.formToken, contactNotes: undefined, acceptRules: 'yes',
    reporterType: 'undisclosed', kind: 'complaint', unit: form.unit, unitOther: '', category: form.category,
    description: form.seen, whenWhere: form.place, officialName: form.officials, workOrderNumber: '', concernsCommission: false,
    identityChoice: 'anonymous', name: '', phone: '', email: '', companyName: '', creditCode: '', notifyByEmail: false,
  };
}

function isRecentCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  const now = Date.now();
  return value <= chinaDateOf(new Date(now)) && value >= chinaDateOf(new Date(now - maxAgeDays * 86_400_000));
}
