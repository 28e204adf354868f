/**
 * Who is signed in, checked on every /staff request against the database:
 * a disabled account, a raised sessionVersion or a session older than the
 * absolute limit ends the session there and then. Then the guards every
 * staff route uses: requireSignedIn and requireRole(...roles).
 */
import type { Request, RequestHandler, Response } from 'express';
import { forbidden } from '../lib/http-error';
import { sessionCookieName, sessionCookieOptions } from './session';
import { Staff, type StaffRole } from './staff.model';
import { unlockCookieName, unlockCookieOptions } from './unlock';

export interface SignedInStaff {
  id: string;
  name: string;
  roles: StaffRole[];
  mustChangePassword: boolean;
  /** holds a wrapped copy of the commission key (whether or not this session unlocked it) */
  holdsKey: boolean;
  /** a liaison's unit (rectification/); null for everyone else */
  unitCode?: string | null;
}

export function loadStaff(options: { maxAgeMs: number; cookieSecure: boolean }): RequestHandler {
  return async (req, res, next) => {
    const session = req.session;
    if (!session?.staffId) return next();
    const staff = await Staff.findById(session.staffId).lean();
    const valid =
      staff !== null &&
      !staff.disabled &&
      staff.sessionVersion === session.sessionVersion &&
      Date.now() - (session.signedInAt ?? 0) < options.maxAgeMs;
    if (!valid) {
      await endSession(req, res, options.cookieSecure);
      return next();
    }
    res.locals.staff = {
      id: String(staff._id),
      name: staff.name,
      roles: staff.roles as StaffRole[],
      mustChangePassword: staff.mustChangePassword,
      holdsKey: Boolean(staff.wrappedCommissionKey),
      unitCode: staff.roles.includes('liaison') ? (staff.unitCode ?? null) : null,
    };
    next();
  };
}

/** Signed in, with a password of their own. Otherwise to the sign-in page (or the password page). */
export const requireSignedIn: RequestHandler = (_req, res, next) => {
  const staff = res.locals.staff;
  if (!staff) return res.redirect(303, '/staff');
  if (staff.mustChangePassword) return res.redirect(303, '/staff/password');
  next();
};

/** For the password page itself: signed in, even if the password must still be changed. */
export const requireSignedInToChangePassword: RequestHandler = (_req, res, next) => {
  if (!res.locals.staff) return res.redirect(303, '/staff');
  next();
};

/** Signed in and holding at least one of the roles; 403 otherwise. */
export function requireRole(...roles: StaffRole[]): RequestHandler {
  return (req, res, next) => {
    requireSignedIn(req, res, () => {
      const held = res.locals.staff!.roles;
      if (!roles.some((role) => held.includes(role))) return next(forbidden());
      next();
    });
  };
}

export function hasRole(res: Response, ...roles: StaffRole[]): boolean {
  return roles.some((role) => res.locals.staff?.roles.includes(role));
}

export async function endSession(req: Request, res: Response, cookieSecure: boolean): Promise<void> {
  if (req.session) await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
  res.clearCookie(sessionCookieName(cookieSecure), sessionCookieOptions(cookieSecure));
  res.clearCookie(unlockCookieName(cookieSecure), unlockCookieOptions(cookieSecure));
  delete res.locals.staff;
}
