/**
 * Administrators' additions to the working-day calendar (a newly published
 * holiday notice, a local arrangement), layered over the shipped calendar.
 */
import { Schema, model } from 'mongoose';

const calendarEntrySchema = new Schema(
  {
    year: { type: Number, required: true, index: true },
    holidays: { type: [String], default: [] },
    workdays: { type: [String], default: [] },
    source: { type: String, required: true },
    provisional: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
  },
  { collection: 'calendar_entries' },
);

export const CalendarEntryRecord = model('CalendarEntryRecord', calendarEntrySchema);
