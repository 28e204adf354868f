/**
 * The window page's limits (see CONTEXT.md for why these two): each client
 * (its address together with its browser cookie, lib/csrf.ts) may rate
 * WINDOW_RATINGS_PER_HOUR_PER_CLIENT times an hour, so people in one hall
 * behind one address are counted apart; each window may be rated
 * WINDOW_RATINGS_PER_HOUR_PER_WINDOW times an hour, by everyone together,
 * which bounds what a script changing cookies can add to one window. No cap
 * for the whole site. Keys are HMACs: no address or cookie in clear.
 */
import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import type { Config } from '../config';
import { clientKey, createRateLimiter, type RateLimitDeps, type RateLimiter } from '../lib/rate-limits';

const hour = 60 * 60 * 1000;

export function windowRatingLimiters(limits: Config['limits'], deps: RateLimitDeps): RateLimiter[] {
  const browserOf = (req: Request) => String(req.res?.locals.browserId ?? '');
  const windowOf = (req: Request) => String(req.res?.locals.serviceWindow?.id ?? '');
  return [
    createRateLimiter('window-client', {
      windowMs: hour, limit: limits.windowRatingsPerHourPerClient, per: 'client',
      key: (req) => createHmac('sha256', deps.clientKeySecret).update(clientKey(deps.clientKeySecret, req.ip)).update('\0').update(browserOf(req)).digest('base64url'),
    }, deps),
    // Everyone's count together: like a site-wide count, shown in no header.
    createRateLimiter('window-window', { windowMs: hour, limit: limits.windowRatingsPerHourPerWindow, per: 'site', key: (req) => `window:${windowOf(req)}` }, deps),
  ];
}
