/**
 * Turns a zod error into what a form page needs: one message key per field,
 * or "tampered" when the request cannot have come from our form (unknown
 * fields, missing hidden fields), which is answered with 400, not a form.
 */
import type { ZodError } from 'zod';

export interface FormProblems {
  fields: Record<string, string>;
  tampered: boolean;
}

export function formProblems(error: ZodError, messagePrefix: string, hiddenFields: readonly string[] = ['_csrf']): FormProblems {
  const fields: Record<string, string> = {};
  let tampered = false;
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys' || !field || hiddenFields.includes(field)) {
      tampered = true;
      continue;
    }
    fields[field] ??= `${messagePrefix}.${field}`;
  }
  return { fields, tampered };
}

/** The values to put back into a re-rendered form: strings only, nothing else echoed. */
export function typedValues(body: unknown, fields: readonly string[]): Record<string, string> {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, typeof source[field] === 'string' ? (source[field] as string) : '']));
}
