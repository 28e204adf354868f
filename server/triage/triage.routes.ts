/**
 * The commission's workspace for cases, in the staff area (which provides
 * the session, the signed-in person and the unlocked key): /staff/cases (queue), /staff/cases/:reference (case
 * page), POST /staff/cases/:reference/:action, files, and identity opening.
 * Every route checks the role and the case on the server.
 */
import { Router, type Request, type Response } from 'express';
import { activeCategoryGroups, activeUnits } from '../cases/taxonomy/taxonomy.service';
import { FormRefusal, readForm, typedValues, whenRefused, type FormMessages } from '../lib/forms';
import { forbidden, HttpError, notFound } from '../lib/http-error';
import { clientKey } from '../lib/rate-limits';
import { requireRole, type SignedInStaff } from '../staff/access';
import { unlockedCommissionKey } from '../staff/unlock';
import type { ActionContext } from './action-context';
import { caseByReference, caseForStaff } from './case-access';
import { caseActions, checkCaseAction, isCaseActionName, performCaseAction, type ActionDeps, type CaseActionName } from './case-actions';
import { withTemplate } from './reply-template-pick';
import { attachmentForStaff, casePage } from './case-page.service';
import { identityNeedsPassword, openIdentity } from './identity.service';
import { queueFiltersSchema, queuePage, type QueueFilters } from './queue.service';
import { findByReference } from './queue-search';
import { handlerNames, queueLink, statusLinks } from './queue-view';
import { activeHandlers, mayBulk, performBulkAction } from './bulk-actions.service';
import { bulkForm } from './bulk-actions.schema';
import { bulkResultKeys, bulkResultOf, bulkResultQuery, refusedBulk } from './bulk-actions-view';
import { chinaDateOf } from '../lib/china-time';
import { identityForm } from './triage.schema';
import { reviewPanel } from './review-page.service';

const identityMessages: FormMessages = { prefix: 'triage.identity.errors' };
const bulkMessages: FormMessages = { prefix: 'bulk.errors' };

const caseRoles = requireRole('intake', 'handler', 'supervisor');

