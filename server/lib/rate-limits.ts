/**
 * Named rate limiters. Clients are counted under an HMAC of their address
 * (IPv6 grouped per /56), never the address itself; with Redis the counters
 * are shared by every portal instance and expire with their window.
 */
import { createHmac } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type AugmentedRequest, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { HttpError } from './http-error';

export interface RateLimitDeps {
  clientKeySecret: string;
  redis?: Redis;
}

export interface LimitRule {
  windowMs: number;
  limit: number;
  /** 'client': each client separately; 'site': everyone together. */
  per: 'client' | 'site';
  /** Do not count requests answered with 4xx/5xx (e.g. a form returned with errors). */
  skipFailedRequests?: boolean;
  /** What to count under instead of the client's address or the site (a route's own key, e.g. a service window); already free of anything in clear. */
  key?: (req: Request) => string;
}

/** A client over its limit; the route may answer it itself (the report form does), else the 429 page. */
export class LimitReached extends HttpError {
  constructor(readonly retryAfterMs: number) {
    super(429, 'tooManyRequests');
  }
}

export function clientKey(secret: string, ip: string | undefined): string {
  return createHmac('sha256', secret).update(ipKeyGenerator(ip ?? 'unknown')).digest('base64url');
}

/** A limiter that can also be asked, without counting, how long a client must wait (0: not over its limit). */
export type RateLimiter = RequestHandler & { waitFor(req: Request): Promise<number> };

export function createRateLimiter(name: string, rule: LimitRule, deps: RateLimitDeps): RateLimiter {
  const keyOf = (req: Request) => (rule.key ? rule.key(req) : rule.per === 'site' ? 'site' : clientKey(deps.clientKeySecret, req.ip));
  const limiter = rateLimit({
    windowMs: rule.windowMs,
    limit: rule.limit,
    // A site-wide count is nobody's to read: neither in headers nor in a page's tries left.
    standardHeaders: rule.per === 'site' ? false : 'draft-8',
    legacyHeaders: false,
    identifier: name,
    skipFailedRequests: rule.skipFailedRequests ?? false,
    keyGenerator: (req) => keyOf(req),
    // clientKey() does apply ipKeyGenerator; the library cannot see that through the HMAC.
    validate: { keyGeneratorIpFallback: false },
    store: deps.redis ? redisStore(name, deps.redis) : undefined,
    handler: (req, _res, next) => next(new LimitReached(retryAfterMs((req as AugmentedRequest).rateLimit?.resetTime, rule.windowMs))),
  });
  // When the counters cannot be reached (Redis down) we fail closed, with the 503 page rather than a 500:
  // an unlimited /track would let guesses through.
  const handler: RequestHandler = (req, res, next) => {
    const unavailable = (error: unknown) => next(error instanceof HttpError ? error : new HttpError(503, 'unavailable'));
    const passed = () => {
      // The fewest tries left under any of a route's per-client limits, for a page that says how many remain.
      const remaining = (req as AugmentedRequest).rateLimit?.remaining;
      if (rule.per !== 'site' && typeof remaining === 'number') res.locals.triesLeft = Math.min(Number(res.locals.triesLeft ?? Infinity), remaining);
      next();
    };
    Promise.resolve(limiter(req, res, (error?: unknown) => (error ? unavailable(error) : passed()))).catch(unavailable);
  };
  const waitFor = async (req: Request): Promise<number> => {
    const info = await limiter.getKey(keyOf(req));
    if (!info || info.totalHits < rule.limit) return 0;
    return retryAfterMs(info.resetTime, rule.windowMs) || 1;
  };
  return Object.assign(handler, { waitFor });
}

function retryAfterMs(resetTime: Date | undefined, windowMs: number): number {
  return resetTime ? Math.max(0, resetTime.getTime() - Date.now()) : windowMs;
}

function redisStore(name: string, redis: Redis): Store {
  const store = new RedisStore({
    prefix: `qf:rl:${name}:`,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
  // The store loads its scripts at once, before Redis is connected (main.ts builds the app first), and again on
  // first use if that failed; unhandled, that first failure was an unhandled rejection that ended the process.
  void Promise.allSettled([store.incrementScriptSha, store.getScriptSha]);
  return store;
}
