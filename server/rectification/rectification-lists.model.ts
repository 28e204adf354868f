/**
 * The kept lists the pages read by _id, each rewritten from the item after
 * every step (rectification-lists.service.ts), never found by a scan:
 *
 * - `unit:<code>`: every item of one unit (its problem list, 问题清单);
 * - `open`: the items not yet verified, every unit (dashboard, digest);
 * - `case:<case id>`: the items tied to one case (the reporter's page, the case page);
 * - `month:<YYYY-MM>`: the items opened in that month (monthly report, figures).
 *
 * Each row is the item's summary as it stands now; putting a row again is
 * harmless, so a step interrupted half-way is repaired by the next one.
 */
import { Schema, model } from 'mongoose';

const rowSchema = new Schema(
  {
    itemId: { type: String, required: true },
    unitCode: { type: String, required: true },
    caseReference: { type: String, default: null },
    problem: { type: String, required: true },
    measure: { type: String, required: true },
    state: { type: String, required: true },
    openedDate: { type: String, required: true },
    dueDate: { type: String, required: true },
    reportedDate: { type: String, default: null },
    verifiedDate: { type: String, default: null },
    closedOnTime: { type: Boolean, default: null },
    sentBackCount: { type: Number, default: 0 },
  },
  { _id: false },
);

export const RectificationList = model('RectificationList', new Schema(
  { _id: { type: String, required: true }, rows: { type: [rowSchema], default: [] } },
  { collection: 'rectification_lists', versionKey: false },
));

export interface ItemRow {
  itemId: string;
  unitCode: string;
  caseReference: string | null;
  problem: string;
  measure: string;
  state: string;
  openedDate: string;
  dueDate: string;
  reportedDate: string | null;
  verifiedDate: string | null;
  closedOnTime: boolean | null;
  sentBackCount: number;
}

export const listIds = {
  unit: (unitCode: string) => `unit:${unitCode}`,
  open: 'open',
  ofCase: (caseId: string) => `case:${caseId}`,
  month: (monthKey: string) => `month:${monthKey}`,
};
