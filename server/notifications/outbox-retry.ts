/**
 * When to try a mail again, when to give up, and the short code recorded for
 * a failure. Nodemailer's error messages quote the server's reply, which often
 * repeats the recipient's address, so only `code` and `responseCode` are kept.
 */

/** About 14 hours of retrying: 30 s, 1 min, 2 min … then hourly. */
export const maxAttempts = 20;
const firstDelayMs = 30_000;
const maxDelayMs = 60 * 60_000;
const jitter = 0.1;

/** Delay before the next try, after `attempts` failed ones (1 → about 30 s), ±10% so instances drift apart. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 20));
  const delay = Math.min(firstDelayMs * 2 ** exponent, maxDelayMs);
  return Math.round(delay * (1 - jitter + 2 * jitter * random()));
}

export function deliveryErrorCode(error: unknown): string {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const base = typeof code === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(code) ? code : 'unknown';
  return typeof responseCode === 'number' && Number.isInteger(responseCode) && responseCode >= 100 && responseCode < 600 ? `${base}:${responseCode}` : base;
}

/** The server refused the recipient for good (5xx on RCPT TO): trying again will not help. */
export function isPermanentFailure(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  return code === 'EENVELOPE' && typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}
