/**
 * The portal's named limits on public actions, configurable in .env.
 * Reports have a limit per client only: a cap for the whole site would let a
 * few addresses close the form for everyone. What protects the site from a
 * burst is the intake queue (lib/work-queue.ts), which slows it down.
 */
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { createRateLimiter, type RateLimitDeps, type RateLimiter } from './rate-limits';

const hour = 60 * 60 * 1000;

export interface PublicLimiters {
  reports: RateLimiter;
  trackLookups: RequestHandler[];
}

export function createPublicLimiters(limits: Config['limits'], deps: RateLimitDeps): PublicLimiters {
  return {
    // Every submission counts, accepted or sent back: each one costs the work of reading and checking it.
    reports: createRateLimiter('reports-client', { windowMs: hour, limit: limits.reportsPerHourPerClient, per: 'client' }, deps),
    // Every lookup counts, found or not: each one is a guess.
    trackLookups: [
      createRateLimiter('track-client', { windowMs: hour, limit: limits.trackLookupsPerHourPerClient, per: 'client' }, deps),
      createRateLimiter('track-site', { windowMs: hour, limit: limits.trackLookupsPerHourSite, per: 'site' }, deps),
    ],
  };
}
