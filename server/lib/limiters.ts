/**
 * The portal's named limits on public actions (GlobaLeaks-like defaults:
 * 5 reports an hour per client, 20 site-wide), configurable in .env.
 */
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { createRateLimiter, type RateLimitDeps } from './rate-limits';

const hour = 60 * 60 * 1000;

export interface PublicLimiters {
  reports: RequestHandler[];
  trackLookups: RequestHandler[];
}

export function createPublicLimiters(limits: Config['limits'], deps: RateLimitDeps): PublicLimiters {
  return {
    // A form sent back with errors is not a report: only accepted submissions count.
    reports: [
      createRateLimiter('reports-client', { windowMs: hour, limit: limits.reportsPerHourPerClient, per: 'client', skipFailedRequests: true }, deps),
      createRateLimiter('reports-site', { windowMs: hour, limit: limits.reportsPerHourSite, per: 'site', skipFailedRequests: true }, deps),
    ],
    // Every lookup counts, found or not: each one is a guess.
    trackLookups: [
      createRateLimiter('track-client', { windowMs: hour, limit: limits.trackLookupsPerHourPerClient, per: 'client' }, deps),
      createRateLimiter('track-site', { windowMs: hour, limit: limits.trackLookupsPerHourSite, per: 'site' }, deps),
    ],
  };
}
