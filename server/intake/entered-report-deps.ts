/**
 * What storing a report entered by staff needs (intake officers' reports,
 * the inspection group's findings): the same secrets, form tokens and intake
 * notice as the web form, and a work queue of its own for staff entries.
 */
import path from 'node:path';
import type { Config } from '../config';
import { createLogger, type Logger } from '../lib/logger';
import { createWorkQueue } from '../lib/work-queue';
import { formTokenKeys } from '../reports/form-token';
import type { IntakeRoutesDeps } from './intake.routes';

export function enteredReportDeps(config: Config, logger?: Logger): IntakeRoutesDeps {
  return {
    secrets: { commissionPublicKey: config.secrets.commissionPublicKey, trackingSalt: config.secrets.trackingSalt, identityPublicKey: config.secrets.identityPublicKey, noticeKey: config.secrets.noticeKey },
    formTokenKeys: formTokenKeys(config.secrets.session),
    queue: createWorkQueue(config.intake),
    intake: { inbox: config.mail.commissionInbox, publicUrl: config.publicUrl, logger: logger ?? createLogger('silent') },
    uploadDir: path.join(config.dataDir, 'uploads-in-progress'),
  };
}
