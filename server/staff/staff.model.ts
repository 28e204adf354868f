/**
 * A staff account of the commission. Nothing here is secret in clear: the
 * password is an argon2id hash, the TOTP secret is sealed (see totp.ts), and
 * the commission's private key is wrapped under the password (see
 * cases/sealing/staff-key-wrap.ts). Every path is readable (no select:false,
 * which FerretDB cannot honour), so nothing here may ever be rendered whole.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** inspector: the inspection group (明察暗访组), records findings (inspection/). liaison: a unit's rectification liaison (整改联络员), bound to `unitCode` (rectification/). */
export const staffRoles = ['intake', 'handler', 'supervisor', 'custodian', 'admin', 'inspector', 'liaison'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** The roles that work on cases; administrators and custodians alone see no case content. */
export const caseRoles: readonly StaffRole[] = ['intake', 'handler', 'supervisor'];

const wrappedKeySchema = new Schema(
  {
    keyId: { type: String, required: true },
    kdf: {
      algorithm: { type: String, required: true },
      memoryCost: { type: Number, required: true },
      timeCost: { type: Number, required: true },
      parallelism: { type: Number, required: true },
      salt: { type: String, required: true },
    },
    box: { type: String, required: true },
  },
  { _id: false },
);

const staffSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    roles: { type: [String], enum: staffRoles, default: [] },
    passwordHash: { type: String, required: true },
    /** Set when an administrator (or the set-up command) chose the password: the owner must replace it. */
    mustChangePassword: { type: Boolean, default: true },
    /** base64 content box, see totp.ts */
    totpSecretBox: { type: String, required: true },
    totpConfirmedAt: { type: Date, default: null },
    /** The last 30-second step whose code was accepted; earlier or equal steps are refused. */
    totpLastUsedStep: { type: Number, default: 0 },
    wrappedCommissionKey: { type: wrappedKeySchema, default: null },
    /** Custodians only: the identity key's private half, wrapped under their password (cases/identity-sealing.ts). */
    wrappedIdentityKey: { type: wrappedKeySchema, default: null },
    /** liaisons only: the one unit whose rectification items they see and answer (a code of the unit list) */
    unitCode: { type: String, default: null },
    disabled: { type: Boolean, default: false },
    /** Raised whenever existing sessions must end (disable, password or TOTP reset, key revoked). */
    sessionVersion: { type: Number, default: 1 },
    lockedUntil: { type: Date, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { collection: 'staff', versionKey: false },
);

export type StaffDocument = InferSchemaType<typeof staffSchema> & { _id: Types.ObjectId };
export const Staff = model('Staff', staffSchema);

/**
 * Each accepted code, one document per account and step. The unique _id
 * refuses the second of two simultaneous uses of one code, which a
 * read-then-write of totpLastUsedStep alone cannot on FerretDB. A new
 * secret starts with none (accounts.service.ts resetTotp).
 */
const totpUseSchema = new Schema(
  { _id: { type: String, required: true }, staffId: { type: String, required: true, index: true }, at: { type: Date, required: true } },
  { collection: 'staff_totp_uses', versionKey: false },
);
export const TotpUse = model('TotpUse', totpUseSchema);

export function isLocked(staff: Pick<StaffDocument, 'lockedUntil'>, now = Date.now()): boolean {
  return staff.lockedUntil !== null && staff.lockedUntil !== undefined && staff.lockedUntil.getTime() > now;
}
