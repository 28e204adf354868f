/**
 * The reporter's voice on /track: rating the handling, objecting, reporting
 * retaliation (at any stage). Like every /track form the code comes back in a hidden field;
 * a refused form is the case page again (422, the message beside the field,
 * what was typed kept); a form taken is followed by a redirect to the case
 * view held in this browser (tracking/held-view.ts), which says once that it
 * was taken (POST/redirect/GET: a reload posts nothing twice).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { readForm, refuseField, whenRefused, type FieldMessages, type FormMessages } from '../lib/forms';
import { evidenceUpload, readUploadedFiles } from '../lib/uploads';
import { containsCode, openCaseWithCode, type ReporterAccess } from '../tracking/reporter-access.service';
import { holdCaseView, type HeldConfirmation } from '../tracking/held-view';
import { renderReporterCase } from '../tracking/reporter-page';
import type { SealedCookie } from '../lib/sealed-cookie';
import { objectToCase } from './objection.service';
import { rateCase } from './rating.service';
import { reportRetaliation, type RetaliationDeps } from './retaliation.service';
import { objectionFormSchema, ratingFormSchema, retaliationFormSchema } from './voice.schema';

export interface VoiceRoutesDeps {
  trackingSalt: Buffer;
  limiters: RequestHandler[];
  uploadDir: string;
  retaliation: RetaliationDeps;
  /** the case view held after a form was taken (tracking/held-view.ts) */
  viewCookie: SealedCookie;
}

const messages: FormMessages = { prefix: 'voice.errors', hidden: ['_csrf', 'code'] };

export function voiceRoutes(deps: VoiceRoutesDeps): Router {
  const router = Router();
  const open = (req: Request) => openCaseWithCode(typeof req.body?.code === 'string' ? req.body.code : undefined, deps.trackingSalt);
  const backToCase = (res: Response, access: ReporterAccess, confirmation: HeldConfirmation) => {
    holdCaseView(res, deps.viewCookie, access.code, confirmation);
    res.redirect(303, '/track/case');
  };

  router.post('/track/rate', ...deps.limiters, async (req, res) => {
    const access = await open(req);
    if (!access) return notFoundPage(res);
    await wiping(access, () => whenRefused(async () => {
      const form = readForm(ratingFormSchema, req.body, messages);
      if (containsCode(form.comment, access.code)) throw refuseField('comment', 'voice.errors.containsCode');
      await rateCase(access, form.level, form.comment);
      backToCase(res, access, 'rating');
    }, (refusal) => renderCaseWith(res.status(refusal.status), access, 'rating', refusal.fields, typed(req, ['level', 'comment'], refusal.fields))));
  });

  router.post('/track/object', ...deps.limiters, evidenceUpload('evidence', deps.uploadDir), async (req, res) => {
    const access = await open(req);
    if (!access) return notFoundPage(res);
    await wiping(access, () => whenRefused(async () => {
      const form = readForm(objectionFormSchema, req.body, messages);
      if (containsCode(form.objection, access.code)) throw refuseField('objection', 'voice.errors.containsCode');
      const outcome = await objectToCase(access, form.objection, await readUploadedFiles(req));
      if (outcome.status === 'evidenceRefused') throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
      backToCase(res, access, 'objection');
    }, (refusal) => renderCaseWith(res.status(refusal.status), access, 'objection', refusal.fields, { ...typed(req, ['objection'], refusal.fields), fileNumber: String(refusal.context.fileNumber ?? '') })));
  });

  router.post('/track/retaliation', ...deps.limiters, evidenceUpload('evidence', deps.uploadDir), async (req, res) => {
    const access = await open(req);
    if (!access) return notFoundPage(res);
    await wiping(access, () => whenRefused(async () => {
      const form = readForm(retaliationFormSchema, req.body, messages);
      if (containsCode(`${form.happened} ${form.when}`, access.code)) throw refuseField(containsCode(form.happened, access.code) ? 'happened' : 'when', 'voice.errors.containsCode');
      const outcome = await reportRetaliation(access, form, await readUploadedFiles(req), deps.retaliation);
      if (outcome.status === 'evidenceRefused') throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
      backToCase(res, access, 'retaliation');
    }, (refusal) => renderCaseWith(res.status(refusal.status), access, 'retaliation', refusal.fields, { ...typed(req, ['happened', 'when'], refusal.fields), fileNumber: String(refusal.context.fileNumber ?? '') })));
  });

  return router;
}

/** What was typed, except a text that holds the code (it would show the code again). */
export function typed(req: Request, fields: readonly string[], errors: FieldMessages): Record<string, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, errors[field] === 'voice.errors.containsCode' || typeof body[field] !== 'string' ? '' : (body[field] as string).slice(0, 20_000)]));
}

function notFoundPage(res: Response): void {
  res.render('tracking/lookup', { title: 'tracking.lookup.title', notFound: true });
}

/** The case's key is wiped when the request is done with it, whatever happened. */
export async function wiping(access: ReporterAccess, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    access.dataKey.fill(0);
  }
}

/** The reporter's page again, with one of voice/'s forms refused. */
export function renderCaseWith(res: Response, access: ReporterAccess, form: string, errors: FieldMessages, values: Record<string, string>): Promise<void> {
  return renderReporterCase(res, access, { voiceForm: { [form]: { errors, values } } });
}
