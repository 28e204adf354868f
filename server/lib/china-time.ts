/**
 * China local time (UTC+8, no daylight saving since 1991), whatever the
 * server's time zone: dates for deadlines and statistics, the hour for the
 * morning digest, and times shown to staff.
 */
const chinaOffsetMs = 8 * 3_600_000;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date in China (YYYY-MM-DD) at this instant. */
export function chinaDateOf(instant: Date): string {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) throw new RangeError('Not a valid instant');
  // A fixed offset is exact for any case date and does not depend on Node's ICU data.
  const date = new Date(instant.getTime() + chinaOffsetMs).toISOString().slice(0, 10);
  if (!datePattern.test(date)) throw new RangeError(`Instant out of range: ${instant.toISOString()}`);
  return date;
}

/** The hour of the day in China (0–23). */
export function chinaHourOf(instant: Date): number {
  return new Date(instant.getTime() + chinaOffsetMs).getUTCHours();
}

/** YYYY-MM-DD HH:mm in China. */
export function chinaMinuteOf(instant: Date): string {
  return new Date(instant.getTime() + chinaOffsetMs).toISOString().slice(0, 16).replace('T', ' ');
}

/** YYYY-MM-DD HH:mm:ss in China. */
export function chinaSecondOf(instant: Date): string {
  return new Date(instant.getTime() + chinaOffsetMs).toISOString().slice(0, 19).replace('T', ' ');
}
