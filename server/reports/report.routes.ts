/**
 * Residents and businesses: the report form (/report) and its confirmation
 * with the tracking code, shown only once the case is stored. The code is
 * the answer to the POST itself: never in a URL, a redirect or a log.
 * A submission refused for the load it brings (the client's limit, a full
 * intake queue) gets the form back with what was typed, never a dead end.
 */
import { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { MulterError } from 'multer';
import { activeCategoryGroups, activeUnits, isActiveCategory, isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { FormRefusal, readForm, refuseField, typedValues, whenRefused, type FieldMessages, type FormMessages } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { detectInAppBrowser } from '../lib/in-app-browser';
import { LimitReached, type RateLimiter } from '../lib/rate-limits';
import { evidenceLimits, evidenceUpload, readTextFieldsOnly, uploadedFileReaders } from '../lib/uploads';
import type { WorkQueue } from '../lib/work-queue';
import { NoFreeLocatorError } from '../cases/case-locator.model';
import { codeMaterialForToken, isValidFormToken, issueFormToken, type FormTokenKeys } from './form-token';
import { reportFields, reportFormSchema } from './report.schema';
import { receivedFacts, submitReport, type IntakeNotice, type ReportSecrets } from './report.service';
import { keepReceipt } from './receipt-cookie';
import { renderReceipt, type ReceiptDeps } from './receipt.routes';
import { contactGivenWhileAnonymous } from './identity-choice';
import { concernsLeadership, renderHigherCommission } from './leadership-question';

export interface ReportRoutesDeps {
  secrets: ReportSecrets;
  formTokenKeys: FormTokenKeys;
  /** The client's hourly limit, checked when the form opens (without counting) and before the body is read. */
  limiter: RateLimiter;
  intakeQueue: WorkQueue;
  intake: IntakeNotice;
  /** where files wait, encrypted, between arriving and being cleaned (lib/sealed-upload-storage.ts) */
  uploadDir: string;
  receipt: ReceiptDeps;
}

const reportMessages: FormMessages = { prefix: 'reports.errors', hidden: ['_csrf', 'formToken', 'contactNotes'] };

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const router = Router();

  router.get('/report', detectInAppBrowser, async (req, res) => {
    // Said before anything is typed: a reporter over the limit learns it now, not after writing.
    const waitMs = await deps.limiter.waitFor(req).catch(() => 0);
    const limitAhead = waitMs > 0 ? { minutes: minutesOf(waitMs) } : undefined;
    await renderForm(res, { values: { identityChoice: 'anonymous', concernsLeadership: 'no' }, formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), limitAhead });
  });

  router.post('/report', detectInAppBrowser, deps.limiter, evidenceUpload('evidence', deps.uploadDir), receiveReport(deps), giveFormBackOverLimit(deps.formTokenKeys), giveFormBackOverFileLimits(deps.formTokenKeys));

  return router;
}

function receiveReport(deps: ReportRoutesDeps): RequestHandler {
  return (req, res) => whenRefused(async () => {
    // Before anything is read into a case: such a report is not this commission's to keep.
    if (concernsLeadership(req.body)) return renderHigherCommission(res);
    if (contactGivenWhileAnonymous(req.body)) throw new FormRefusal({ identityChoice: 'reportForm.errors.chooseIdentity' });
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
    const facts = await receivedFacts(outcome.caseId);
    const receipt = { code: outcome.code, unit: facts?.unit ?? form.unit, receivedDate: facts?.receivedDate ?? '', fileCount: facts?.fileCount ?? 0 };
    keepReceipt(res, deps.receipt.cookie, receipt);
    await renderReceipt(res, receipt, deps.receipt.publicUrl);
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

/**
 * A file over the size or count limit ends the upload (multer): the text fields, which come
 * before the file field, are in the body; the form comes back with them and the refusal beside the files.
 */
function giveFormBackOverFileLimits(keys: FormTokenKeys): ErrorRequestHandler {
  return async (error, req, res, next) => {
    const message = error instanceof MulterError ? fileLimitMessages[error.code] : undefined;
    if (!message) return next(error);
    await renderForm(res.status(422), { values: typedValues(req.body, reportFields), refusal: new FormRefusal({ evidence: message }), formToken: keptToken(keys, req.body, res) });
  };
}

const fileLimitMessages: Partial<Record<string, string>> = { LIMIT_FILE_SIZE: 'reportForm.errors.fileTooLarge', LIMIT_FILE_COUNT: 'reportForm.errors.tooManyFiles', LIMIT_UNEXPECTED_FILE: 'reportForm.errors.tooManyFiles' };

function minutesOf(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** Nothing was sent: the form again, with the same token, and when to try again. */
function renderNotSent(keys: FormTokenKeys, res: Response, body: unknown, reason: NotSent['reason'], retryAfterMs: number): Promise<void> {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  const notSent = { reason, minutes: minutesOf(retryAfterMs) };
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
  limitAhead?: { minutes: number };
}

async function renderForm(res: Response, view: FormView): Promise<void> {
  const [units, categoryGroups] = await Promise.all([activeUnits(res.locals.lang), activeCategoryGroups(res.locals.lang)]);
  const errors = view.refusal?.fields ?? {};
  // Contact details came with "anonymous": neither choice is ticked, so the reporter chooses.
  const values = errors.identityChoice ? { ...view.values, identityChoice: '' } : { ...view.values, identityChoice: view.values.identityChoice || 'anonymous' };
  const errorList = Object.entries(errors).map(([field, message]) => ({ field, message }));
  res.render('reports/form', {
    title: 'reports.form.title', values, formToken: view.formToken, formExpired: view.formExpired, notSent: view.notSent, limitAhead: view.limitAhead,
    // Every form that comes back has lost its files: a browser never sends them again by itself.
    chooseFilesAgain: Boolean(view.refusal ?? view.formExpired ?? view.notSent),
    errors, errorList, fileNumber: view.refusal?.context.fileNumber, units, categoryGroups, fileLimits: { count: evidenceLimits.files, bytes: evidenceLimits.fileSize },
  });
}

async function refuseUnknownChoices(unit: string, category: string): Promise<void> {
  const fields: FieldMessages = {};
  if (!(await isActiveUnit(unit))) fields.unit = 'reports.errors.unit';
  if (category && !(await isActiveCategory(category))) fields.category = 'reports.errors.category';
  if (Object.keys(fields).length > 0) throw new FormRefusal(fields);
}
