/**
 * "A new case arrived": queued for the intake mailbox once a case is stored,
 * with its reference and a staff link only.
 */
import type { Types } from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { enqueueMail } from './outbox.service';

export function intakeNotice(config: Pick<Config, 'mail' | 'publicUrl'>, logger: Logger) {
  return async ({ caseId, reference }: { caseId: Types.ObjectId; reference: string }): Promise<void> => {
    try {
      await enqueueMail({ to: config.mail.commissionInbox, template: 'newCase', data: { publicUrl: config.publicUrl, reference }, caseId });
    } catch (error) {
      // The case is stored and in the queue; only the heads-up mail is missing.
      logger.warn({ error: (error as Error).name, reference }, 'intake notice not queued');
    }
  };
}
