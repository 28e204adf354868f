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
import { clientKey } from '../lib/rate-limits';
import { changeOwnPassword } from './own-password.service';
import { checkCode, checkPassword, enrolmentFor } from './sign-in.service';
import { FormRefusal, readForm, refuseField, whenRefused, type FieldMessages } from '../lib/forms';
import { codeForm, ownPasswordForm, signInForm, staffFormMessages } from './staff.schema';
import { keepUnlocked, unlockCookieName, unlockCookieOptions } from './unlock';

export interface SignInDeps {
  cookieSecure: boolean;
  totpSecret: string;
  commissionKeyId: string;
  /** Sign-in failures are counted per account and client (sign-in-guard.ts). */
  clientKeySecret: string;
  limiter: RequestHandler;
}

const pendingMs = 5 * 60 * 1000;

export function signInRoutes(deps: SignInDeps): Router {
  const router = Router();
  const codePage = (req: Request, res: Response, refusal?: FormRefusal) =>
    enrolmentFor(req.session.pending!.staffId, deps).then((enrolment) => res.status(refusal?.status ?? 200).render('staff/code', { title: 'staff.code.title', enrolment, errors: refusal?.fields ?? {} }));

  router.post('/sign-in', deps.limiter, (req, res) => {
    const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 254) : '';
    return whenRefused(async () => {
      const outcome = await checkPassword(readForm(signInForm, req.body, staffFormMessages), { ...deps, client: clientKey(deps.clientKeySecret, req.ip) });
      if (!outcome.ok) return res.status(401).render('staff/sign-in', { title: 'staff.signIn.title', values: { email }, failed: true });
      await regenerate(req);
      req.session.pending = { staffId: outcome.staffId, sessionVersion: outcome.sessionVersion, at: Date.now() };
      if (outcome.commissionKeyPem) keepUnlocked(req, res, deps.cookieSecure, outcome.staffId, outcome.commissionKeyPem);
      else res.clearCookie(unlockCookieName(deps.cookieSecure), unlockCookieOptions(deps.cookieSecure));
      await saveSession(req);
      res.redirect(303, '/staff/sign-in/code');
    }, (refusal) => res.status(refusal.status).render('staff/sign-in', { title: 'staff.signIn.title', values: { email }, errors: refusal.fields }));
  });

  router.get('/sign-in/code', async (req, res) => {
    if (!hasPending(req)) return res.redirect(303, '/staff');
    await codePage(req, res);
  });

  router.post('/sign-in/code', deps.limiter, async (req, res) => {
    if (!hasPending(req)) return res.redirect(303, '/staff');
    await whenRefused(async () => {
      const { code } = readForm(codeForm, req.body, staffFormMessages);
      const { staffId, sessionVersion } = req.session.pending!;
      const unlockBox = req.session.unlockBox;
      const outcome = await checkCode({ staffId, sessionVersion, code, keyUnlocked: Boolean(unlockBox) }, { ...deps, client: clientKey(deps.clientKeySecret, req.ip) });
      if (!outcome.ok && outcome.startOver) {
        await endSession(req, res, deps.cookieSecure);
        return res.status(401).render('staff/sign-in', { title: 'staff.signIn.title', values: {}, failed: true });
      }
      if (!outcome.ok) throw refuseField('code', 'staff.errors.codeRefused');
      // A new id now that the session carries a signed-in identity (no fixation).
      await regenerate(req);
      Object.assign(req.session, { staffId, sessionVersion, signedInAt: Date.now(), unlockBox });
      await saveSession(req);
      res.redirect(303, outcome.mustChangePassword ? '/staff/password' : '/staff');
    }, (refusal) => codePage(req, res, refusal));
  });

  router.get('/password', requireSignedInToChangePassword, (_req, res) => {
    passwordPage(res, {});
  });

  router.post('/password', deps.limiter, requireSignedInToChangePassword, async (req, res) => {
    await whenRefused(async () => {
      const form = readForm(ownPasswordForm, req.body, staffFormMessages);
      const { sessionVersion } = await changeOwnPassword({ staffId: res.locals.staff!.id, ...form }, clientKey(deps.clientKeySecret, req.ip));
      req.session.sessionVersion = sessionVersion;
      await saveSession(req);
      res.redirect(303, '/staff?done=passwordChanged');
    }, (refusal) => passwordPage(res.status(refusal.status), refusal.fields));
  });

  router.post('/sign-out', async (req, res) => {
    const staff = res.locals.staff;
    if (staff) await recordAudit({ actor: staff.id, action: 'staff.signOut' });
    await endSession(req, res, deps.cookieSecure);
    res.redirect(303, '/staff');
  });

  return router;
}

// Passwords are never put back into the form.
function passwordPage(res: Response, errors: FieldMessages): void {
  res.render('staff/password', { title: 'staff.password.title', errors });
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
