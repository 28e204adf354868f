/**
 * The report form. Every field is a string (or absent); anything else —
 * arrays from repeated fields, objects from bracketed names, unknown fields —
 * is refused before any work is done.
 */
import { z } from 'zod';
import { caseKinds, reporterTypes } from '../cases/case-stages';

// Control characters other than tab and newlines have no place in a report.
const cleanText = (max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim())
    .pipe(z.string().max(max));
const optionalText = (max: number) => cleanText(max).optional().transform((value) => value ?? '');
const checkbox = z.literal('yes').optional().transform((value) => value === 'yes');

/** The fields of a report, shared with the forms intake officers fill in for a report by letter, phone or visit (intake/). */
export const reportFieldShapes = {
  _csrf: z.string().max(300),
  formToken: z.string().max(200),
  contactNotes: z.string().max(500).optional(), // honeypot: hidden from people
  reporterType: z.enum(reporterTypes),
  kind: z.enum(caseKinds),
  unit: z.string().max(40).regex(/^[a-z0-9-]+$/),
  unitOther: optionalText(200),
  category: z.string().max(40).regex(/^[a-z0-9-]*$/).optional().transform((value) => value ?? ''),
  description: cleanText(5000).pipe(z.string().min(20)),
  whenWhere: optionalText(500),
  officialName: optionalText(200),
  workOrderNumber: optionalText(100),
  concernsCommission: checkbox,
  identityChoice: z.enum(['anonymous', 'confidential']).optional().transform((value) => value ?? 'anonymous'),
  name: optionalText(100),
  phone: optionalText(30).pipe(z.string().regex(/^$|^[0-9+\-\s()]{5,30}$/)),
  email: optionalText(200).pipe(z.string().email().or(z.literal(''))),
  companyName: optionalText(200),
  creditCode: optionalText(18).transform((value) => value.toUpperCase()).pipe(z.string().regex(/^$|^[0-9A-HJ-NPQRTUWXY]{18}$/)),
  notifyByEmail: checkbox,
  acceptRules: z.literal('yes'),
};

type ReportRuleFields = Pick<z.output<z.ZodObject<typeof reportFieldShapes>>, 'unit' | 'unitOther' | 'kind' | 'category' | 'identityChoice' | 'name' | 'phone' | 'email' | 'notifyByEmail'>;

/** The rules between fields, the same for every form that takes a report. */
export function checkReportRules(form: ReportRuleFields, ctx: z.RefinementCtx): void {
  if (form.unit === 'other' && !form.unitOther) ctx.addIssue({ code: 'custom', path: ['unitOther'], message: 'required' });
  if (form.kind === 'complaint' && !form.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'required' });
  if (form.identityChoice === 'confidential') {
  if (!form.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'required' });
  if (!form.phone && !form.email) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'required' });
  }
  if (form.notifyByEmail && !form.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'required' });
}

// The public form also asks whether the report concerns the commission's own leadership; a "yes" never reaches this schema (leadership-question.ts).
export const reportFormSchema = z.object({ ...reportFieldShapes, concernsLeadership: z.enum(['no']).optional() }).strict().superRefine(checkReportRules);

export type ReportForm = z.output<typeof reportFormSchema>;

export const reportFields = [
  'reporterType', 'kind', 'unit', 'unitOther', 'category', 'description', 'whenWhere', 'officialName',
  'workOrderNumber', 'concernsCommission', 'identityChoice', 'name', 'phone', 'email', 'companyName',
  'creditCode', 'notifyByEmail', 'acceptRules', 'concernsLeadership',
] as const;