export function triageRoutes(deps: ActionDeps & { clientKeySecret: string }): Router {
  const router = Router();

  router.get('/cases', caseRoles, async (req, res) => {
    const filters = queueFiltersSchema.safeParse(req.query);
    if (!filters.success) throw new HttpError(400, 'badRequest');
    const searched = filters.data.q ? await findByReference(staffOf(res), filters.data.q, chinaDateOf(new Date())) : null;
    if (searched) return res.redirect(303, `/staff/cases/${searched}`);
    await renderQueue(res, filters.data, { bulk: { result: bulkResultOf(req.query) } });
  });

  // One form for the ticked cases of the queue (bulk-actions.service.ts); intake and supervisors only.
  router.post('/cases/bulk', requireRole('intake', 'supervisor'), async (req, res) => {
    const view = new URLSearchParams(typeof req.body?.view === 'string' ? req.body.view : '');
    for (const key of bulkResultKeys) view.delete(key);
    const filters = queueFiltersSchema.safeParse(Object.fromEntries(view));
    await whenRefused(async () => {
      const result = await performBulkAction(staffOf(res), unlockedCommissionKey(req), readForm(bulkForm, req.body, bulkMessages), deps);
      res.redirect(303, `/staff/cases?${bulkResultQuery(view, String(req.body.bulkAction), result)}`);
    }, (refusal) => renderQueue(res.status(refusal.status), filters.success ? filters.data : queueFiltersSchema.parse({}), { bulk: refusedBulk(refusal, req.body) }));
  });

  router.get('/cases/:reference', caseRoles, async (req, res) => {
    await renderCase(req, res, {});
  });

  router.get('/identity', requireRole('custodian'), (req, res) => {
    const reference = typeof req.query.reference === 'string' ? req.query.reference.trim().toUpperCase() : '';
    if (!/^TZ-\d{4}-\d{5,}$/.test(reference)) throw notFound();
    res.redirect(303, `/staff/cases/${reference}/identity`);
  });

  // Before the generic action route: custodians need not hold a case role.
  router.get('/cases/:reference/identity', requireRole('custodian'), async (req, res) => {
    const caseDocument = await caseByReference(String(req.params.reference));
    if (caseDocument.purgedDate) throw notFound();
    res.render('triage/identity', { title: 'triage.identity.title', reference: caseDocument.reference, hasIdentity: caseDocument.hasIdentity, askPassword: identityNeedsPassword({ caseDocument }) });
  });

  router.post('/cases/:reference/identity', requireRole('custodian'), async (req, res) => {
    const caseDocument = await caseByReference(String(req.params.reference));
    if (caseDocument.purgedDate) throw notFound();
    const page = { title: 'triage.identity.title', reference: caseDocument.reference, hasIdentity: caseDocument.hasIdentity, askPassword: identityNeedsPassword({ caseDocument }) };
    await whenRefused(async () => {
      const { reason, password } = readForm(identityForm, req.body, identityMessages);
      const identity = await openIdentity({ staff: staffOf(res), caseDocument, commissionKey: unlockedCommissionKey(req) }, reason, password, clientKey(deps.clientKeySecret, req.ip));
      res.render('triage/identity', { ...page, identity, opened: true });
    }, (refusal) => {
      const reason = typeof req.body?.reason === 'string' ? req.body.reason.slice(0, 200) : '';
      res.status(refusal.status).render('triage/identity', { ...page, errors: refusal.fields, reason });
    });
  });

  router.post('/cases/:reference/:action', caseRoles, async (req, res) => {
    const action = req.params.action;
    if (!isCaseActionName(action)) throw notFound();
    const ctx = await contextFor(req, res);
    await whenRefused(async () => {
      const notice = await performCaseAction(action, ctx, req.body, deps);
      res.redirect(303, `/staff/cases/${ctx.caseDocument.reference}?done=${action}${notice ? `&notice=${notice}` : ''}`);
    }, (refusal) => renderCase(req, res.status(refusal.status), { refused: { [action]: refusedForm(action, refusal, req.body) }, errorList: errorListOf(action, refusal) }));
  });

  router.get('/cases/:reference/print', caseRoles, async (req, res) => {
    await renderCase(req, res, {}, { print: true });
  });

  // "Use template" on a message to the reporter: the form again, with the chosen template added to what was typed.
  router.post('/cases/:reference/:action/template', caseRoles, async (req, res) => {
    const action = req.params.action;
    if (action !== 'reply' && action !== 'request') throw notFound();
    const ctx = await contextFor(req, res);
    checkCaseAction(action, ctx);
    await whenRefused(async () => {
      const text = await withTemplate(req.body);
      await renderCase(req, res, { refused: { [action]: { errors: {}, values: { text } } } });
    }, (refusal) => renderCase(req, res.status(refusal.status), { refused: { [action]: refusedForm(action, refusal, req.body) }, errorList: errorListOf(action, refusal) }));
  });

  router.get('/cases/:reference/files/:fileId', caseRoles, async (req, res) => {
    const ctx = await contextFor(req, res);
    if (ctx.caseDocument.purgedDate) throw notFound();
    const file = await attachmentForStaff(ctx, String(req.params.fileId));
    if (!file) throw notFound();
    const image = file.type !== 'pdf';
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type(file.type === 'pdf' ? 'application/pdf' : `image/${file.type}`);
    res.setHeader('Content-Disposition', `${image ? 'inline' : 'attachment'}; filename="${ctx.caseDocument.reference}-${req.params.fileId}.${file.type === 'jpeg' ? 'jpg' : file.type}"`);
    res.send(file.bytes);
  });

  return router;
}

