/**
 * The only access log: request id, method, route pattern (never the URL, so
 * no query string or path parameter), status and latency.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from './logger';

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.on('finish', () => {
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({
        requestId,
        method: req.method,
        route: req.route ? `${req.baseUrl}${req.route.path}` : '(no route)',
        status: res.statusCode,
        latencyMs: Math.round(latencyMs * 10) / 10,
      }, 'request');
    });
    next();
  };
}
