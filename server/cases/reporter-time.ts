/**
 * What is kept of the time of a reporter's act (a report, an addition, a
 * file): the day in China, never the hour. Triage and statistics need the
 * day; an hour or a second, next to what the target of a report knows (who
 * was at the counter when, who was online), can tell who wrote it.
 *
 * Ids carry a time too: a MongoDB ObjectId starts with its creation second.
 * Ids of what a reporter creates start with the day instead, the rest
 * random, so they are as unique and say no more than the day.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { chinaDateOf } from '../lib/china-time';

/** Midnight in China of the day this instant falls on. */
export function reporterDayOf(instant = new Date()): Date {
  return new Date(`${chinaDateOf(instant)}T00:00:00+08:00`);
}

export function dayStampedId(instant = new Date()): Types.ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(reporterDayOf(instant).getTime() / 1000), 0);
  randomBytes(8).copy(bytes, 4);
  return new Types.ObjectId(bytes);
}
