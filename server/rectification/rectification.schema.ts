/**
 * The rectification forms, one zod schema each. A field's message is
 * `rectification.errors.<field>`.
 */
import { z } from 'zod';
import type { FormMessages } from '../lib/forms';

export const rectificationMessages: FormMessages = { prefix: 'rectification.errors' };

export const maxWorkingDays = 250;

const cleanText = (min: number, max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()).pipe(z.string().min(min).max(max));

export const openItemForm = z
  .object({
    _csrf: z.string().max(300),
    reference: z.string().max(20).regex(/^TZ-\d{4}-\d{5,}$/),
    unit: z.string().min(1).max(40).regex(/^[a-z0-9-]+$/),
    problem: cleanText(4, 1000),
    measure: cleanText(4, 1000),
    workingDays: z.string().max(4).regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(maxWorkingDays)),
  })
  .strict();
export type OpenItemForm = z.output<typeof openItemForm>;
export const openItemFields = ['unit', 'problem', 'measure', 'workingDays'] as const;

export const answerForm = z.object({ _csrf: z.string().max(300), text: cleanText(4, 2000) }).strict();

export const sendBackForm = z.object({ _csrf: z.string().max(300), reason: cleanText(4, 500) }).strict();

export const buttonForm = z.object({ _csrf: z.string().max(300) }).strict();
