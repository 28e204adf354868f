/**
 * Residents and businesses: the report form (/report) and its confirmation
 * with the tracking code, shown only once the case is stored. The code is
 * the answer to the POST itself: never in a URL, a redirect or a log.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { activeCategoryGroups, activeUnits, isActiveCategory, isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { formatTrackingCode } from '../cases/sealing/tracking-code';
import { formProblems, typedValues, type FormProblems } from '../lib/form-problems';
import { HttpError } from '../lib/http-error';
import { detectInAppBrowser } from '../lib/in-app-browser';
import { evidenceUpload, uploadedFiles } from '../lib/uploads';
import { isValidFormToken, issueFormToken, trackingCodeForToken, type FormTokenKeys } from './form-token';
import { reportFields, reportFormSchema } from './report.schema';
import { submitReport, type NewCaseHook, type ReportSecrets } from './report.service';

export interface ReportRoutesDeps {
  secrets: ReportSecrets;
  formTokenKeys: FormTokenKeys;
  protectMultipart: RequestHandler;
  limiters: RequestHandler[];
  onCreated: NewCaseHook;
}

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const router = Router();

  router.get('/report', detectInAppBrowser, async (_req, res) => {
    await renderForm(res, { values: { identityChoice: 'anonymous' }, problems: noProblems, formToken: issueFormToken(deps.formTokenKeys) });
  });

  router.post('/report', detectInAppBrowser, ...deps.limiters, ...evidenceUpload('evidence', deps.protectMultipart), async (req, res) => {
    const parsed = reportFormSchema.safeParse(req.body);
    if (!parsed.success) return refuseForm(req, res, formProblems(parsed.error, 'reports.errors', ['_csrf', 'formToken', 'contactNotes']));
    const form = parsed.data;
    if (form.contactNotes) throw new HttpError(400, 'badRequest');
    if (!isValidFormToken(deps.formTokenKeys, form.formToken)) {
      return renderForm(res.status(422), { values: typedValues(req.body, reportFields), problems: { fields: {}, tampered: false }, formToken: issueFormToken(deps.formTokenKeys), formExpired: true });
    }
    const choiceProblems = await unknownChoices(form.unit, form.category);
    if (choiceProblems) return refuseForm(req, res, choiceProblems);

    const code = trackingCodeForToken(deps.formTokenKeys, form.formToken);
    const outcome = await submitReport(form, uploadedFiles(req.files), code, deps.secrets, deps.onCreated);
    if (outcome.status === 'evidenceRefused') {
      const problems = { fields: { evidence: `reports.evidenceRefused.${outcome.reason}` }, tampered: false };
      return renderForm(res.status(422), { values: typedValues(req.body, reportFields), problems, formToken: form.formToken, fileNumber: outcome.fileNumber });
    }
    res.render('reports/confirmation', { title: 'reports.confirmation.title', codeGroups: formatTrackingCode(outcome.code).split(' ') });
  });

  async function refuseForm(req: Request, res: Response, problems: FormProblems): Promise<void> {
    if (problems.tampered) throw new HttpError(400, 'badRequest');
    const token = typeof req.body?.formToken === 'string' && isValidFormToken(deps.formTokenKeys, req.body.formToken) ? req.body.formToken : issueFormToken(deps.formTokenKeys);
    await renderForm(res.status(422), { values: typedValues(req.body, reportFields), problems, formToken: token });
  }

  return router;
}

const noProblems: FormProblems = { fields: {}, tampered: false };

interface FormView {
  values: Record<string, string>;
  problems: FormProblems;
  formToken: string;
  formExpired?: boolean;
  fileNumber?: number;
}

async function renderForm(res: Response, view: FormView): Promise<void> {
  const [units, categoryGroups] = await Promise.all([activeUnits(res.locals.lang), activeCategoryGroups(res.locals.lang)]);
  const errorList = Object.entries(view.problems.fields).map(([field, message]) => ({ field, message }));
  res.render('reports/form', { title: 'reports.form.title', ...view, errors: view.problems.fields, errorList, units, categoryGroups });
}

async function unknownChoices(unit: string, category: string): Promise<FormProblems | undefined> {
  const fields: Record<string, string> = {};
  if (!(await isActiveUnit(unit))) fields.unit = 'reports.errors.unit';
  if (category && !(await isActiveCategory(category))) fields.category = 'reports.errors.category';
  return Object.keys(fields).length > 0 ? { fields, tampered: false } : undefined;
}
