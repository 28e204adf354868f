/**
 * Everything under /staff, in the order a request meets it. First who is
 * asking: the session, the signed-in person (checked against the database on
 * every request) and the commission key their session unlocked. Then the
 * screens: sign-in and one's own password, the dashboard, the case workspace
 * (triage), the monthly reports (oversight), the audit trail, the changes
 * awaiting a second person's approval, and the administrators' screens.
 * Every screen checks its role itself.
 */
import { Router } from 'express';
import type { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { commissionKeyId } from '../cases/sealing/commission-key';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { createRateLimiter } from '../lib/rate-limits';
import type { MailTransport } from '../notifications/mail-transport';
import { inspectionRoutes } from '../inspection/inspection.routes';
import { enteredReportDeps } from '../intake/entered-report-deps';
import { intakeRoutes } from '../intake/intake.routes';
import { oversightStaffRoutes } from '../oversight/oversight-staff.routes';
import { assessmentRoutes } from '../assessment/assessment.routes';
import { triageRoutes } from '../triage/triage.routes';
import { retentionRoutes } from '../retention/retention.routes';
import { windowAdminRoutes } from '../windows/window-admin.routes';
import { rectificationRoutes } from '../rectification/rectification.routes';
import { replyTemplateRoutes } from '../reply-templates/reply-templates.routes';
import { loadStaff } from './access';
import { adminRoutes } from './admin/admin.routes';
import { approvalRoutes } from './approvals/approvals.routes';
import { sweepExpiredApprovals } from './approvals/pending-approvals';
import { auditTrailRoutes } from './audit-trail.routes';
import { dashboardRoutes } from './dashboard.routes';
import { prepareDummyHash } from './passwords';
import { staffSession, sweepExpiredStaffSessions } from './session';
import { signInRoutes } from './sign-in.routes';
import { openUnlockedKey } from './unlock';

export interface StaffAreaDeps {
  config: Config;
  redis?: Redis;
  logger?: Logger;
  /** For mail sent straight away (a reporter's update notice). */
  mailTransport: MailTransport;
  /** How often expired sessions are deleted; 0 to leave it to the caller (sweepExpiredStaffSessions). */
  sweepEveryMs?: number;
}

const hourMs = 3_600_000;

export function staffAreaRoutes({ config, redis, logger, mailTransport, sweepEveryMs = 10 * 60_000 }: StaffAreaDeps): Router {
  const router = Router();
  const cookieSecure = config.cookieSecure;
  const keyId = commissionKeyId(config.secrets.commissionPublicKey);
  const limiter = createRateLimiter('staffSignIn', { windowMs: hourMs, limit: config.staff.signInsPerHourPerClient, per: 'client' }, { clientKeySecret: config.secrets.clientKey, redis });

  router.use(staffSession({ secret: config.secrets.session, cookieSecure, idleMs: config.staff.sessionIdleMs }));
  router.use(loadStaff({ maxAgeMs: config.staff.sessionMaxMs, cookieSecure }));
  router.use(openUnlockedKey(cookieSecure));

  router.use(signInRoutes({ cookieSecure, totpSecret: config.secrets.totp, commissionKeyId: keyId, clientKeySecret: config.secrets.clientKey, limiter }));
  router.use(dashboardRoutes());
  router.use(triageRoutes({ transport: mailTransport, publicUrl: config.publicUrl, noticeKey: config.secrets.noticeKey, clientKeySecret: config.secrets.clientKey }));
  // Reports entered by intake officers and the inspection group's findings are stored like web reports.
  const entered = enteredReportDeps(config, logger);
  router.use(intakeRoutes(entered));
  router.use(inspectionRoutes(entered));
  router.use(rectificationRoutes({ commissionPublicKey: config.secrets.commissionPublicKey, uploadDir: entered.uploadDir }));
  router.use(oversightStaffRoutes());
  router.use(assessmentRoutes());
  router.use('/audit', auditTrailRoutes());
  router.use('/approvals', approvalRoutes({ totpSecret: config.secrets.totp }));
  router.use(retentionRoutes());
  router.use(windowAdminRoutes(config.publicUrl));
  router.use(replyTemplateRoutes());
  router.use('/admin', adminRoutes({ totpSecret: config.secrets.totp, commissionKeyId: keyId, allowAdminCaseRoles: config.staff.allowAdminCaseRoles }));

  void prepareDummyHash();
  if (sweepEveryMs > 0) startSweeping(sweepEveryMs, logger);
  return router;
}

function startSweeping(everyMs: number, logger?: Logger): void {
  const timer = setInterval(() => {
    if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
    sweepExpiredStaffSessions().catch((error: Error) => logger?.warn({ error: error.name }, 'staff session sweep failed'));
    sweepExpiredApprovals().catch((error: Error) => logger?.warn({ error: error.name }, 'approval expiry sweep failed'));
  }, everyMs);
  timer.unref();
}
