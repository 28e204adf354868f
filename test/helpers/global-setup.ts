/**
 * Starts one FerretDB (SQLite backend, in a temporary folder) for the whole
 * test run. Each test file then works in a database of its own on it (see
 * database.ts), so parallel workers never see each other's data.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/lib/embedded-database';

declare global {
  // eslint-disable-next-line no-var
  var qingfengTestDatabase: EmbeddedDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  const sqliteDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-test-db-'));
  const database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir });
  globalThis.qingfengTestDatabase = database;
  process.env.QINGFENG_TEST_MONGODB_URI = database.uri;
  process.env.QINGFENG_TEST_SQLITE_DIR = sqliteDir;
}
