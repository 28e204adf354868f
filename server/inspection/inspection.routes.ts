/**
 * The inspection group (role `inspector`): /staff/inspection lists the
 * inspector's own findings with their cases' stages now; /staff/inspection/new
 * records one (with photos, cleaned like every file). A finding is a case
 * like any other from then on, handled in the queue; the inspector sees only
 * their own list, never the queue or a case page.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { inspectionMethods } from '../cases/case-channels';
import { NoFreeLocatorError } from '../cases/case-locator.model';
import { activeCategoryGroups, activeUnits, isActiveCategory, isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { chinaDateOf } from '../lib/china-time';
import { FormRefusal, readForm, refuseField, typedValues, whenRefused, type FieldMessages, type FormMessages } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { evidenceUpload, uploadedFileReaders } from '../lib/uploads';
import { codeMaterialForToken, isValidFormToken, issueFormToken } from '../reports/form-token';
import { requireRole } from '../staff/access';
import type { IntakeRoutesDeps } from '../intake/intake.routes';
import { findingFields, findingSchema } from './finding.schema';
import { ownFindings, recordFinding } from './finding.service';

const findingMessages: FormMessages = { prefix: 'campaign.inspection.errors', hidden: ['_csrf', 'formToken'] };

export function inspectionRoutes(deps: IntakeRoutesDeps): Router {
  const router = Router();
  const inspectorOnly = requireRole('inspector');

  router.get('/inspection', inspectorOnly, async (req, res) => {
    const [findings, units, categoryGroups] = await Promise.all([ownFindings(res.locals.staff!.id), activeUnits(res.locals.lang, { includeInactive: true }), activeCategoryGroups(res.locals.lang, { includeInactive: true })]);
    res.render('inspection/list', {
      title: 'campaign.inspection.listTitle', findings, recorded: req.query.done === 'recorded',
      unitNames: Object.fromEntries(units.map((unit) => [unit.code, unit.name])),
      categoryNames: Object.fromEntries(categoryGroups.flatMap((group) => group.categories).map((category) => [category.code, category.name])),
    });
  });

  router.get('/inspection/new', inspectorOnly, async (_req, res) => {
    await renderForm(res, { values: { findingDate: chinaDateOf(new Date()) }, formToken: issueFormToken(deps.formTokenKeys, browserOf(res)) });
  });

  router.post('/inspection/new', inspectorOnly, evidenceUpload('evidence', deps.uploadDir), receiveFinding(deps));
  return router;
}

function receiveFinding(deps: IntakeRoutesDeps): RequestHandler {
  return (req, res) => whenRefused(async () => {
    const form = readForm(findingSchema, req.body, findingMessages);
    if (!isValidFormToken(deps.formTokenKeys, form.formToken, browserOf(res))) {
      return renderForm(res.status(422), { values: typedValues(req.body, findingFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
    }
    await refuseUnknownChoices(form.unit, form.category);
    const material = codeMaterialForToken(deps.formTokenKeys, form.formToken);
    const outcome = await recordFinding(res.locals.staff!.id, form, uploadedFileReaders(req), material, { secrets: deps.secrets, intake: deps.intake, queue: deps.queue })
      .catch((error: unknown) => {
        if (error instanceof NoFreeLocatorError) return null;
        throw error;
      });
    if (!outcome) return renderForm(res.status(422), { values: typedValues(req.body, findingFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
    if (outcome.status === 'busy') throw new HttpError(503, 'unavailable');
    if (outcome.status === 'evidenceRefused') throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
    res.redirect(303, '/staff/inspection?done=recorded');
  }, (refusal) => renderForm(res.status(refusal.status), { values: typedValues(req.body, findingFields), refusal, formToken: keptToken(deps, req.body, res) }));
}

async function refuseUnknownChoices(unit: string, category: string): Promise<void> {
  const fields: FieldMessages = {};
  if (!(await isActiveUnit(unit))) fields.unit = 'campaign.inspection.errors.unit';
  if (!(await isActiveCategory(category))) fields.category = 'campaign.inspection.errors.category';
  if (Object.keys(fields).length > 0) throw new FormRefusal(fields);
}

function keptToken(deps: IntakeRoutesDeps, body: unknown, res: Response): string {
  const given = (body as { formToken?: unknown } | undefined)?.formToken;
  return typeof given === 'string' && isValidFormToken(deps.formTokenKeys, given, browserOf(res)) ? given : issueFormToken(deps.formTokenKeys, browserOf(res));
}

function browserOf(res: Response): string {
  return String(res.locals.browserId);
}

async function renderForm(res: Response, view: { values: Record<string, string>; refusal?: FormRefusal; formToken: string; formExpired?: boolean }): Promise<void> {
  const [units, categoryGroups] = await Promise.all([activeUnits(res.locals.lang), activeCategoryGroups(res.locals.lang)]);
  const errors = view.refusal?.fields ?? {};
  res.render('inspection/form', {
    title: 'campaign.inspection.formTitle', values: view.values, formToken: view.formToken, formExpired: view.formExpired,
    chooseFilesAgain: Boolean(view.refusal ?? view.formExpired),
    errors, errorList: Object.entries(errors).map(([field, message]) => ({ field, message })), fileNumber: view.refusal?.context.fileNumber,
    units, categoryGroups, methods: inspectionMethods, today: chinaDateOf(new Date()),
  });
}
