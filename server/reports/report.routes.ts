/**
 * Residents and businesses: the report form (/report) and its confirmation
 * with the tracking code, shown only once the case is stored. The code is
 * the answer to the POST itself: never in a URL, a redirect or a log.
 * A submission refused for the load it brings (the client's limit, a full
 * intake queue) gets the form back with what was typed, never a dead end.
 */
import { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { activeCategoryGroups, activeUnits, isActiveCategory, isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { formatTrackingCode } from '../cases/sealing/tracking-code';
import { FormRefusal, readForm, refuseField, typedValues, whenRefused, type FieldMessages, type FormMessages } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { detectInAppBrowser } from '../lib/in-app-browser';
import { LimitReached } from '../lib/rate-limits';
import { evidenceUpload, readTextFieldsOnly, uploadedFileReaders } from '../lib/uploads';
import type { WorkQueue } from '../lib/work-queue';
import { NoFreeLocatorError } from '../cases/case-locator.model';
import { codeMaterialForToken, isValidFormToken, issueFormToken, type FormTokenKeys } from './form-token';
import { reportFields, reportFormSchema } from './report.schema';
import { submitReport, type IntakeNotice, type ReportSecrets } from './report.service';

export interface ReportRoutesDeps {
  secrets: ReportSecrets;
  formTokenKeys: FormTokenKeys;
  /** The client's hourly limit, checked before the body is read. */
  limiter: RequestHandler;
  intakeQueue: WorkQueue;
  intake: IntakeNotice;
  /** where files wait, encrypted, between arriving and being cleaned (lib/sealed-upload-storage.ts) */
  uploadDir: string;
}

const reportMessages: FormMessages = { prefix: 'reports.errors', hidden: ['_csrf', 'formToken', 'contactNotes'] };

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const router = Router();

  router.get('/report', detectInAppBrowser, async (_req, res) => {
    await renderForm(res, { values: { identityChoice: 'anonymous' }, formToken: issueFormToken(deps.formTokenKeys, browserOf(res)) });
  });

  router.post('/report', detectInAppBrowser, deps.limiter, evidenceUpload('evidence', deps.uploadDir), receiveReport(deps), giveFormBackOverLimit(deps.formTokenKeys));

  return router;
}

function receiveReport(deps: ReportRoutesDeps): RequestHandler {
  return (req, res) => whenRefused(async () => {
    const form = readForm(reportFormSchema, req.body, reportMessages);
    if (form.contactNotes) throw new HttpError(400, 'badRequest');
    if (!isValidFormToken(deps.formTokenKeys, form.formToken, browserOf(res))) {
      return renderForm(res.status(422), { values: typedValues(req.body, reportFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
    }
    await refuseUnknownChoices(form.unit, form.category);
    const material = codeMaterialForToken(deps.formTokenKeys, form.formToken);
    const outcome = await submitReport(form, uploadedFileReaders(req), material, { secrets: deps.secrets, intake: deps.intake, queue: deps.intakeQueue }).catch((error: unknown) => {
      if (error instanceof NoFreeLocatorError) return null;
      throw error;
    });
    if (!outcome) {
      // Every code this form could have had is taken: a new form (a new token) has new ones.
      // Rare until the locators run short, so the operator is told (no content, no client).
      deps.intake.logger.warn('every candidate locator of a form was taken: tracking-code locators are running short');
      return renderForm(res.status(422), { values: typedValues(req.body, reportFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
    }
    if (outcome.status === 'busy') return renderNotSent(deps.formTokenKeys, res.status(503), req.body, 'busy', outcome.retryAfterMs);
    if (outcome.status === 'evidenceRefused') {
      throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
    }
    res.render('reports/confirmation', { title: 'reports.confirmation.title', codeGroups: formatTrackingCode(outcome.code).split(' ') });
  }, (refusal) => renderForm(res.status(refusal.status), { values: typedValues(req.body, reportFields), refusal, formToken: keptToken(deps.formTokenKeys, req.body, res) }));
}

/** Over its limit, the client gets its text back; the files that follow it are dropped unread. */
function giveFormBackOverLimit(keys: FormTokenKeys): ErrorRequestHandler {
  return async (error, req, res, next) => {
    if (!(error instanceof LimitReached)) return next(error);
    await readTextFieldsOnly(req, res);
    await renderNotSent(keys, res.status(429), req.body, 'limit', error.retryAfterMs);
  };
}

/** Nothing was sent: the form again, with the same token, and when to try again. */
function renderNotSent(keys: FormTokenKeys, res: Response, body: unknown, reason: NotSent['reason'], retryAfterMs: number): Promise<void> {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  const notSent = { reason, minutes: Math.max(1, Math.ceil(retryAfterMs / 60_000)) };
  return renderForm(res, { values: typedValues(body, reportFields), formToken: keptToken(keys, body, res), notSent });
}

/** The same form token, so that sending the form again cannot make a second case. */
function keptToken(keys: FormTokenKeys, body: unknown, res: Response): string {
  const given = (body as { formToken?: unknown } | undefined)?.formToken;
  return typeof given === 'string' && isValidFormToken(keys, given, browserOf(res)) ? given : issueFormToken(keys, browserOf(res));
}

/** The random value of this browser (lib/csrf.ts), which every form token is bound to. */
function browserOf(res: Response): string {
  return String(res.locals.browserId);
}

interface NotSent {
  reason: 'busy' | 'limit';
  minutes: number;
}

interface FormView {
  values: Record<string, string>;
  refusal?: FormRefusal;
  formToken: string;
  formExpired?: boolean;
  notSent?: NotSent;
}

async function renderForm(res: Response, view: FormView): Promise<void> {
  const [units, categoryGroups] = await Promise.all([activeUnits(res.locals.lang), activeCategoryGroups(res.locals.lang)]);
  const errors = view.refusal?.fields ?? {};
  const errorList = Object.entries(errors).map(([field, message]) => ({ field, message }));
  res.render('reports/form', {
    title: 'reports.form.title', values: view.values, formToken: view.formToken, formExpired: view.formExpired, notSent: view.notSent,
    // Every form that comes back has lost its files: a browser never sends them again by itself.
    chooseFilesAgain: Boolean(view.refusal ?? view.formExpired ?? view.notSent),
    errors, errorList, fileNumber: view.refusal?.context.fileNumber, units, categoryGroups,
  });
}

async function refuseUnknownChoices(unit: string, category: string): Promise<void> {
  const fields: FieldMessages = {};
  if (!(await isActiveUnit(unit))) fields.unit = 'reports.errors.unit';
  if (category && !(await isActiveCategory(category))) fields.category = 'reports.errors.category';
  if (Object.keys(fields).length > 0) throw new FormRefusal(fields);
}
