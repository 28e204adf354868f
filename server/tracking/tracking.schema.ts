/** The two forms a reporter uses on /track. The code is checked separately, without echoing it. */
import { z } from 'zod';

export const lookupFormSchema = z.object({ _csrf: z.string().max(300), code: z.string().max(100) }).strict();

export const addInformationSchema = z
  .object({
    _csrf: z.string().max(300),
    code: z.string().max(100),
    message: z
      .string()
      .max(20_000)
      .transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim())
      .pipe(z.string().min(2).max(5000)),
    /** a case started from this one (a retaliation check-in, voice/) the addition belongs to; absent: this case */
    to: z.string().max(40).optional(),
  })
  .strict();
