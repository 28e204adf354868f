/**
 * The dashboard's counts for a day's work, of the cases this person may see:
 * 待受理 (new), 临期 and 超期 (by deadline), 新补充 (a reporter's addition
 * nobody has opened). Read from the working set's lists and the additions'
 * marks, both bounded by the office's backlog; a marked case that is closed
 * is read by _id.
 */
import { readListing } from '../cases/listings/listing-read.service';
import { currentRows } from '../cases/listings/listing-store';
import { unseenAdditionCaseIds } from '../cases/reporter-addition.model';
import { workingCalendar } from '../cases/deadlines';
import { deadlineStatus } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';
import type { SignedInStaff } from '../staff/access';
import { canSee } from './case-access';

export interface DayCounts {
  new: number;
  dueSoon: number;
  overdue: number;
  additions: number;
  mine: number;
}

export async function dayCounts(staff: SignedInStaff, now = new Date()): Promise<DayCounts> {
  const today = chinaDateOf(now);
  const [{ rows }, unseen] = await Promise.all([readListing(), unseenAdditionCaseIds()]);
  const counts: DayCounts = { new: 0, dueSoon: 0, overdue: 0, additions: 0, mine: 0 };
  const open = new Set<string>();
  for (const row of rows) {
    open.add(row.id);
    if (!canSee(staff, row)) continue;
    if (row.status === 'new') counts.new += 1;
    if (row.assigneeId === staff.id) counts.mine += 1;
    if (unseen.has(row.id)) counts.additions += 1;
    const light = row.dueDate ? deadlineStatus(row.dueDate, today, workingCalendar()) : null;
    if (light === 'amber') counts.dueSoon += 1;
    if (light === 'red') counts.overdue += 1;
  }
  const closedMarked = [...unseen].filter((id) => !open.has(id));
  if (closedMarked.length > 0) {
    for (const row of (await currentRows(closedMarked)).values()) if (row && canSee(staff, row)) counts.additions += 1;
  }
  return counts;
}
