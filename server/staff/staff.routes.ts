/**
 * The commission's workspace at /staff: sessions, sign-in, the landing page,
 * account administration and the audit trail. Mount once, before any other
 * /staff router: every /staff request passes through the session and
 * loadStaff here first, so routers mounted after it (the case queue at
 * /staff/cases) find res.locals.staff and use requireRole from access.ts.
 */
import { Router } from 'express';
import type { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { z } from 'zod';
import { auditRoutes } from '../audit/audit.routes';
import { commissionKeyId } from '../cases/sealing/commission-key';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { createRateLimiter } from '../lib/rate-limits';
import { hasRole, loadStaff } from './access';
import { adminAccountRoutes } from './admin-accounts.routes';
import { prepareDummyHash } from './passwords';
import { staffSession, sweepExpiredStaffSessions } from './session';
import { signInRoutes } from './sign-in.routes';
import { caseRoles } from './staff.model';
import { rememberUnlockCookie, unlockedCommissionKey } from './unlock';

export interface StaffRoutesDeps {
  config: Config;
  redis?: Redis;
  logger?: Logger;
  /** How often expired sessions are deleted; 0 to leave it to the caller (sweepExpiredStaffSessions). */
  sweepEveryMs?: number;
}

const hourMs = 3_600_000;
const dashboardQuery = z.object({ done: z.enum(['passwordChanged']).optional().catch(undefined) });

export function staffRoutes({ config, redis, logger, sweepEveryMs = 10 * 60_000 }: StaffRoutesDeps): Router {
  const router = Router();
  const cookieSecure = config.cookieSecure;
  const keyId = commissionKeyId(config.secrets.commissionPublicKey);
  const limiter = createRateLimiter('staffSignIn', { windowMs: hourMs, limit: config.staff.signInsPerHourPerClient, per: 'client' }, { clientKeySecret: config.secrets.clientKey, redis });

  router.use(staffSession({ secret: config.secrets.session, cookieSecure, idleMs: config.staff.sessionIdleMs }));
  router.use((req, _res, next) => {
    rememberUnlockCookie(req, cookieSecure);
    next();
  });
  router.use(loadStaff({ maxAgeMs: config.staff.sessionMaxMs, cookieSecure }));

  router.get('/', (req, res) => {
    const staff = res.locals.staff;
    if (!staff) return res.render('staff/sign-in', { title: 'staff.signIn.title', values: {} });
    if (staff.mustChangePassword) return res.redirect(303, '/staff/password');
    res.render('staff/dashboard', {
      title: 'staff.dashboard.title',
      done: dashboardQuery.parse(req.query).done,
      unlocked: Boolean(unlockedCommissionKey(req)),
      canSeeCases: hasRole(res, ...caseRoles, 'custodian'),
      canSeeAudit: hasRole(res, 'supervisor', 'admin'),
      canSeeReports: hasRole(res, 'supervisor'),
      isAdmin: hasRole(res, 'admin'),
    });
  });

  router.use(signInRoutes({ cookieSecure, sessionSecret: config.secrets.session, commissionKeyId: keyId, limiter }));
  router.use('/admin/accounts', adminAccountRoutes({ sessionSecret: config.secrets.session, commissionKeyId: keyId }));
  router.use('/audit', auditRoutes());

  void prepareDummyHash();
  if (sweepEveryMs > 0) startSweeping(sweepEveryMs, logger);
  return router;
}

function startSweeping(everyMs: number, logger?: Logger): void {
  const timer = setInterval(() => {
    if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
    sweepExpiredStaffSessions().catch((error: Error) => logger?.warn({ error: error.name }, 'staff session sweep failed'));
  }, everyMs);
  timer.unref();
}
