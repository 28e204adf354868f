/**
 * The one way a form is refused, public and staff alike: the form comes back
 * (422, or 409 when it clashes with what is stored) with a message beside
 * each field it names and everything typed kept; nothing is changed.
 *
 * - readForm parses a body with the form's one schema and throws a
 *   FormRefusal naming each field. Unknown fields or missing hidden fields
 *   can only come from tampering: 400, no form.
 * - Services throw a FormRefusal for a rule the schema cannot know (an
 *   address already in use, a wrong current password).
 * - Routes catch it in one place with whenRefused and render the form again.
 */
import type { z, ZodError, ZodTypeAny } from 'zod';
import { HttpError } from './http-error';

/** The fields a form was refused for, each with the locale key of its message. */
export type FieldMessages = Record<string, string>;

export class FormRefusal extends Error {
  override name = 'FormRefusal';

  constructor(
    readonly fields: FieldMessages,
    readonly status: 409 | 422 = 422,
    /** what the messages need besides the field, such as which file was refused */
    readonly context: Record<string, string | number | string[]> = {},
  ) {
    super(`refused: ${Object.keys(fields).join(', ')}`);
  }
}

export function refuseField(field: string, message: string, status: 409 | 422 = 422, context: Record<string, string | number | string[]> = {}): FormRefusal {
  return new FormRefusal({ [field]: message }, status, context);
}

export interface FormMessages {
  /** locale prefix of the messages, e.g. 'reports.errors' */
  prefix: string;
  /**
   * With codes: a field's message is `${prefix}.${code}` when the schema's
   * message is one of them (else `${prefix}.invalid`); without: `${prefix}.${field}`.
   */
  codes?: ReadonlySet<string>;
  /** fields our own pages fill in; a problem with one is tampering (default: _csrf) */
  hidden?: readonly string[];
}

export function readForm<S extends ZodTypeAny>(schema: S, body: unknown, messages: FormMessages): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw refusalOf(parsed.error, messages);
}

/** The refusal for a failed parse; HttpError(400) when the form was tampered with. */
export function refusalOf(error: ZodError, messages: FormMessages): FormRefusal {
  const hidden = messages.hidden ?? ['_csrf'];
  const fields: FieldMessages = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys' || !field || hidden.includes(field)) throw new HttpError(400, 'badRequest');
    fields[field] ??= messages.codes ? `${messages.prefix}.${messages.codes.has(issue.message) ? issue.message : 'invalid'}` : `${messages.prefix}.${field}`;
  }
  return new FormRefusal(fields);
}

/** Runs the work; a FormRefusal it throws is handed to `again`, which renders the form with its status. */
export async function whenRefused(work: () => Promise<unknown>, again: (refusal: FormRefusal) => Promise<unknown> | unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof FormRefusal)) throw error;
    await again(error);
  }
}

/** The values to put back into a re-rendered form: strings only, nothing else echoed. */
export function typedValues(body: unknown, fields: readonly string[]): Record<string, string> {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, typeof source[field] === 'string' ? (source[field] as string) : '']));
}
