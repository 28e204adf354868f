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
 * - range filters and sorts are not pushed down: they scan, so keep
 *   equality filters on indexed fields for hot paths.
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

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (unavailableErrors.has(error.name)) return true;
  // mongoose with bufferCommands off, while disconnected
  return error.name === 'MongooseError' && /before initial connection|Client must be connected|not connected/i.test(error.message);
}
