/**
 * Lookups by _id (a reporter's code through case_lookups, sessions, claims,
 * the roll-up, a case opened by id) must be served by an index on both
 * embedded backends. FerretDB v1's own indexes cannot serve the SQL it sends
 * for them, so the launcher adds the exact index (scripts/ferretdb-launcher/
 * lookup_indexes.go); here the database's own planner is asked, with the SQL
 * FerretDB issues, whether it uses it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/lib/embedded-database';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

const postgresqlUrl = process.env.QINGFENG_TEST_POSTGRESQL_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function sqlite(file: string, query: string): string {
  return execFileSync('sqlite3', [file, query], { encoding: 'utf8' });
}

function psql(query: string): string {
  return execFileSync('psql', [postgresqlUrl, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' });
}

async function eventually<T>(read: () => T | undefined, seconds = 20): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const documents = (count: number) => Array.from({ length: count }, (_, index) => ({ _id: `key-${index}`, filler: 'x'.repeat(100) }));

describe('lookups by _id on the embedded database', () => {
  it('when a collection exists on SQLite, then FerretDB\'s query for {_id} is answered through the launcher\'s index', async () => {
    const name = await useTestDatabase();
    try {
      const things = mongoose.connection.collection<{ _id: string; filler: string }>('lookup_probe');
      await things.insertMany(documents(2000));
      const file = path.join(process.env.QINGFENG_TEST_SQLITE_DIR!, `${name}.sqlite`);
      const table = sqlite(file, `SELECT table_name FROM _ferretdb_collections WHERE name = 'lookup_probe'`).trim();
      await eventually(() => (sqlite(file, `SELECT name FROM sqlite_master WHERE type = 'index' AND name = '${table}_qf_id'`).trim() ? true : undefined));
      // The statement FerretDB v1.24.2 prepares for find({_id}) (backends/sqlite/collection.go).
      const plan = sqlite(file, `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson->'$._id' = '"key-1234"'`);
      expect(plan).toContain(`USING INDEX ${table}_qf_id`);
      expect(await things.findOne({ _id: 'key-1234' })).toMatchObject({ _id: 'key-1234' });
    } finally {
      await dropTestDatabase();
    }
  });

  it('when a collection exists on PostgreSQL, then FerretDB\'s query for {_id} is answered through the launcher\'s GIN index', async () => {
    let database: EmbeddedDatabase | undefined;
    const name = `qf_lookup_${randomBytes(4).toString('hex')}`;
    try {
      database = await startEmbeddedDatabase({ handler: 'postgresql', postgresqlUrl });
      const connection = await mongoose.createConnection(database.uri, { dbName: name }).asPromise();
      const things = connection.collection<{ _id: string; filler: string }>('lookup_probe');
      await things.insertMany(documents(5000));
      const table = psql(`SELECT _jsonb->>'table' FROM "${name}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'lookup_probe'`).trim();
      await eventually(() => (psql(`SELECT indexname FROM pg_indexes WHERE schemaname = '${name}' AND indexname = '${table}_qf_id'`).trim() ? true : undefined));
      psql(`ANALYZE "${name}"."${table}"`);
      // The condition FerretDB v1.24.2 sends for find({_id}) (backends/postgresql/query.go, filterEqual).
      const plan = psql(`EXPLAIN SELECT _jsonb FROM "${name}"."${table}" WHERE _jsonb->'_id' @> '"key-1234"'`);
      expect(plan).toContain(`Index Scan on ${table}_qf_id`);
      expect(await things.findOne({ _id: 'key-1234' })).toMatchObject({ _id: 'key-1234' });
      await connection.dropDatabase();
      await connection.close();
    } finally {
      await database?.stop();
    }
  });
});