async function renderQueue(res: Response, filters: QueueFilters, extra: { bulk: Record<string, unknown> }): Promise<void> {
  const staff = staffOf(res);
  const [page, units, categoryGroups, assigneeNames, bulkHandlers] = await Promise.all([queuePage(staff, filters), activeUnits(res.locals.lang, { includeInactive: true }), activeCategoryGroups(res.locals.lang, { includeInactive: true }), handlerNames(), mayBulk(staff) ? activeHandlers() : []]);
  res.render('triage/queue', {
    title: 'triage.queue.title',
    ...page,
    filters,
    searchMissed: Boolean(filters.q),
    filtersOpen: Object.entries(filters).some(([key, value]) => !['sort', 'page', 'q', 'mine', 'addition', 'status'].includes(key) && value !== undefined),
    assigneeNames,
    statusLinks: statusLinks(filters, page.countsByStatus),
    previousPage: page.page > 1 ? pageLink(filters, page.page - 1) : null,
    nextPage: page.page < page.pages ? pageLink(filters, page.page + 1) : null,
    units,
    categoryGroups,
    unitNames: namesOf(units),
    categoryNames: namesOf(categoryGroups.flatMap((group) => group.categories)),
    bulk: { may: mayBulk(staff), handlers: bulkHandlers, view: queueLink(filters, { page: filters.page > 1 ? filters.page : undefined }).replace(/^\/staff\/cases\??/, ''), ticked: [], values: {}, ...extra.bulk },
  });
}

/** The refusal's messages above the page, each a link to its field (`<action>-<field>`). */
function errorListOf(action: CaseActionName, refusal: FormRefusal) {
  return Object.entries(refusal.fields).map(([field, message]) => ({ field: `${action}-${field}`, message }));
}

/** What the case page needs to show a refused action form again: its messages and what was typed. */
function refusedForm(action: CaseActionName, refusal: FormRefusal, body: unknown) {
  const measures = (body as { measures?: unknown } | undefined)?.measures;
  return { errors: refusal.fields, values: typedValues(body, caseActions[action].fields), measures: Array.isArray(measures) ? measures : [measures].filter(Boolean) };
}

async function contextFor(req: Request, res: Response): Promise<ActionContext> {
  const staff = staffOf(res);
  const caseDocument = await caseForStaff(staff, String(req.params.reference));
  return { staff, caseDocument, commissionKey: unlockedCommissionKey(req) };
}

async function renderCase(req: Request, res: Response, extra: Record<string, unknown>, options: { print?: boolean } = {}): Promise<void> {
  const ctx = await contextFor(req, res);
  // Purged under retention (retention/): only its clear skeleton is left, nothing to open.
  if (ctx.caseDocument.purgedDate) return res.render('retention/purged-case', { title: 'retention.purged.title', reference: ctx.caseDocument.reference, purgedDate: ctx.caseDocument.purgedDate });
  const [page, units, categoryGroups, voice] = await Promise.all([casePage(ctx, options), activeUnits(res.locals.lang, { includeInactive: true }), activeCategoryGroups(res.locals.lang, { includeInactive: true }), reviewPanel(ctx)]);
  const done = isCaseActionName(req.query.done) ? req.query.done : undefined;
  const notice = req.query.notice === 'failed' || req.query.notice === 'sent' ? req.query.notice : undefined;
  res.render(options.print ? 'triage/case-print' : 'triage/case', {
    title: options.print ? 'caseFile.printTitle' : 'triage.case.title',
    printedOn: chinaDateOf(new Date()),
    ...page,
    unitName: namesOf(units)[page.caseDocument.unitCode] ?? page.caseDocument.unitCode,
    categoryName: namesOf(categoryGroups.flatMap((group) => group.categories))[page.caseDocument.categoryCode] ?? page.caseDocument.categoryCode,
    done,
    notice,
    voice,
    ...extra,
  });
}

function staffOf(res: Response): SignedInStaff {
  if (!res.locals.staff) throw forbidden();
  return res.locals.staff;
}

function pageLink(filters: Record<string, unknown>, page: number): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, page })) if (value !== undefined && String(value) !== '') query.set(key, String(value));
  return `/staff/cases?${query}`;
}

function namesOf(choices: Array<{ code: string; name: string }>): Record<string, string> {
  return Object.fromEntries(choices.map((choice) => [choice.code, choice.name]));
}
