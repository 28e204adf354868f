/**
 * Each inspector's own findings, one document per inspector
 * (`inspector:<staff id>`), read by _id: the inspector's page never scans
 * the cases. Clear fields only (the case's reference, day, unit, method,
 * category); what was seen stays sealed in the case.
 */
import { Schema, model } from 'mongoose';

const findingRowSchema = new Schema(
  {
    caseId: { type: String, required: true },
    reference: { type: String, required: true },
    findingDate: { type: String, required: true },
    unitCode: { type: String, required: true },
    method: { type: String, required: true },
    categoryCode: { type: String, required: true },
  },
  { _id: false },
);

export const FindingList = model('InspectionFindingList', new Schema(
  {
    _id: { type: String, required: true },
    rows: { type: [findingRowSchema], default: [] },
  },
  { collection: 'inspection_finding_lists', versionKey: false },
));

export const findingListId = (staffId: string): string => `inspector:${staffId}`;
