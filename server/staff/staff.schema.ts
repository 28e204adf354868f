/**
 * The staff forms, one zod schema each. Messages are locale codes under
 * staff.errors (staffFormMessages, for lib/forms.ts).
 */
import { z } from 'zod';
import type { FormMessages } from '../lib/forms';
import { staffRoles } from './staff.model';

export const staffFormMessages: FormMessages = { prefix: 'staff.errors', codes: new Set(['required', 'email', 'tooLong', 'rolesRequired', 'mismatch', 'code', 'date']) };

const required = (max: number) => z.string({ required_error: 'required', invalid_type_error: 'required' }).trim().min(1, 'required').max(max, 'tooLong');
// Passwords are taken exactly as typed (spaces are part of a passphrase); the policy counts characters.
const password = z.string({ required_error: 'required', invalid_type_error: 'required' }).min(1, 'required').max(1024, 'tooLong');
const optionalPassword = z
  .string()
  .max(1024, 'tooLong')
  .optional()
  .transform((value) => (value ? value : undefined));
const checkbox = z
  .string()
  .optional()
  .transform((value) => value === 'on');
// Checkboxes arrive as nothing, one string or several.
const roles = z
  .union([z.string(), z.array(z.string())], { invalid_type_error: 'rolesRequired', required_error: 'rolesRequired' })
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .pipe(z.array(z.enum(staffRoles, { errorMap: () => ({ message: 'rolesRequired' }) })).min(1, 'rolesRequired'));

export const signInForm = z.object({ email: required(254), password });

export const codeForm = z.object({ code: required(20).regex(/^[\d\s]+$/, 'code') });

export const ownPasswordForm = z
  .object({ currentPassword: password, newPassword: password, confirmPassword: z.string({ required_error: 'required' }) })
  .refine((form) => form.newPassword === form.confirmPassword, { path: ['confirmPassword'], message: 'mismatch' });

// A liaison's unit (rectification/); the service checks it against the unit list.
const unit = z.string().max(40, 'tooLong').optional().transform((value) => (value ? value : undefined));

export const newAccountForm = z.object({
  name: required(100),
  email: required(254).pipe(z.string().email('email')),
  roles,
  unit,
  password: optionalPassword,
  grantKey: checkbox,
});

export const rolesForm = z.object({ roles, unit });

export const passwordResetForm = z.object({ password: optionalPassword, grantKey: checkbox });
