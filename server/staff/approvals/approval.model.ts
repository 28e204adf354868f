/**
 * A change to a staff account that waits for a second person: only pending
 * requests are kept, each deleted when approved, rejected or expired (the
 * decision lives on in the audit trail), so the collection stays as small as
 * the office's open requests and the screen may read it whole.
 *
 * `prepared` holds what the change needs that only the requester could make:
 * the new password's hash, the new account's sealed TOTP secret, the
 * commission key wrapped under the one-time password. It reaches the account
 * only on approval, and is never rendered.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { staffRoles } from '../staff.model';

export const approvalChanges = ['accountCreated', 'rolesChanged', 'passwordReset', 'totpReset'] as const;
export type ApprovalChange = (typeof approvalChanges)[number];

const wrappedKeySchema = new Schema(
  {
    keyId: { type: String, required: true },
    kdf: { algorithm: String, memoryCost: Number, timeCost: Number, parallelism: Number, salt: String },
    box: { type: String, required: true },
  },
  { _id: false },
);

const approvalSchema = new Schema(
  {
    change: { type: String, enum: approvalChanges, required: true },
    /** One pending request per account (`account:<id>`) and per new address (`email:<address>`). */
    subject: { type: String, required: true, unique: true },
    /** For a new account, the id it will have. */
    accountId: { type: String, required: true },
    /** For a new account (it has no document yet). */
    name: { type: String, default: null },
    email: { type: String, default: null },
    fromRoles: { type: [String], enum: staffRoles, default: [] },
    roles: { type: [String], enum: staffRoles, default: [] },
    grantsKey: { type: Boolean, default: false },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    prepared: {
      passwordHash: { type: String, default: null },
      totpSecretBox: { type: String, default: null },
      wrappedCommissionKey: { type: wrappedKeySchema, default: null },
    },
  },
  { collection: 'staff_approvals', versionKey: false },
);

export type ApprovalDocument = InferSchemaType<typeof approvalSchema> & { _id: Types.ObjectId };
export const Approval = model('Approval', approvalSchema);
