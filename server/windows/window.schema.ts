/** The two forms of this room: registering a window (administrators) and rating one (anyone). */
import { z } from 'zod';
import { windowRatingLevels } from './window-rating-levels';

const cleanText = (max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()).pipe(z.string().max(max));

export const registerWindowSchema = z.object({
  _csrf: z.string().max(300),
  unit: z.string().max(40).regex(/^[a-z0-9-]+$/),
  hall: cleanText(100).pipe(z.string().min(1)),
  number: cleanText(20).pipe(z.string().min(1)),
}).strict();
export type RegisterWindowForm = z.output<typeof registerWindowSchema>;
export const registerWindowFields = ['unit', 'hall', 'number'] as const;

export const rateWindowSchema = z.object({
  _csrf: z.string().max(300),
  formToken: z.string().max(200),
  contactNotes: z.string().max(500).optional(), // honeypot: hidden from people
  level: z.enum(windowRatingLevels),
  comment: cleanText(1000).optional().transform((value) => value ?? ''),
}).strict();
export type RateWindowForm = z.output<typeof rateWindowSchema>;
export const rateWindowFields = ['level', 'comment'] as const;
