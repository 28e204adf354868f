/** What the queue page shows besides its rows: the handlers' names, and each stage's count as a link that keeps the other filters. */
import { Staff } from '../staff/staff.model';
import type { QueueFilters } from './queue.service';

/** Every handler's name by id (staff accounts: a small collection), disabled ones too, for cases they still hold. */
export async function handlerNames(): Promise<Record<string, string>> {
  const handlers = await Staff.find({ roles: 'handler' }, { name: 1 }).lean();
  return Object.fromEntries(handlers.map((handler) => [handler._id.toString(), handler.name]));
}

export function queueLink(filters: Partial<QueueFilters>, change: Partial<Record<keyof QueueFilters, string | number | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, page: undefined, q: undefined, ...change })) if (value !== undefined && String(value) !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `/staff/cases?${text}` : '/staff/cases';
}

export function statusLinks(filters: QueueFilters, counts: Record<string, number>) {
  return Object.entries(counts).map(([stage, count]) => ({ stage, count, href: queueLink(filters, { status: stage }), current: filters.status === stage }));
}
