/**
 * What retention keeps, every document read and written by _id:
 * - `retention_settings` `rules`: the periods administrators set (absent: the defaults);
 * - `case_retention` `<case id>`: one per closed case: its class, the day it
 *   closed, a hold, and where its purge stands (scheduled → purging → purged);
 * - `purge_schedule`: the bounded schedule. `closed:<class>:<day>` lists the
 *   cases of a class closed that day; `days:<class>` lists the days that have
 *   such a document. `codes:<day>` / `days:codes` the same for tracking codes
 *   by their case's last activity. `purging` lists purges begun and not yet
 *   finished; `held` the cases on hold. Keyed by the day a case closed, not the
 *   day it is due, so a changed period moves no document.
 */
import { Schema, model } from 'mongoose';

export const RetentionSettings = model('RetentionSettings', new Schema(
  { _id: { type: String, required: true }, months: { type: Schema.Types.Mixed, required: true }, codeExpiryMonths: { type: Number, default: null } },
  { collection: 'retention_settings', versionKey: false },
));

export const purgeStates = ['scheduled', 'purging', 'purged', 'reopened'] as const;

export const CaseRetention = model('CaseRetention', new Schema(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    retentionClass: { type: String, required: true },
    closedDate: { type: String, required: true },
    /** the day of the case's last activity, for its tracking code */
    activeDate: { type: String, required: true },
    hold: { type: new Schema({ reason: String, by: String, day: String }, { _id: false }), default: null },
    state: { type: String, enum: purgeStates, required: true, default: 'scheduled' },
    codeExpired: { type: Boolean, default: false },
    /** 'rule' or a staff id */
    purgedBy: { type: String, default: null },
    purgedDate: { type: String, default: null },
  },
  { collection: 'case_retention', versionKey: false },
));

export const PurgeSchedule = model('PurgeSchedule', new Schema(
  { _id: { type: String, required: true }, ids: { type: [String], default: [] } },
  { collection: 'purge_schedule', versionKey: false },
));

export const scheduleKeys = {
  closedOn: (retentionClass: string, day: string) => `closed:${retentionClass}:${day}`,
  daysOf: (retentionClass: string) => `days:${retentionClass}`,
  codesOn: (day: string) => `codes:${day}`,
  codeDays: 'days:codes',
  purging: 'purging',
  held: 'held',
};
