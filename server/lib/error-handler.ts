/**
 * The one error middleware. Every failure becomes a page in the user's
 * language with a status and a short message from the locale files; nothing
 * about the software (stack, versions, queries) reaches the client. Logs get
 * the error's name, code and stack frames but not its message, which may
 * quote user input or database values.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from './db';
import { HttpError, notFound } from './http-error';
import type { Logger } from './logger';

interface Problem {
  status: number;
  code: string;
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = classify(error);
    if (problem.status >= 500) {
      logger.error({ requestId: res.locals.requestId, error: describeForLog(error), status: problem.status }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(problem.status);
    if (problem.status === 503) res.setHeader('Retry-After', '30');
    if (req.accepts(['html', 'json']) === 'json' && !req.accepts('html')) {
      res.json({ error: problem.code });
      return;
    }
    res.render('errors/error', { problem, title: `errors.${problem.code}.title` }, (renderError, html) => {
      if (renderError) {
        logger.error({ requestId: res.locals.requestId, error: describeForLog(renderError) }, 'error page failed');
        res.type('text/plain').send(String(problem.status));
        return;
      }
      res.send(html);
    });
  };
}

function classify(error: unknown): Problem {
  if (error instanceof HttpError) return { status: error.status, code: error.code };
  if (isDatabaseUnavailable(error)) return { status: 503, code: 'unavailable' };
  const known = error as { type?: string; code?: string; status?: number; name?: string };
  if (known.code === 'EBADCSRFTOKEN') return { status: 403, code: 'csrf' };
  if (known.type === 'entity.too.large' || known.code === 'LIMIT_FIELD_VALUE') return { status: 413, code: 'tooLarge' };
  if (known.code === 'LIMIT_FILE_SIZE') return { status: 413, code: 'fileTooLarge' };
  if (known.code === 'LIMIT_FILE_COUNT') return { status: 413, code: 'tooManyFiles' };
  if (known.type === 'entity.verify.failed' || known.status === 415 || known.type === 'encoding.unsupported') return { status: 415, code: 'unsupportedMediaType' };
  if (known.name === 'MulterError' || (typeof known.status === 'number' && known.status >= 400 && known.status < 500)) return { status: 400, code: 'badRequest' };
  if (error instanceof Error && /Unexpected end of form|Malformed part header|Multipart: Boundary not found/i.test(error.message)) return { status: 400, code: 'badRequest' };
  return { status: 500, code: 'internal' };
}

function describeForLog(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  return { name: error.name, code: (error as { code?: unknown }).code, stack: frames.slice(0, 12).join('\n') };
}
