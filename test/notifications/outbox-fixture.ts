/** Shared by the outbox tests: a logger whose lines are kept, and a way to skip the backoff. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../server/lib/logger';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';

export function capturingLogger(): { logger: Logger; logLines: string[] } {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('debug', sink), logLines };
}

/** Instead of waiting out the backoff, move every pending mail's next attempt into the past. */
export async function letTimePass(): Promise<void> {
  await OutboxMail.updateMany({ status: 'pending' }, { $set: { nextAttemptAt: new Date(Date.now() - 1000) } });
}
