/**
 * The audit trail: one document per entry, insert-only. `seq` is unique, so
 * two writers racing for the same place cannot both win (FerretDB has no
 * transactions or atomic counters); `prevHash` and `hash` chain the entries
 * so an edited or deleted entry shows (see audit.service.ts).
 *
 * An entry's _id is its seq as a string (auditKey), so the end of the chain
 * is found by key (FerretDB pushes down `_id` equality only for strings and
 * ObjectIds, not for numbers): on
 * FerretDB any other filter reads every entry ever written, and the trail
 * grows with every page a member of staff opens. Entries written before
 * (ObjectId _ids, seqs below the head's `keyedFrom`) are found by seq.
 *
 * The head document remembers the highest seq written, to find the end of
 * the chain without sorting the whole collection (FerretDB sorts by
 * scanning), and the first seq written with its seq as _id. It is a hint:
 * appends walk forward from it, and verification uses it only to notice
 * entries cut from the end.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const auditEntrySchema = new Schema(
  {
    _id: { type: Schema.Types.Mixed },
    seq: { type: Number, required: true, unique: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true, index: true },
    action: { type: String, required: true, index: true },
    caseId: { type: String },
    caseRef: { type: String, index: true },
    details: { type: Schema.Types.Mixed, default: () => ({}) },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  // minimize off: an empty `details` must come back as {} to hash the same.
  { collection: 'audit_entries', minimize: false, versionKey: false },
);

const auditHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    keyedFrom: { type: Number },
  },
  { collection: 'audit_head', versionKey: false },
);

export const auditKey = (seq: number): string => String(seq);

/** Every action code recorded since entries were keyed, one document each: the audit screen's choice of actions. */
export const AuditAction = model('AuditAction', new Schema({ _id: { type: String, required: true } }, { collection: 'audit_actions', versionKey: false }));

export type AuditEntryDocument = InferSchemaType<typeof auditEntrySchema>;
export const AuditEntry = model('AuditEntry', auditEntrySchema);
export const AuditHead = model('AuditHead', auditHeadSchema);
