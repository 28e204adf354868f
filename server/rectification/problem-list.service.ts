/**
 * A unit's problem list (问题清单): its items, open first then closed, each
 * with its light, read from the unit's list (one document); for the
 * commission also the unit's case figures over the last twelve months, from
 * the monthly roll-up (oversight/, read by _id). CSV rows from the same list.
 */
import type { DeadlineStatus } from '../cases/working-days';
import { countOf, publicCountOf, readCounts } from '../oversight/monthly-report-data';
import { currentMonth, lastTwelveMonths } from '../oversight/months';
import { ensureRollupBuilt, foldInPendingChanges } from '../oversight/rollup.service';
import type { CsvCell } from '../oversight/csv';
import { lightOf } from './rectification-lights';
import { listIds, type ItemRow } from './rectification-lists.model';
import { readRows } from './rectification-lists.service';

export type ListedItem = ItemRow & { light: DeadlineStatus | null };

export interface ProblemList {
  open: ListedItem[];
  closed: ListedItem[];
}

export async function problemList(unitCode: string, today: string): Promise<ProblemList> {
  const rows = (await readRows(listIds.unit(unitCode))).map((row) => ({ ...row, light: lightOf(row, today) }));
  return {
    open: rows.filter((row) => row.state !== 'verified').sort((a, b) => a.dueDate.localeCompare(b.dueDate)),
    closed: rows.filter((row) => row.state === 'verified').sort((a, b) => String(b.verifiedDate).localeCompare(String(a.verifiedDate))),
  };
}

export interface UnitCaseFigures {
  from: string;
  to: string;
  received: number;
  substantiated: number;
  partlySubstantiated: number;
  notSubstantiated: number;
}

/**
 * The cases received about the unit in the last twelve months, as they stand
 * now (the roll-up's `unit` and `unitOutcome`). Only supervisors' figures
 * count the cases kept to supervisors (retaliation, the commission's staff):
 * intake would learn of cases its queue does not show.
 */
export async function unitCaseFigures(unitCode: string, withSupervisorsCases: boolean): Promise<UnitCaseFigures> {
  await ensureRollupBuilt();
  await foldInPendingChanges();
  const months = lastTwelveMonths(currentMonth());
  const counts = await readCounts(new Map(months.map((month) => [month, ['unit', 'unitOutcome'] as const])));
  const sum = (dimension: 'unit' | 'unitOutcome', key: string) => [...counts.values()].reduce((total, month) => total + (withSupervisorsCases ? countOf : publicCountOf)(month, dimension, key), 0);
  return {
    from: months[0], to: months.at(-1)!,
    received: sum('unit', unitCode),
    substantiated: sum('unitOutcome', `${unitCode}|substantiated`),
    partlySubstantiated: sum('unitOutcome', `${unitCode}|partlySubstantiated`),
    notSubstantiated: sum('unitOutcome', `${unitCode}|notSubstantiated`),
  };
}

export function problemListCsv(list: ProblemList, t: (key: string) => string): CsvCell[][] {
  const header = ['problem', 'measure', 'openedDate', 'dueDate', 'state', 'light', 'reportedDate', 'verifiedDate', 'closedOnTime', 'sentBackCount'].map((column) => t(`rectification.columns.${column}`));
  const yesNo = (value: boolean | null) => (value === null ? '' : t(value ? 'rectification.yes' : 'rectification.no'));
  const rows = [...list.open, ...list.closed].map((row) => [
    row.problem, row.measure, row.openedDate, row.dueDate, t(`rectification.states.${row.state}`), row.light ? t(`rectification.lights.${row.light}`) : '',
    row.reportedDate, row.verifiedDate, yesNo(row.closedOnTime), row.sentBackCount,
  ]);
  return [header, ...rows];
}
