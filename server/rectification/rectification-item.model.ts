/**
 * A rectification item (督查整改事项): one problem a unit must put right, its
 * required measure and due date, and what happened since (the unit's
 * answers, the commission's send-backs and verification). Its own document,
 * read by _id. The problem and measure are written by a supervisor for the
 * unit to read: they are in clear, and hold no reporter's words unless the
 * supervisor wrote them there. The case it came from is kept for the
 * commission only (caseId, caseReference): a liaison's page never shows it.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

export const itemStates = ['open', 'reported', 'verified'] as const;
export type ItemState = (typeof itemStates)[number];

const answerSchema = new Schema(
  {
    date: { type: String, required: true },
    by: { type: String, required: true },
    text: { type: String, required: true },
    fileIds: { type: [String], default: [] },
  },
  { _id: false },
);

const sendBackSchema = new Schema(
  { date: { type: String, required: true }, by: { type: String, required: true }, reason: { type: String, required: true } },
  { _id: false },
);

const itemSchema = new Schema(
  {
    _id: { type: String, required: true },
    unitCode: { type: String, required: true },
    caseId: { type: String, default: null },
    caseReference: { type: String, default: null },
    /** 'case': from a concluded case; 'inspection': from an inspection finding */
    source: { type: String, enum: ['case', 'inspection'], required: true },
    problem: { type: String, required: true },
    measure: { type: String, required: true },
    workingDays: { type: Number, required: true },
    openedDate: { type: String, required: true },
    openedBy: { type: String, required: true },
    dueDate: { type: String, required: true },
    state: { type: String, enum: itemStates, required: true, default: 'open' },
    answers: { type: [answerSchema], default: [] },
    sentBack: { type: [sendBackSchema], default: [] },
    verifiedDate: { type: String, default: null },
    verifiedBy: { type: String, default: null },
    /** verified, and the answer it was verified on came on or before the due date */
    closedOnTime: { type: Boolean, default: null },
  },
  { collection: 'rectification_items', versionKey: false },
);

export type RectificationItemDocument = InferSchemaType<typeof itemSchema>;
export const RectificationItem = model('RectificationItem', itemSchema);

/**
 * An evidence file of an answer: cleaned like every upload (cases/evidence),
 * sealed under its own data key, which is sealed to the commission's key.
 * The liaison who sent it cannot open it again; key holders can.
 */
const fileSchema = new Schema(
  {
    _id: { type: String, required: true },
    itemId: { type: String, required: true },
    type: { type: String, required: true },
    mimeType: { type: String, required: true },
    extension: { type: String, required: true },
    size: { type: Number, required: true },
    date: { type: String, required: true },
    sealedKey: { keyId: String, ephemeralPublicKey: String, box: String },
    sealedBytes: { type: Buffer, required: true },
  },
  { collection: 'rectification_files', versionKey: false },
);

export const RectificationFile = model('RectificationFile', fileSchema);

export const fileSealContext = (itemId: string, fileId: string): string => `rectification:${itemId}:file:${fileId}`;
