/** The forms on a case page, one schema per action. */
import { z } from 'zod';
import { measures, outcomes } from '../cases/case-status';

const text = (min: number, max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()).pipe(z.string().min(min).max(max));
const base = { _csrf: z.string().max(300) };

export const actionForms = {
  accept: z.object(base).strict(),
  investigate: z.object(base).strict(),
  close: z.object(base).strict(),
  decline: z.object({ ...base, reason: text(2, 1000) }).strict(),
  transfer: z.object({ ...base, authority: text(2, 200) }).strict(),
  assign: z.object({ ...base, handlerId: z.string().regex(/^[0-9a-f]{24}$/) }).strict(),
  priority: z.object({ ...base, priority: z.enum(['normal', 'high']) }).strict(),
  reply: z.object({ ...base, text: text(2, 5000) }).strict(),
  request: z.object({ ...base, text: text(2, 5000) }).strict(),
  note: z.object({ ...base, text: text(2, 5000) }).strict(),
  findings: z.object({ ...base, text: text(2, 5000) }).strict(),
  link: z.object({ ...base, reference: z.string().trim().regex(/^TZ-\d{4}-\d{5,}$/) }).strict(),
  conclude: z
    .object({
      ...base,
      outcome: z.enum(outcomes),
      measures: z.union([z.enum(measures), z.array(z.enum(measures)).max(measures.length)]).optional()
        .transform((value) => (value === undefined ? [] : Array.isArray(value) ? [...new Set(value)] : [value])),
      summary: text(2, 2000),
    })
    .strict(),
} as const;

export type ActionName = keyof typeof actionForms;

export function isActionName(value: string): value is ActionName {
  return Object.prototype.hasOwnProperty.call(actionForms, value);
}

export const identityForm = z.object({ ...base, reason: text(10, 200) }).strict();
