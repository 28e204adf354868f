/**
 * mongoose on a MongoDB-wire server: MongoDB 7+ in production, FerretDB v1
 * (SQLite or PostgreSQL backend) on our machines and in tests. Every query
 * must be correct on both. FerretDB v1 gaps we design around:
 *
 * - no TTL, text, partial or sparse indexes: expiry is swept by our own code;
 * - no transactions: write one document per logical change, or make the
 *   steps idempotent and clean up half-done work;
 * - aggregation only $match $group($sum,$count) $sort $project $count
 *   $unwind $addFields $set $unset $limit $skip: no $lookup, $facet, date
 *   operators, $avg/$min/$max; precompute fields (month keys, durations);
 * - findOneAndUpdate rejects projections, so no `select: false` paths;
 * - duplicate-key errors carry no keyValue: check `code === 11000` only;
 * - read-modify-write is not atomic (concurrent $inc can lose updates):
 *   counters use a unique index and retry;
 * - on SQLite only a filter on _id reaches the storage (explain() shows
 *   filterPushdown false for any other field, indexed or not): every other
 *   query reads the whole collection. Hot paths therefore look up by _id
 *   (the reporter's code goes through case_lookups, keyed by lookup id);
 *   the staff queue scans here and uses the indexes on MongoDB.
 *
 * sanitizeFilter is on: a query operator written by our own code must be
 * wrapped in mongoose.trusted(), or it is cast as a value (a CastError).
 */
import mongoose from 'mongoose';

export async function connectDatabase(uri: string, dbName?: string): Promise<typeof mongoose> {
  mongoose.set('sanitizeFilter', true);
  mongoose.set('strictQuery', true);
  // Fail fast while the database is away (503) instead of queueing requests.
  mongoose.set('bufferCommands', false);
  return mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 3000, heartbeatFrequencyMS: 2000 });
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

export async function pingDatabase(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return false;
  const timeout = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
  const ping = db.admin().command({ ping: 1 }).then(() => true, () => false);
  return Promise.race([ping, timeout]);
}

const unavailableErrors = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
]);

// The driver sometimes lets a raw socket error through when the server hangs
// up mid-request (seen with mongodb 6.x in Connection.writeCommand).
const socketErrorCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  // Duck-typed, not instanceof: errors from Node's core may come from another realm (vm, jest).
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, errorResponse, cause } = error as { name?: unknown; code?: unknown; message?: unknown; errorResponse?: unknown; cause?: unknown };
  if (unavailableErrors.has(String(name))) return true;
  if (socketErrorCodes.has(String(code))) return true;
  // A multi-document write (insertMany) that loses its connection is a MongoBulkWriteError wrapping the network error.
  if (depth < 3 && (isDatabaseUnavailable(errorResponse, depth + 1) || isDatabaseUnavailable(cause, depth + 1))) return true;
  // mongoose with bufferCommands off, while disconnected
  return name === 'MongooseError' && /before initial connection|Client must be connected|not connected/i.test(String(message));
}

const maxUpsertAttempts = 5;

/**
 * Runs an upsert again when it fails with a duplicate key. Two upserts of a
 * document that does not exist yet may both try to insert it; the loser's
 * second try finds the document and updates it. MongoDB retries some of
 * these by itself, FerretDB never does.
 */
export async function upsertRetryingDuplicates<T>(upsert: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await upsert();
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt >= maxUpsertAttempts) throw error;
    }
  }
}

export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 11000;
}
