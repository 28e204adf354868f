/**
 * The one error type routes and services throw. `code` is a string that
 * names a message in the locale files under errors.<code>.
 */
export class HttpError extends Error {
  override name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

export const notFound = (): HttpError => new HttpError(404, 'notFound');
export const forbidden = (): HttpError => new HttpError(403, 'forbidden');
