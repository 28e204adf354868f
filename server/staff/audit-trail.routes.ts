/**
 * /staff/audit: the audit trail for supervisors and administrators, newest
 * first, filtered by action, actor, case reference and dates (China time).
 * Part of the staff area; audit/ itself only records and verifies.
 */
import { Router } from 'express';
import { z } from 'zod';
import { chinaSecondOf } from '../lib/china-time';
import { requireRole } from './access';
import { staffNames } from './accounts.service';
import { refusalOf } from '../lib/forms';
import { staffFormMessages } from './staff.schema';
import { auditActionsInUse, auditReadBudget, searchAudit, type AuditFilters } from './audit-search.service';

const optional = (pattern: RegExp, code: string) =>
  z
    .string()
    .trim()
    .max(64, 'tooLong')
    .optional()
    .transform((value) => value || undefined)
    .refine((value) => value === undefined || pattern.test(value), code);

const filtersQuery = z.object({
  action: optional(/^[\w.-]+$/, 'invalid'),
  actor: optional(/^[\w:-]+$/, 'invalid'),
  caseRef: optional(/^[\w-]+$/, 'invalid'),
  from: optional(/^\d{4}-\d{2}-\d{2}$/, 'date'),
  to: optional(/^\d{4}-\d{2}-\d{2}$/, 'date'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export function auditTrailRoutes(): Router {
  const router = Router();
  router.use(requireRole('supervisor', 'admin'));

  router.get('/', async (req, res) => {
    const parsed = filtersQuery.safeParse(req.query);
    const filters: AuditFilters = parsed.success ? parsed.data : { page: 1 };
    const [result, names, actions] = await Promise.all([
      parsed.success ? searchAudit(filters) : Promise.resolve({ entries: [], page: 1, hasNext: false, searchedBackTo: undefined }),
      staffNames(),
      auditActionsInUse(),
    ]);
    const t = res.locals.t;
    const actorName = (actor: string) => names.get(actor) ?? (['system', 'public'].includes(actor) ? t(`audit.actors.${actor}`) : actor);
    const rows = result.entries.map((entry) => ({
      seq: entry.seq,
      at: chinaSecondOf(entry.at),
      actor: actorName(entry.actor),
      action: entry.action,
      caseRef: entry.caseRef,
      details: describe(entry.details as Record<string, unknown> | undefined),
    }));
    const link = (page: number) => `/staff/audit?${new URLSearchParams({ ...stringValues(filters), page: String(page) })}`;
    res.status(parsed.success ? 200 : 422).render('staff/audit-trail', {
      title: 'audit.title',
      rows,
      values: parsed.success ? filters : {},
      errors: parsed.success ? {} : refusalOf(parsed.error, staffFormMessages).fields,
      actions,
      actors: [...names].map(([id, name]) => ({ id, name })).concat(['system', 'public'].map((id) => ({ id, name: t(`audit.actors.${id}`) }))),
      previous: result.page > 1 ? link(result.page - 1) : undefined,
      next: result.hasNext ? link(result.page + 1) : undefined,
      searchedBackTo: result.searchedBackTo ? chinaSecondOf(result.searchedBackTo) : undefined,
      searchedBudget: auditReadBudget.toLocaleString(res.locals.lang === 'zh' ? 'zh-CN' : 'en'),
    });
  });

  return router;
}

function describe(details: Record<string, unknown> | undefined): string {
  return Object.entries(details ?? {})
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('; ');
}

function stringValues(filters: AuditFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([key, value]) => key !== 'page' && value !== undefined).map(([key, value]) => [key, String(value)]));
}
