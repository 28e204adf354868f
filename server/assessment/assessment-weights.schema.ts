/** The weights form: a whole number from 0 to 100 for every weighted indicator. */
import { z } from 'zod';
import type { FormMessages } from '../lib/forms';
import { weightedIndicators } from './assessment-indicators';

const weight = z.string().trim().regex(/^\d{1,3}$/, 'weight').transform(Number).pipe(z.number().int().min(0, 'weight').max(100, 'weight'));

export const weightsFormSchema = z.object({
  _csrf: z.string().max(300),
  ...Object.fromEntries(weightedIndicators.map((indicator) => [indicator.weightKey, weight])),
}).strict();

export const weightsFormMessages: FormMessages = { prefix: 'assessment.errors', codes: new Set(['weight']) };

export const weightFields = weightedIndicators.map((indicator) => indicator.weightKey);
