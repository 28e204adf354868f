/** The queue's one bulk form: the ticked cases and what to do with them all. */
import { z } from 'zod';

export const bulkActionKinds = ['assign', 'duplicate', 'spam'] as const;
export type BulkActionKind = (typeof bulkActionKinds)[number];

const reference = z.string().regex(/^TZ-\d{4}-\d{5,}$/);
const blankAsMissing = (value: unknown) => (value === '' ? undefined : value);
const reasonText = z.string().max(4000).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim());

export const bulkForm = z
  .object({
    _csrf: z.string().max(300),
    /** the queue's filters as they were (a query string), to come back to */
    view: z.string().max(2000).optional(),
    cases: z.union([reference, z.array(reference).max(100)]).optional().transform((value) => [...new Set(value === undefined ? [] : Array.isArray(value) ? value : [value])]),
    bulkAction: z.enum(bulkActionKinds),
    handlerId: z.preprocess(blankAsMissing, z.string().regex(/^[0-9a-f]{24}$/).optional()),
    reason: z.preprocess(blankAsMissing, reasonText.optional()),
  })
  .strict()
  .superRefine((form, issues) => {
    if (form.cases.length === 0) issues.addIssue({ code: 'custom', path: ['cases'], message: 'required' });
    if (form.bulkAction === 'assign' && !form.handlerId) issues.addIssue({ code: 'custom', path: ['handlerId'], message: 'required' });
    // A case closed as a duplicate or as spam says why: the reporter reads it, like any decline.
    if (form.bulkAction !== 'assign' && (!form.reason || form.reason.length < 2 || form.reason.length > 1000)) issues.addIssue({ code: 'custom', path: ['reason'], message: 'required' });
  });

export type BulkForm = z.output<typeof bulkForm>;
