/**
 * What the queue shows of a bulk action: after it, how many cases it moved
 * and which it left (carried in the queue's address, POST/redirect/GET); after
 * a refusal, the messages beside the fields and the ticks and text kept.
 */
import type { FormRefusal } from '../lib/forms';
import { bulkActionKinds, type BulkActionKind } from './bulk-actions.schema';
import type { BulkResult } from './bulk-actions.service';

export const bulkResultKeys = ['bulkDone', 'bulkCount', 'notAllowed'] as const;
const reference = /^TZ-\d{4}-\d{5,}$/;

export function bulkResultQuery(view: URLSearchParams, action: string, result: BulkResult): string {
  const query = new URLSearchParams(view);
  query.set('bulkDone', action);
  query.set('bulkCount', String(result.done.length));
  if (result.notAllowed.length > 0) query.set('notAllowed', result.notAllowed.join(','));
  return query.toString();
}

export function bulkResultOf(query: Record<string, unknown>): { action: BulkActionKind; count: number; notAllowed: string[] } | null {
  const action = query.bulkDone;
  if (typeof action !== 'string' || !(bulkActionKinds as readonly string[]).includes(action)) return null;
  const count = Number(query.bulkCount);
  const notAllowed = typeof query.notAllowed === 'string' ? query.notAllowed.split(',').filter((value) => reference.test(value)).slice(0, 100) : [];
  return { action: action as BulkActionKind, count: Number.isInteger(count) && count >= 0 ? count : 0, notAllowed };
}

export function refusedBulk(refusal: FormRefusal, body: unknown) {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const ticked = [source.cases].flat().filter((value): value is string => typeof value === 'string' && reference.test(value));
  const text = (field: string) => (typeof source[field] === 'string' ? (source[field] as string).slice(0, 4000) : '');
  const anchors: Record<string, string> = { cases: 'bulk-cases', bulkAction: 'bulk-action', handlerId: 'bulk-handlerId', reason: 'bulk-reason' };
  return {
    errors: refusal.fields,
    errorList: Object.entries(refusal.fields).map(([field, message]) => ({ field: anchors[field] ?? field, message })),
    ticked,
    values: { bulkAction: text('bulkAction'), handlerId: text('handlerId'), reason: text('reason') },
  };
}
