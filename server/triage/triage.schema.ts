/** The forms of the case workspace, one schema each; the case-action table names which action takes which. */
import { z } from 'zod';
import { measures, outcomes } from '../cases/case-stages';

const text = (min: number, max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()).pipe(z.string().min(min).max(max));
const base = { _csrf: z.string().max(300) };

export const buttonForm = z.object(base).strict();
export const reasonForm = z.object({ ...base, reason: text(2, 1000) }).strict();
export const authorityForm = z.object({ ...base, authority: text(2, 200) }).strict();
export const assignForm = z.object({ ...base, handlerId: z.string().regex(/^[0-9a-f]{24}$/) }).strict();
export const priorityForm = z.object({ ...base, priority: z.enum(['normal', 'high']) }).strict();
export const messageForm = z.object({ ...base, text: text(2, 5000) }).strict();
/** A message the reporter reads; the template picked (常用语) rides along, used only by "use template". */
export const reporterMessageForm = messageForm.extend({ templateId: z.string().max(40).optional() });
export const templatePickForm = z.object({ ...base, text: z.string().max(20000).optional(), templateId: z.string().max(40) }).strict();
export const linkForm = z.object({ ...base, reference: z.string().trim().regex(/^TZ-\d{4}-\d{5,}$/) }).strict();
export const concludeForm = z
  .object({
    ...base,
    outcome: z.enum(outcomes),
    measures: z.union([z.enum(measures), z.array(z.enum(measures)).max(measures.length)]).optional()
      .transform((value) => (value === undefined ? [] : Array.isArray(value) ? [...new Set(value)] : [value])),
    summary: text(2, 2000),
  })
  .strict();

export const identityForm = z.object({ ...base, reason: text(10, 200), password: z.string().max(1000).optional() }).strict();
