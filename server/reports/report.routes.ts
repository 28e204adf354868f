/**
 * Residents and businesses: the report form (/report) and its confirmation
 * with the tracking code, shown only once the case is stored. The code is
 * the answer to the POST itself: never in a URL, a redirect or a log.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { activeCategoryGroups, activeUnits, isActiveCategory, isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { formatTrackingCode } from '../cases/sealing/tracking-code';
import { FormRefusal, readForm, refuseField, typedValues, whenRefused, type FieldMessages, type FormMessages } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { detectInAppBrowser } from '../lib/in-app-browser';
import { evidenceUpload, uploadedFiles } from '../lib/uploads';
import { NoFreeLocatorError } from '../cases/case-locator.model';
import { codeMaterialForToken, isValidFormToken, issueFormToken, type FormTokenKeys } from './form-token';
import { reportFields, reportFormSchema } from './report.schema';
import { submitReport, type IntakeNotice, type ReportSecrets } from './report.service';

export interface ReportRoutesDeps {
  secrets: ReportSecrets;
  formTokenKeys: FormTokenKeys;
  limiters: RequestHandler[];
  intake: IntakeNotice;
}

const reportMessages: FormMessages = { prefix: 'reports.errors', hidden: ['_csrf', 'formToken', 'contactNotes'] };

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const router = Router();

  router.get('/report', detectInAppBrowser, async (_req, res) => {
    await renderForm(res, { values: { identityChoice: 'anonymous' }, formToken: issueFormToken(deps.formTokenKeys, browserOf(res)) });
  });

  router.post('/report', detectInAppBrowser, ...deps.limiters, evidenceUpload('evidence'), (req, res) =>
    whenRefused(async () => {
      const form = readForm(reportFormSchema, req.body, reportMessages);
      if (form.contactNotes) throw new HttpError(400, 'badRequest');
      if (!isValidFormToken(deps.formTokenKeys, form.formToken, browserOf(res))) {
        return renderForm(res.status(422), { values: typedValues(req.body, reportFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
      }
      await refuseUnknownChoices(form.unit, form.category);
      const material = codeMaterialForToken(deps.formTokenKeys, form.formToken);
      const outcome = await submitReport(form, uploadedFiles(req.files), material, deps.secrets, deps.intake).catch((error: unknown) => {
        if (error instanceof NoFreeLocatorError) return null;
        throw error;
      });
      if (!outcome) {
        // Every code this form could have had is taken: a new form (a new token) has new ones.
        return renderForm(res.status(422), { values: typedValues(req.body, reportFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
      }
      if (outcome.status === 'evidenceRefused') {
        throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
      }
      res.render('reports/confirmation', { title: 'reports.confirmation.title', codeGroups: formatTrackingCode(outcome.code).split(' ') });
    }, (refusal) => {
      // The same form token, so that sending the corrected form cannot make a second case.
      const given = typeof req.body?.formToken === 'string' ? req.body.formToken : '';
      const token = isValidFormToken(deps.formTokenKeys, given, browserOf(res)) ? given : issueFormToken(deps.formTokenKeys, browserOf(res));
      return renderForm(res.status(refusal.status), { values: typedValues(req.body, reportFields), refusal, formToken: token });
    }),
  );

  return router;
}

/** The random value of this browser (lib/csrf.ts), which every form token is bound to. */
function browserOf(res: Response): string {
  return String(res.locals.browserId);
}

interface FormView {
  values: Record<string, string>;
  refusal?: FormRefusal;
  formToken: string;
  formExpired?: boolean;
}

async function renderForm(res: Response, view: FormView): Promise<void> {
  const [units, categoryGroups] = await Promise.all([activeUnits(res.locals.lang), activeCategoryGroups(res.locals.lang)]);
  const errors = view.refusal?.fields ?? {};
  const errorList = Object.entries(errors).map(([field, message]) => ({ field, message }));
  res.render('reports/form', {
    title: 'reports.form.title', values: view.values, formToken: view.formToken, formExpired: view.formExpired,
    errors, errorList, fileNumber: view.refusal?.context.fileNumber, units, categoryGroups,
  });
}

async function refuseUnknownChoices(unit: string, category: string): Promise<void> {
  const fields: FieldMessages = {};
  if (!(await isActiveUnit(unit))) fields.unit = 'reports.errors.unit';
  if (category && !(await isActiveCategory(category))) fields.category = 'reports.errors.category';
  if (Object.keys(fields).length > 0) throw new FormRefusal(fields);
}
