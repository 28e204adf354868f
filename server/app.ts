/**
 * createApp(): middleware, views, routes and the error handler, in the order
 * a request meets them. No listening and no connections here (see main.ts),
 * so tests can build as many apps as they like.
 */
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { healthRoutes } from './health/health.routes';
import { createCsrf } from './lib/csrf';
import { errorHandler, notFoundHandler } from './lib/error-handler';
import { HttpError } from './lib/http-error';
import { language } from './lib/language';
import { otherChannels } from './lib/other-channels';
import type { Logger } from './lib/logger';
import { projectRoot } from './lib/paths';
import { requestLog } from './lib/request-log';
import { noStore, securityHeaders } from './lib/security-headers';
import { setUpViews } from './lib/views';
import { createPublicLimiters } from './lib/limiters';
import { createWorkQueue } from './lib/work-queue';
import { pagesRoutes } from './pages/pages.routes';
import { formTokenKeys } from './reports/form-token';
import { reportRoutes } from './reports/report.routes';
import { receiptCookie } from './reports/receipt-cookie';
import { sealedCookieKey } from './lib/sealed-cookie';
import { receiptRoutes } from './reports/receipt.routes';
import { staffAreaRoutes } from './staff/staff-area.routes';
import { createMailTransport, type MailTransport } from './notifications/mail-transport';
import { trackingRoutes } from './tracking/tracking.routes';
import { figuresRoutes } from './oversight/figures.routes';
import { setRetentionDefaults } from './retention/retention-settings.service';
import { voiceRoutes } from './voice/voice.routes';
import { setDeadlineRules } from './cases/deadlines';
import { windowPublicRoutes } from './windows/window-public.routes';
import { windowRatingLimiters } from './windows/window-limits';

export interface AppDeps {
  config: Config;
  logger: Logger;
  redis?: Redis;
  /** Tests only: routes mounted just before the 404 handler. */
  extraRoutes?: express.Router;
  /** For mail sent straight away (a reporter's update notice); default: from config. */
  mailTransport?: MailTransport;
  /** False until main.ts has finished its start-up work on the database: /readyz answers 503 until then. */
  startedUp?: () => boolean;
}

export function createApp({ config, logger, redis, extraRoutes, mailTransport, startedUp }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Express's own fallback handler would print stack traces in "development".
  app.set('env', 'production');
  app.set('trust proxy', config.trustProxyHops);
  app.set('query parser', 'simple');
  // Pages are never cached (no-store) and carry per-browser tokens: no ETags.
  app.set('etag', false);
  setUpViews(app, config.env === 'production');
  setRetentionDefaults(config.retention);
  // The DEADLINE_* keys were read but never applied.
  setDeadlineRules(config.deadlines);

  app.use(requestLog(logger));
  app.use(securityHeaders());
  app.use(cookieParser());
  app.use(language());
  app.use('/public', express.static(path.join(projectRoot, 'public'), { maxAge: '1d', index: false, redirect: false }));
  app.use(noStore);
  app.use(otherChannels(config.channels));
  app.use(healthRoutes(startedUp));

  app.use(onlyFormBodies);
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  const csrf = createCsrf({ secret: config.secrets.csrf, cookieSecure: config.cookieSecure });
  app.use(csrf.middleware);

  const uploadDir = path.join(config.dataDir, 'uploads-in-progress');
  const limiters = createPublicLimiters(config.limits, { clientKeySecret: config.secrets.clientKey, redis });
  const secrets = { commissionPublicKey: config.secrets.commissionPublicKey, trackingSalt: config.secrets.trackingSalt, identityPublicKey: config.secrets.identityPublicKey, noticeKey: config.secrets.noticeKey };

  app.use(pagesRoutes({ cookieSecure: config.cookieSecure }));
  const receipt = { cookie: receiptCookie(config.secrets.session, config.cookieSecure), publicUrl: config.publicUrl };
  app.use(receiptRoutes(receipt));
  // One intake queue for the public's reports and the service windows' cases: one budget of cores.
  const intakeQueue = createWorkQueue(config.intake);
  const intake = { inbox: config.mail.commissionInbox, publicUrl: config.publicUrl, logger };
  app.use(reportRoutes({
    receipt,
    secrets,
    formTokenKeys: formTokenKeys(config.secrets.session),
    limiter: limiters.reports,
    intakeQueue,
    intake,
    uploadDir,
  }));
  app.use(windowPublicRoutes({
    submit: { secrets, intake, queue: intakeQueue },
    formTokenKeys: formTokenKeys(config.secrets.session),
    receiptCookie: receipt.cookie,
    limiters: windowRatingLimiters(config.limits, { clientKeySecret: config.secrets.clientKey, redis }),
  }));
  const viewCookie = { name: 'qf_case_view', path: '/track', lifetimeMs: 10 * 60 * 1000, key: sealedCookieKey(config.secrets.session, 'reporter case view'), secure: config.cookieSecure };
  app.use(trackingRoutes({ trackingSalt: secrets.trackingSalt, limiters: limiters.trackLookups, uploadDir, viewCookie }));
  app.use(voiceRoutes({
    trackingSalt: secrets.trackingSalt,
    limiters: limiters.trackLookups,
    uploadDir,
    retaliation: { commissionPublicKey: secrets.commissionPublicKey, inbox: config.mail.commissionInbox, publicUrl: config.publicUrl },
    viewCookie,
  }));
  app.use(figuresRoutes());
  app.use('/staff', staffAreaRoutes({ config, redis, logger, mailTransport: mailTransport ?? createMailTransport(config) }));

  if (extraRoutes) app.use(extraRoutes);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

/** Our forms post urlencoded or multipart bodies; anything else is refused unread. */
const onlyFormBodies: express.RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (req.method === 'GET' || req.method === 'HEAD' || !hasBody) return next();
  if (req.is(['application/x-www-form-urlencoded', 'multipart/form-data'])) return next();
  next(new HttpError(415, 'unsupportedMediaType'));
};
