/**
 * How long a closed case is kept: one period in months per retention class
 * (what the case came to), counted from the day it was closed. Defaults come
 * from RETENTION_MONTHS; administrators may change them (retention-settings.service.ts).
 * Pure functions, no database.
 */
import { chinaDateOf } from '../lib/china-time';
import { addMonths } from '../cases/deadlines';

export const retentionClasses = ['declined', 'transferred', 'notSubstantiated', 'partlySubstantiated', 'substantiated', 'other'] as const;
export type RetentionClass = (typeof retentionClasses)[number];
export type RetentionMonths = Record<RetentionClass, number>;

const fallbackMonths: RetentionMonths = { declined: 12, transferred: 12, notSubstantiated: 36, partlySubstantiated: 60, substantiated: 60, other: 36 };

/** `declined=12,substantiated=60`: the classes named win over the fallback; an unknown name is refused. */
export function parseRetentionMonths(list: string): RetentionMonths {
  const months = { ...fallbackMonths };
  for (const part of list.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!isRetentionClass(name)) throw new RangeError(`RETENTION_MONTHS: unknown class ${name} (one of ${retentionClasses.join(', ')})`);
    months[name] = Number(value);
  }
  return months;
}

export function isRetentionClass(value: unknown): value is RetentionClass {
  return typeof value === 'string' && (retentionClasses as readonly string[]).includes(value);
}

/** What a closed case came to: its decision if intake took one, else its outcome, else other (suggestions, praise…). */
export function retentionClassOf(caseState: { decision?: string | null; outcome?: string | null }): RetentionClass {
  if (caseState.decision === 'declined' || caseState.decision === 'transferred') return caseState.decision;
  if (isRetentionClass(caseState.outcome)) return caseState.outcome;
  return 'other';
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The day a case closed on `closedDate` is due to be purged. */
export function purgeDueDate(closedDate: string, retentionClass: RetentionClass, months: RetentionMonths): string {
  return addMonths(closedDate, months[retentionClass]);
}

/** Today in China; the job and the pages take their day from here, and a test may move it. */
let clock: () => Date = () => new Date();
export function retentionToday(): string {
  return chinaDateOf(clock());
}
export function setRetentionClock(next: (() => Date) | null): void {
  clock = next ?? (() => new Date());
}
