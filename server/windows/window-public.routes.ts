/**
 * The page behind a window's poster (/w/<short id>): no sign-in, no code,
 * no JavaScript needed. A rating is counted and thanked for; one that becomes
 * a case gets the web form's confirmation with its tracking code
 * (reports/receipt.routes.ts, shown once). Unknown windows: a 404 page that
 * says so. Over a limit, the form comes back with what was typed.
 */
import { createHash } from 'node:crypto';
import { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { activeUnits } from '../cases/taxonomy/taxonomy.service';
import { readForm, typedValues, whenRefused, type FormMessages, type FormRefusal } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { LimitReached, type RateLimiter } from '../lib/rate-limits';
import type { SealedCookie } from '../lib/sealed-cookie';
import { codeMaterialForToken, isValidFormToken, issueFormToken, type FormTokenKeys } from '../reports/form-token';
import { keepReceipt, receiptPath } from '../reports/receipt-cookie';
import type { SubmitDeps } from '../reports/report.service';
import { windowRatingLevels } from './window-rating-levels';
import { rateWindow } from './window-rating.service';
import { windowById, type ServiceWindowView } from './window-register.service';
import { rateWindowFields, rateWindowSchema } from './window.schema';

export interface WindowRoutesDeps {
  submit: SubmitDeps;
  formTokenKeys: FormTokenKeys;
  receiptCookie: SealedCookie;
  limiters: RateLimiter[];
}

const ratingMessages: FormMessages = { prefix: 'windows.rate.errors', hidden: ['_csrf', 'formToken', 'contactNotes'] };

export function windowPublicRoutes(deps: WindowRoutesDeps): Router {
  const router = Router();

  router.get('/w/:id', loadWindow, async (_req, res) => {
    await renderForm(res, { values: {}, formToken: issueFormToken(deps.formTokenKeys, browserOf(res)) });
  });

  router.post('/w/:id', loadWindow, ...deps.limiters, receiveRating(deps), giveFormBackOverLimit(deps.formTokenKeys));

  router.get('/w/:id/thanks', loadWindow, async (_req, res) => {
    res.render('windows/thanks', { title: 'windows.thanks.title', window: await windowFacts(res) });
  });

  return router;
}

const loadWindow: RequestHandler = async (req, res, next) => {
  const window = await windowById(req.params.id);
  if (!window) {
    res.status(404).render('windows/unknown', { title: 'windows.unknown.title' });
    return;
  }
  res.locals.serviceWindow = window;
  next();
};

function receiveRating(deps: WindowRoutesDeps): RequestHandler {
  return (req, res) => whenRefused(async () => {
    const form = readForm(rateWindowSchema, req.body, ratingMessages);
    if (form.contactNotes) throw new HttpError(400, 'badRequest');
    if (!isValidFormToken(deps.formTokenKeys, form.formToken, browserOf(res))) {
      return renderForm(res.status(422), { values: { level: form.level, comment: form.comment }, formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
    }
    const window = windowOf(res);
    const outcome = await rateWindow(window, form.level, form.comment, codeMaterialForToken(deps.formTokenKeys, form.formToken), formKeyOf(form.formToken), deps.submit);
    if (outcome.status === 'busy') {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))));
      return renderForm(res.status(503), { values: { level: form.level, comment: form.comment }, formToken: form.formToken, notSent: { reason: 'busy', minutes: minutesOf(outcome.retryAfterMs) } });
    }
    if (outcome.status === 'counted') return res.redirect(303, `/w/${window.id}/thanks`);
    // The web form's confirmation, shown from its sealed cookie: the code in no URL.
    keepReceipt(res, deps.receiptCookie, { code: outcome.code, unit: outcome.unit, receivedDate: outcome.receivedDate, fileCount: 0 });
    res.redirect(303, receiptPath);
  }, (refusal: FormRefusal) => renderForm(res.status(refusal.status), { values: typedValues(req.body, rateWindowFields), refusal, formToken: keptToken(deps.formTokenKeys, req.body, res) }));
}

function giveFormBackOverLimit(keys: FormTokenKeys): ErrorRequestHandler {
  return async (error, req, res, next) => {
    if (!(error instanceof LimitReached)) return next(error);
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    await renderForm(res.status(429), { values: typedValues(req.body, rateWindowFields), formToken: keptToken(keys, req.body, res), notSent: { reason: 'limit', minutes: minutesOf(error.retryAfterMs) } });
  };
}

/** A form sent twice counts once: its token, hashed (the token itself, from which the code is derived, is never stored). */
function formKeyOf(token: string): string {
  return createHash('sha256').update('qingfeng window rating form\0').update(token).digest('base64url').slice(0, 22);
}

function keptToken(keys: FormTokenKeys, body: unknown, res: Response): string {
  const given = (body as { formToken?: unknown } | undefined)?.formToken;
  return typeof given === 'string' && isValidFormToken(keys, given, browserOf(res)) ? given : issueFormToken(keys, browserOf(res));
}

function browserOf(res: Response): string {
  return String(res.locals.browserId);
}

function windowOf(res: Response): ServiceWindowView {
  return res.locals.serviceWindow as ServiceWindowView;
}

function minutesOf(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

async function windowFacts(res: Response) {
  const window = windowOf(res);
  const units = await activeUnits(res.locals.lang, { includeInactive: true });
  return { ...window, unitName: units.find((unit) => unit.code === window.unitCode)?.name ?? window.unitCode };
}

interface FormView {
  values: Record<string, string>;
  refusal?: FormRefusal;
  formToken: string;
  formExpired?: boolean;
  notSent?: { reason: 'busy' | 'limit'; minutes: number };
}

async function renderForm(res: Response, view: FormView): Promise<void> {
  const errors = view.refusal?.fields ?? {};
  res.render('windows/rate', {
    title: 'windows.rate.title', window: await windowFacts(res), values: view.values, formToken: view.formToken, formExpired: view.formExpired, notSent: view.notSent,
    errors, errorList: Object.entries(errors).map(([field, message]) => ({ field: field === 'level' ? 'level-verySatisfied' : field, message })),
    levels: windowRatingLevels.map((level) => ({ level, checked: view.values.level === level })),
  });
}
