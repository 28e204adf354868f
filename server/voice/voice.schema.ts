/** The reporter's forms of voice/, one schema each. The code is checked separately, without echoing it. */
import { z } from 'zod';
import { ratingLevels } from './rating.model';

const cleanText = (min: number, max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()).pipe(z.string().min(min).max(max));
const hidden = { _csrf: z.string().max(300), code: z.string().max(100) };

export const ratingFormSchema = z.object({
  ...hidden,
  level: z.enum(ratingLevels),
  comment: cleanText(0, 1000).optional().transform((value) => value ?? ''),
}).strict();

export const objectionFormSchema = z.object({ ...hidden, objection: cleanText(2, 5000) }).strict();

export const retaliationFormSchema = z.object({
  ...hidden,
  happened: cleanText(2, 5000),
  when: cleanText(2, 200),
}).strict();
