/**
 * Each test file gets a database of its own on the run's FerretDB (started
 * in global-setup.ts) and drops it when done.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';

export function testDatabaseUri(): string {
  const uri = process.env.QINGFENG_TEST_MONGODB_URI;
  if (!uri) throw new Error('QINGFENG_TEST_MONGODB_URI is not set: run the tests through jest (global-setup.ts)');
  return uri;
}

export async function useTestDatabase(): Promise<string> {
  const name = `qf_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  await connectDatabase(testDatabaseUri(), name);
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  return name;
}

export async function dropTestDatabase(): Promise<void> {
  await mongoose.connection.db?.dropDatabase().catch(() => undefined);
  await disconnectDatabase();
}
