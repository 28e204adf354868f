/**
 * How many closed cases each person may see, kept beside the closed lists so
 * that the queue's count of closed cases reads one document, not every month.
 */
import type { ListingRow } from './listing-row';

export interface ClosedCounts {
  all: number;
  /** not about the commission's own staff: what intake officers see */
  public: number;
  /** per assignee, not about the commission's own staff: what a handler sees */
  byAssignee: Record<string, number>;
}

export const noClosedCounts = (): ClosedCounts => ({ all: 0, public: 0, byAssignee: {} });

export function countClosed(counts: ClosedCounts, row: ListingRow, sign: 1 | -1): void {
  counts.all += sign;
  if (row.concernsCommission || row.supervisorsOnly) return;
  counts.public += sign;
  if (row.assigneeId) counts.byAssignee[row.assigneeId] = (counts.byAssignee[row.assigneeId] ?? 0) + sign;
}

export function decodeClosedCounts(stored: string | null | undefined): ClosedCounts {
  return stored ? (JSON.parse(stored) as ClosedCounts) : noClosedCounts();
}
