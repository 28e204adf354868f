/**
 * For command-line tools: connect to MONGODB_URI, or start the embedded
 * FerretDB on DATA_DIR like the portal does, run the work, and stop cleanly.
 */
import path from 'node:path';
import type { Config } from '../config';
import { connectDatabase, disconnectDatabase } from './db';
import { startEmbeddedDatabase } from './embedded-database';

export async function withDatabase<T>(config: Config, work: () => Promise<T>): Promise<T> {
  const embedded = config.mongodbUri
    ? undefined
    : await startEmbeddedDatabase({
      handler: config.embeddedDatabase.handler,
      sqliteDir: path.join(config.dataDir, 'db'),
      postgresqlUrl: config.embeddedDatabase.postgresqlUrl,
    });
  try {
    await connectDatabase(config.mongodbUri ?? embedded!.uri, embedded ? 'qingfeng' : undefined);
    return await work();
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await embedded?.stop();
  }
}
