/**
 * Sends what the outbox holds: every `intervalMs`, up to `batchSize` due
 * mails, one after the other. Started and stopped by main.ts; nothing runs
 * at import. The loop never throws: with the database away it logs once and
 * tries again on the next tick. Logs carry mail ids, template names, attempt
 * counts and error codes only: never an address, a subject or a body.
 */
import { isDatabaseUnavailable } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { MailTransport } from './mail-transport';
import { deliverDueMail } from './outbox-delivery';
import { enterPendingMails, findDueMails } from './outbox.service';

export interface OutboxWorkerOptions {
  transport: MailTransport;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
}

export interface OutboxWorker {
  /** Waits for a pass in progress, then stops the timer for good. */
  stop(): Promise<void>;
  /** One pass now (after any pass in progress); resolves to the number of mails sent. */
  runOnce(): Promise<number>;
}

export function startOutboxWorker({ transport, logger, intervalMs = 15_000, batchSize = 20 }: OutboxWorkerOptions): OutboxWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let databaseAway = false;
  let pendingEntered = false;
  // Passes run one at a time: the timer's and any runOnce() queue up here.
  let queue: Promise<number> = Promise.resolve(0);

  async function pass(): Promise<number> {
    try {
      const sent = await sendDueMails();
      if (databaseAway) logger.info('outbox: database reachable again');
      databaseAway = false;
      return sent;
    } catch (error) {
      const away = isDatabaseUnavailable(error);
      if (!away || !databaseAway) logger.warn({ error: (error as Error)?.name ?? 'unknown' }, 'outbox pass failed; retrying next tick');
      databaseAway = away;
      return 0;
    }
  }

  async function sendDueMails(): Promise<number> {
    if (!pendingEntered) {
      await enterPendingMails();
      pendingEntered = true;
    }
    const due = await findDueMails(new Date(), batchSize);
    let sent = 0;
    for (const mail of due) {
      if (stopped) break;
      const outcome = await deliverDueMail(mail, { transport, logger, now: new Date() });
      if (outcome === 'sent') sent += 1;
    }
    return sent;
  }

  function runOnce(): Promise<number> {
    queue = queue.then(pass);
    return queue;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void runOnce().then(schedule), intervalMs);
    timer.unref();
  }

  logger.info({ transport: transport.kind, intervalMs, batchSize }, 'outbox worker started');
  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await queue;
    },
  };
}
