/**
 * A case: one report and everything that follows from it. Only the
 * structured fields that triage and statistics need are in clear; the
 * report's text and the reporter's identity are sealed (see sealing/), so a
 * copy of the database with the server's secrets reveals neither. Of the
 * time it arrived only the day is kept (`receivedAt` is that day's midnight
 * in China, the id starts with it: reporter-time.ts), and no created or
 * updated stamps.
 *
 * The insert of this document is the commit point of a submission:
 * attachments are written first and are invisible until their case exists.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { caseChannels, inspectionMethods } from './case-channels';
import { caseDecisions, caseKinds, caseStages, measures, outcomes, reporterTypes } from './case-stages';

const sealedForCommissionSchema = new Schema(
  { keyId: { type: String, required: true }, ephemeralPublicKey: { type: String, required: true }, box: { type: String, required: true } },
  { _id: false },
);

/** 反馈: the way the reporter was told (handling-rules/feedback-ways) and the day. */
const toldSchema = new Schema({ way: { type: String, required: true }, toldOn: { type: String, required: true } }, { _id: false });

const caseSchema = new Schema(
  {
    reference: { type: String, required: true, unique: true },
    lookupId: { type: String, required: true, unique: true },
    /** the code's locator (case-locator.model.ts), so a purge removes it by _id; absent on cases stored before */
    locator: { type: String, default: null },
    /** set when the case was purged (retention/): only its clear fields remain */
    purgedDate: { type: String, default: null },
    kind: { type: String, enum: caseKinds, required: true },
    reporterType: { type: String, enum: reporterTypes, required: true },
    /** how it came in (case-channels.ts); absent on cases from before: the form */
    channel: { type: String, enum: caseChannels, default: 'web' },
    /** an inspection finding's method (明察, 暗访, 四不两直); null for reports */
    inspectionMethod: { type: String, enum: [...inspectionMethods, null], default: null },
    unitCode: { type: String, required: true, index: true },
    categoryCode: { type: String, required: true },
    concernsCommission: { type: Boolean, default: false },
    status: { type: String, enum: caseStages, required: true, default: 'new', index: true },
    hasIdentity: { type: Boolean, default: false },
    attachmentCount: { type: Number, default: 0 },
    attachmentIds: { type: [Schema.Types.ObjectId], default: [] },
    priority: { type: String, enum: ['normal', 'high'], default: 'normal' },
    assigneeId: { type: String, default: null, index: true },

    receivedAt: { type: Date, required: true },
    /** China dates (YYYY-MM-DD / YYYY-MM), precomputed: FerretDB has no date operators. */
    receivedDate: { type: String, required: true },
    monthKey: { type: String, required: true, index: true },
    acceptDueDate: { type: String, required: true },
    /** The next deadline for the stage the case is in (null when none); kept with the status. */
    dueDate: { type: String, default: null, index: true },
    /** Sort key for the queue, kept with the status: new first, closed last. */
    stageOrder: { type: Number, default: 0 },
    relatedReferences: { type: [String], default: [] },
    acceptedDate: { type: String, default: null },
    decision: { type: String, enum: [...caseDecisions, null], default: null },
    concludedDate: { type: String, default: null },
    workingDaysToAcceptance: { type: Number, default: null },
    workingDaysToConclusion: { type: Number, default: null },
    outcome: { type: String, enum: [...outcomes, null], default: null },
    measures: { type: [String], enum: measures, default: [] },
    /** how many times the case went back a stage (review, reopening): a later round is a later state for the read models */
    round: { type: Number, default: 0 },
    /** who concluded, declined or transferred it: not the one who reviews it (voice/) */
    decidedBy: { type: String, default: null },
    reviewerId: { type: String, default: null },
    reviewStartedDate: { type: String, default: null },
    reopenedDate: { type: String, default: null },
    /** seen by supervisors only, whatever else is true of it (a reporter's retaliation check-in: voice/) */
    supervisorsOnly: { type: Boolean, default: false },
    /** cases a reporter started from this one with the same code (retaliation); their keys are wrapped under this case's key */
    linkedCaseIds: { type: [Schema.Types.ObjectId], default: [] },
    /** the case this one was started from: its `keys.wrappedForReporter` is under that case's key (voice/linked-cases.ts) */
    linkedFrom: { type: Schema.Types.ObjectId, default: null },
    /** intake marked an accepted case to be transferred (转办): the transfer deadline applies (deadlines.ts) */
    transferPlannedDate: { type: String, default: null },
    /** 反馈: how and when the reporter was told of acceptance and of the result (handling-rules/) */
    toldAcceptance: { type: toldSchema, default: null },
    toldResult: { type: toldSchema, default: null },
    /** a report about the commission's own staff recorded as passed up (报送) to the higher commission, that day */
    passedUpDate: { type: String, default: null },

    keys: {
      sealedForCommission: { type: sealedForCommissionSchema, required: true },
      wrappedForReporter: { type: String, required: true },
      /** the identity's own key, sealed to the identity key (custodians); absent: the identity is under the case's key */
      sealedForIdentity: { type: sealedForCommissionSchema, default: null },
    },
    sealed: {
      report: { type: Buffer, required: true },
      identity: { type: Buffer, default: null },
      /** the address for content-free notices, under the portal's notice key */
      notice: { type: Buffer, default: null },
    },
    /** the report is sealed bound to concernsCommission (sealContext) */
    bound: { type: Boolean, default: false },
  },
  { collection: 'cases' },
);

export type CaseDocument = InferSchemaType<typeof caseSchema> & { _id: Types.ObjectId };
export const Case = model('Case', caseSchema);

/**
 * Seal contexts bind each box to its case and field, so boxes cannot be
 * swapped, and to the clear fields that decide who reads it (bound-seals.ts):
 * whether a case concerns the commission itself, who wrote a message and of
 * what type, what an event is and whether the reporter sees it. Boxes sealed
 * before the clear fields were bound have no `bound` mark and the plain context.
 */
export const sealContext = {
  report: (caseId: string, bound?: { concernsCommission: boolean }) =>
    bound ? `case:${caseId}:report:concernsCommission=${bound.concernsCommission}` : `case:${caseId}:report`,
  identity: (caseId: string) => `case:${caseId}:identity`,
  notice: (caseId: string) => `case:${caseId}:notice`,
  message: (caseId: string, messageId: string, bound?: { from: string; type: string }) =>
    bound ? `case:${caseId}:message:${messageId}:from=${bound.from}:type=${bound.type}` : `case:${caseId}:message:${messageId}`,
  attachment: (caseId: string, attachmentId: string) => `case:${caseId}:attachment:${attachmentId}`,
  event: (caseId: string, eventId: string, bound?: { type: string; visibleToReporter: boolean }) =>
    bound ? `case:${caseId}:event:${eventId}:type=${bound.type}:reporter=${bound.visibleToReporter}` : `case:${caseId}:event:${eventId}`,
};
