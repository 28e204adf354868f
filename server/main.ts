/**
 * Start: configuration, database (MONGODB_URI, or the embedded FerretDB),
 * Redis when configured, listen; and a graceful shutdown that finishes the
 * requests in flight before closing the database.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { connectDatabase, disconnectDatabase } from './lib/db';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './lib/embedded-database';
import { createLogger, type Logger } from './lib/logger';
import { every } from './lib/periodic';
import { sweepAbandonedAttachments } from './cases/attachment-sweep.service';
import { moveTotpSecretsToOwnKey } from './staff/totp-key-upgrade';
import { seedTaxonomy } from './cases/taxonomy/taxonomy-seed';
import { rememberEveryReference } from './cases/case-reference-key.model';
import { keepOnlyReporterDays } from './cases/reporter-days-upgrade';
import { keepOnlyDaysOfDoneMails } from './notifications/outbox-days-upgrade';
import { completeEntriesInBackground } from './cases/case-items.service';
import { foldListingChangesWhileConnected } from './cases/listings/listing-fold.service';
import { ensureListingsBuilt, repairListingsWhileConnected } from './cases/listings/listing-rebuild.service';
import { setDeadlineRules } from './cases/deadlines';
import { reloadWorkingCalendar } from './cases/calendar.service';
import { sendDailyDigestIfDue } from './triage/daily-digest.service';
import { tellAssigneesOfAdditions } from './triage/reporter-additions.service';
import { configureImageCleaning } from './cases/evidence/clean-image';
import { createMailTransport } from './notifications/mail-transport';
import { startOutboxWorker } from './notifications/outbox-worker';
import { sendDueInvitations } from './voice/invitations.service';
import { foldInWhileConnected, repairWhileConnected } from './oversight/rollup.service';
import { runPurgeJobWhileConnected } from './retention/purge-job.service';
import { scheduleAlreadyClosedCases } from './retention/retention-upgrade';

const shutdownGraceMs = 15_000;
const reconnectDelayMs = 5_000;

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  configureImageCleaning();
  setDeadlineRules(config.deadlines);

  const embedded = config.mongodbUri ? undefined : await startEmbedded(config, logger);
  const databaseUri = config.mongodbUri ?? embedded!.uri;
  let startedUp = false;
  void connectUntilReady(databaseUri, embedded ? 'qingfeng' : undefined, logger, { totpSecret: config.secrets.totp, sessionSecret: config.secrets.session }).then(() => {
    startedUp = true;
  });

  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false }) : undefined;
  redis?.on('error', (error) => logger.warn({ error: error.name }, 'redis error'));

  if (config.env === 'production' && !config.secrets.identityPublicKey) {
    logger.warn('IDENTITY_PUBLIC_KEY is not set: identities are sealed to the commission key, which every key holder can open (see the operator\'s checklist)');
  }
  const app = createApp({ config, logger, redis, startedUp: () => startedUp });
  const server = app.listen(config.port, config.host, () => {
    logger.info({ host: config.host, port: config.port, database: embedded ? 'embedded FerretDB' : 'MONGODB_URI', startupMs: Date.now() - started }, 'Qingfeng is listening');
  });

  const outbox = startOutboxWorker({ transport: createMailTransport(config), logger });
  // The reporter's invitations go straight to the transport: their addresses are never stored (voice/invitations.service.ts).
  const reporterMail = createMailTransport(config);
  const jobs = [
    outbox,
    every(15 * 60_000, 'attachment sweep', sweepAbandonedAttachments, logger),
    every(10 * 60_000, 'calendar reload', reloadWorkingCalendar, logger),
    every(15 * 60_000, 'daily digest', () => sendDailyDigestIfDue(config.publicUrl), logger),
    every(30_000, 'reporter additions', () => tellAssigneesOfAdditions(config.publicUrl), logger),
    every(5_000, 'roll-up fold', foldInWhileConnected, logger),
    every(2_000, 'case lists fold', foldListingChangesWhileConnected, logger),
    every(10 * 60_000, 'case lists repair', repairListingsWhileConnected, logger),
    every(10 * 60_000, 'roll-up repair', repairWhileConnected, logger),
    every(60 * 60_000, 'retention purge', () => runPurgeJobWhileConnected({ archiveDir: config.retention.archiveDir, commissionPublicKey: config.secrets.commissionPublicKey }, logger), logger),
    every(60 * 60_000, 'retaliation invitations', () => sendDueInvitations({ transport: reporterMail, publicUrl: config.publicUrl, noticeKey: config.secrets.noticeKey }), logger),
  ];

  const stop = once(async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await closeServer(server);
    await Promise.all(jobs.map((job) => job.stop()));
    await disconnectDatabase().catch(() => undefined);
    await embedded?.stop();
    redis?.disconnect();
    logger.info('stopped');
    process.exit(0);
  });
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function startEmbedded(config: Config, logger: Logger): Promise<EmbeddedDatabase> {
  return startEmbeddedDatabase({
    handler: config.embeddedDatabase.handler,
    sqliteDir: path.join(config.dataDir, 'db'),
    postgresqlUrl: config.embeddedDatabase.postgresqlUrl,
    supervise: logger,
  });
}

// Until the first connection succeeds the portal serves 503 pages; after it,
// the driver reconnects by itself.
async function connectUntilReady(uri: string, dbName: string | undefined, logger: Logger, totpKeys: { totpSecret: string; sessionSecret: string }): Promise<void> {
  for (;;) {
    try {
      await connectDatabase(uri, dbName);
      await seedTaxonomy();
      await reloadWorkingCalendar();
      // Before anyone signs in: authenticator secrets sealed under SESSION_SECRET move to TOTP_SECRET_KEY.
      await moveTotpSecretsToOwnKey(totpKeys)
        .then((moved) => moved.moved + moved.unreadable > 0 && logger.info(moved, 'authenticator secrets moved to TOTP_SECRET_KEY'))
        .catch((error: Error) => logger.warn({ error: error.name }, 'authenticator secrets not moved to TOTP_SECRET_KEY; the next start tries again'));
      logger.info('database connected');
      // The upgrades to case_items and to the lists: one pass each, off the request path.
      void completeEntriesInBackground();
      void ensureListingsBuilt().catch((error: Error) => logger.warn({ error: error.name }, 'case lists not built yet; the first list asked for builds them'));
      // Reporters' times stored before they were kept to the day: one pass, once.
      void Promise.all([keepOnlyReporterDays(), keepOnlyDaysOfDoneMails()])
        .then(([items, mails]) => items + mails > 0 && logger.info({ items, mails }, 'stored times kept to the day'))
        .catch((error: Error) => logger.warn({ error: error.name }, 'stored times not yet kept to the day; the next start tries again'));
      // Cases closed before retention existed get their place in the purge schedule: one pass, once.
      void scheduleAlreadyClosedCases()
        .then((scheduled) => scheduled > 0 && logger.info({ scheduled }, 'closed cases scheduled for retention'))
        .catch((error: Error) => logger.warn({ error: error.name }, 'closed cases not yet scheduled for retention; the next start tries again'));
      // Cases stored before references had keys: found by a scan until then, so this may take its time.
      void rememberEveryReference()
        .then((added) => added > 0 && logger.info({ added }, 'case reference keys added'))
        .catch((error: Error) => logger.warn({ error: error.name }, 'case reference keys not added; they are added as cases are asked for'));
      return;
    } catch (error) {
      logger.warn({ error: (error as Error).name }, 'database unreachable; retrying');
      await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs));
    }
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, shutdownGraceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function once<T extends unknown[]>(fn: (...args: T) => Promise<void>): (...args: T) => Promise<void> {
  let running: Promise<void> | undefined;
  return (...args) => (running ??= fn(...args));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Qingfeng could not start: ${(error as Error).name}: ${(error as Error).message}\n`);
  }
  process.exit(1);
});
