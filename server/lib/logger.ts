/**
 * Structured logs. What may appear is decided where a line is written
 * (request-log.ts, error-handler.ts): never a client address, user agent,
 * referrer, query string, form body, cookie, tracking code or identity.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
