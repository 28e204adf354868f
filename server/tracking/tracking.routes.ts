/**
 * Reporters: /track. The code arrives in a POST body only, and the case page
 * is the answer to that POST (no-store, nothing in the URL or history).
 * Follow-up forms carry the code back in a hidden field of that page.
 * Information added (and voice/'s forms) is answered with a redirect to
 * /track/case, which opens the case from a sealed cookie of this browser
 * (held-view.ts, a few minutes), so a reload shows the case and posts
 * nothing twice; "leave" ends it.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { readForm, refuseField, whenRefused, type FormMessages } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { detectInAppBrowser } from '../lib/in-app-browser';
import { evidenceUpload, readUploadedFiles } from '../lib/uploads';
import { addReporterInformation } from './add-information.service';
import { containsCode, openCaseWithCode, type ReporterAccess } from './reporter-access.service';
import { renderReporterCase } from './reporter-page';
import { clearSealedCookie, type SealedCookie } from '../lib/sealed-cookie';
import { holdCaseView, takeHeldView } from './held-view';
import { openLinkedCase } from '../voice/linked-cases.service';
import { addInformationSchema, lookupFormSchema } from './tracking.schema';

export interface TrackingRoutesDeps {
  trackingSalt: Buffer;
  limiters: RequestHandler[];
  uploadDir: string;
  /** holds the code between an addition and the page that shows it (path /track) */
  viewCookie: SealedCookie;
}

const additionMessages: FormMessages = { prefix: 'tracking.errors', hidden: ['_csrf', 'code'] };

export function trackingRoutes(deps: TrackingRoutesDeps): Router {
  const router = Router();

  router.get('/track', detectInAppBrowser, (req, res) => {
    res.render('tracking/lookup', { title: 'tracking.lookup.title', left: req.query.left === '1' });
  });

  router.post('/track', detectInAppBrowser, ...deps.limiters, async (req, res) => {
    const form = lookupFormSchema.safeParse(req.body);
    if (!form.success) throw new HttpError(400, 'badRequest');
    const access = await openCaseWithCode(form.data.code, deps.trackingSalt);
    if (!access) return renderNotFound(res, form.data.code);
    await renderReporterCase(res, access, {});
  });

  // Each view opens the case with its code (an argon2id): reloads count as lookups do.
  router.get('/track/case', ...deps.limiters, async (req, res) => {
    const held = takeHeldView(req, res, deps.viewCookie);
    const access = held.code ? await openCaseWithCode(held.code, deps.trackingSalt) : null;
    if (!access) return res.redirect(303, '/track');
    await renderReporterCase(res, access, { added: req.query.added === '1', confirmation: held.confirmation });
  });

  router.post('/track/leave', (_req, res) => {
    clearSealedCookie(res, deps.viewCookie);
    res.redirect(303, '/track?left=1');
  });

  router.post('/track/add', ...deps.limiters, evidenceUpload('evidence', deps.uploadDir), async (req, res) => {
    const code = typeof req.body?.code === 'string' ? req.body.code : undefined;
    const access = await openCaseWithCode(code, deps.trackingSalt);
    if (!access) return renderNotFound(res);
    const typed = typeof req.body?.message === 'string' ? req.body.message : '';
    await whenRefused(async () => {
      const form = readForm(addInformationSchema, req.body, additionMessages);
      if (containsCode(form.message, access.code)) throw refuseField('message', 'tracking.errors.containsCode');
      const target = await additionTarget(access, form.to);
      const outcome = await addReporterInformation(target, form.message, await readUploadedFiles(req)).finally(() => {
        if (target !== access) target.dataKey.fill(0);
      });
      if (outcome.status === 'evidenceRefused') throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
      holdCaseView(res, deps.viewCookie, access.code);
      access.dataKey.fill(0);
      res.redirect(303, '/track/case?added=1');
    }, (refusal) => {
      // A message that holds the code is not put back on the page: it would show the code again.
      const message = refusal.fields.message === 'tracking.errors.containsCode' ? '' : typed;
      return renderReporterCase(res.status(refusal.status), access, { errors: refusal.fields, message, fileNumber: refusal.context.fileNumber, addTo: typeof req.body?.to === 'string' ? req.body.to : '' });
    });
  });

  return router;
}

/** The case an addition goes to: this one, or a case the reporter started from it (a retaliation check-in). */
async function additionTarget(access: ReporterAccess, to: string | undefined): Promise<ReporterAccess> {
  if (!to) return access;
  const linked = /^[0-9a-f]{24}$/.test(to) ? await openLinkedCase(access.caseDocument, access.dataKey, to) : null;
  if (!linked) throw refuseField('to', 'linkedAdditions.unknown');
  return { code: access.code, ...linked };
}

/** The digits stay in the field (the person checks them against what they wrote down), with the tries left. */
function renderNotFound(res: Response, typed?: string): void {
  const triesLeft = Number.isFinite(res.locals.triesLeft) ? res.locals.triesLeft : undefined;
  res.render('tracking/lookup', { title: 'tracking.lookup.title', notFound: true, typedCode: typed?.slice(0, 40), triesLeft });
}


