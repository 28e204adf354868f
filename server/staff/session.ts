/**
 * Staff sessions: express-session with connect-mongo, mounted on /staff only,
 * so public visitors never receive a session cookie. Idle sessions expire
 * after STAFF_SESSION_IDLE_MINUTES (the cookie and the stored expiry roll
 * forward on each request); access.ts also ends any session older than
 * STAFF_SESSION_MAX_HOURS. FerretDB has no TTL indexes, so expired sessions
 * are deleted by sweepExpiredStaffSessions().
 */
import type { CookieOptions, RequestHandler } from 'express';
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose, { trusted } from 'mongoose';
import { HttpError } from '../lib/http-error';
import { TotpUse } from './staff.model';
import { sweepSignInGuards } from './sign-in-guard';

declare module 'express-session' {
  interface SessionData {
    /** Password accepted, second factor not yet. */
    pending?: { staffId: string; sessionVersion: number; at: number };
    staffId?: string;
    sessionVersion?: number;
    signedInAt?: number;
    /** base64 content box of the commission private key, under the key in the unlock cookie (unlock.ts) */
    unlockBox?: string;
  }
}

export const sessionCollection = 'staff_sessions';
const totpUseRetentionMs = 10 * 60 * 1000;

export interface StaffSessionOptions {
  secret: string;
  cookieSecure: boolean;
  idleMs: number;
}

export function sessionCookieName(cookieSecure: boolean): string {
  return cookieSecure ? '__Host-qf_staff' : 'qf_staff';
}

export function sessionCookieOptions(cookieSecure: boolean): CookieOptions {
  return { path: '/', httpOnly: true, secure: cookieSecure, sameSite: 'strict' };
}

/**
 * The store is built on the first request, on whatever client mongoose is
 * connected with by then (main.ts connects after the app is built).
 */
export function staffSession(options: StaffSessionOptions): RequestHandler {
  let built: { client: unknown; middleware: RequestHandler } | undefined;
  return (req, res, next) => {
    if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return next(new HttpError(503, 'unavailable'));
    const client = mongoose.connection.getClient();
    if (built?.client !== client) built = { client, middleware: sessionMiddleware(options, client, mongoose.connection.name) };
    built.middleware(req, res, next);
  };
}

// connect-mongo brings its own copy of the driver (6.22, mongoose's is 6.20);
// it only calls db().collection() and collection methods on the client, which
// both copies share, so mongoose's connected client is handed over as it is.
type StoreClient = NonNullable<Parameters<typeof MongoStore.create>[0]['client']>;

function sessionMiddleware(options: StaffSessionOptions, client: unknown, dbName: string): RequestHandler {
  return session({
    name: sessionCookieName(options.cookieSecure),
    secret: options.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { ...sessionCookieOptions(options.cookieSecure), maxAge: options.idleMs },
    store: MongoStore.create({
      client: client as StoreClient,
      dbName,
      collectionName: sessionCollection,
      autoRemove: 'disabled',
      ttl: Math.ceil(options.idleMs / 1000),
    }),
  });
}

/** Deletes expired sessions, spent TOTP codes and old sign-in guards. Returns how many sessions went. */
export async function sweepExpiredStaffSessions(now = new Date()): Promise<number> {
  const sessions = await mongoose.connection.collection(sessionCollection).deleteMany({ expires: { $lt: now } });
  await TotpUse.deleteMany({ at: trusted({ $lt: new Date(now.getTime() - totpUseRetentionMs) }) });
  await sweepSignInGuards(now);
  return sessions.deletedCount;
}
