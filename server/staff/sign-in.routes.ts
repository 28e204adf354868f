/**
 * Signing in and out, and changing one's own password:
 *   POST /staff/sign-in       email and password → the code page
 *   GET  /staff/sign-in/code  the code form (with the QR code before enrolment)
 *   POST /staff/sign-in/code  → the workspace, or the password page after a reset
 *   GET/POST /staff/password  choose a new password
 *   POST /staff/sign-out
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { recordAudit } from '../audit/audit.service';
import { endSession, requireSignedInToChangePassword } from './access';
import { StaffFormError } from './accounts.service';
import { changeOwnPassword } from './own-password.service';
import { checkCode, checkPassword, enrolmentFor } from './sign-in.service';
import { codeForm, formErrors, ownPasswordForm, signInForm, type FieldErrors } from './staff.schema';
import { keepUnlocked, unlockCookieName, unlockCookieOptions } from './unlock';

export interface SignInDeps {
  cookieSecure: boolean;
  sessionSecret: string;
  commissionKeyId: string;
  limiter: RequestHandler;
}

const pendingMs = 5 * 60 * 1000;

export function signInRoutes(deps: SignInDeps): Router {
  const router = Router();
  const codePage = (req: Request, res: Response, status: number, errors: FieldErrors = {}) =>
    enrolmentFor(req.session.pending!.staffId, deps).then((enrolment) => res.status(status).render('staff/code', { title: 'staff.code.title', enrolment, errors }));

  router.post('/sign-in', deps.limiter, async (req, res) => {
    const form = signInForm.safeParse(req.body);
    const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 254) : '';
    if (!form.success) return res.status(422).render('staff/sign-in', { title: 'staff.signIn.title', values: { email }, errors: formErrors(form.error) });
    const outcome = await checkPassword(form.data, deps);
    if (!outcome.ok) return res.status(401).render('staff/sign-in', { title: 'staff.signIn.title', values: { email }, failed: true });
    await regenerate(req);
    req.session.pending = { staffId: outcome.staffId, sessionVersion: outcome.sessionVersion, at: Date.now() };
    if (outcome.commissionKeyPem) keepUnlocked(req, res, deps.cookieSecure, outcome.staffId, outcome.commissionKeyPem);
    else res.clearCookie(unlockCookieName(deps.cookieSecure), unlockCookieOptions(deps.cookieSecure));
    await saveSession(req);
    res.redirect(303, '/staff/sign-in/code');
  });

  router.get('/sign-in/code', async (req, res) => {
    if (!hasPending(req)) return res.redirect(303, '/staff');
    await codePage(req, res, 200);
  });

  router.post('/sign-in/code', deps.limiter, async (req, res) => {
    if (!hasPending(req)) return res.redirect(303, '/staff');
    const form = codeForm.safeParse(req.body);
    if (!form.success) return codePage(req, res, 422, formErrors(form.error));
    const { staffId, sessionVersion } = req.session.pending!;
    const unlockBox = req.session.unlockBox;
    const outcome = await checkCode({ staffId, sessionVersion, code: form.data.code, keyUnlocked: Boolean(unlockBox) }, deps);
    if (!outcome.ok && outcome.startOver) {
      await endSession(req, res, deps.cookieSecure);
      return res.status(401).render('staff/sign-in', { title: 'staff.signIn.title', values: {}, failed: true });
    }
    if (!outcome.ok) return codePage(req, res, 422, { code: 'staff.errors.codeRefused' });
    // A new id now that the session carries a signed-in identity (no fixation).
    await regenerate(req);
    Object.assign(req.session, { staffId, sessionVersion, signedInAt: Date.now(), unlockBox });
    await saveSession(req);
    res.redirect(303, outcome.mustChangePassword ? '/staff/password' : '/staff');
  });

  router.get('/password', requireSignedInToChangePassword, (_req, res) => {
    res.render('staff/password', { title: 'staff.password.title', errors: {} });
  });

  router.post('/password', deps.limiter, requireSignedInToChangePassword, async (req, res) => {
    const form = ownPasswordForm.safeParse(req.body);
    if (!form.success) return res.status(422).render('staff/password', { title: 'staff.password.title', errors: formErrors(form.error) });
    try {
      const { sessionVersion } = await changeOwnPassword({ staffId: res.locals.staff!.id, ...form.data });
      req.session.sessionVersion = sessionVersion;
      await saveSession(req);
    } catch (error) {
      if (!(error instanceof StaffFormError)) throw error;
      return res.status(422).render('staff/password', { title: 'staff.password.title', errors: error.fieldErrors });
    }
    res.redirect(303, '/staff?done=passwordChanged');
  });

  router.post('/sign-out', async (req, res) => {
    const staff = res.locals.staff;
    if (staff) await recordAudit({ actor: staff.id, action: 'staff.signOut' });
    await endSession(req, res, deps.cookieSecure);
    res.redirect(303, '/staff');
  });

  return router;
}

function hasPending(req: Request): boolean {
  const pending = req.session?.pending;
  return pending !== undefined && Date.now() - pending.at < pendingMs;
}

// express-session saves at the end of the response, but a browser may follow a
// redirect as soon as the headers arrive: save first, so the next page finds it.
function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
}
