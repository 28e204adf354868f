/**
 * Report and lookup timings over real HTTP on loopback, against a fresh
 * embedded FerretDB in a temporary folder: sequential submissions with and
 * without a 5 MB photo, and /track lookups. Prints medians; bounded in count.
 *
 *   npm run build && node dist/scripts/bench/report-timings.js [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import argon2 from 'argon2';
import sharp from 'sharp';
import { createApp } from '../../server/app';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { trackingCodeArgon2Parameters } from '../../server/cases/sealing/tracking-code';
import { loadConfig } from '../../server/config';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase } from '../../server/lib/embedded-database';
import { createLogger } from '../../server/lib/logger';
import { BenchClient } from './bench-client';

const runs = Number(process.argv[2] ?? 20);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-bench-'));
  const database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir: path.join(dir, 'db') });
  await connectDatabase(database.uri, 'bench');
  await seedTaxonomy();
  const { publicKey } = generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent', COMMISSION_PUBLIC_KEY: publicKey,
    REPORTS_PER_HOUR_PER_CLIENT: '100000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100000', TRACK_LOOKUPS_PER_HOUR_SITE: '100000',
  });
  const app = createApp({ config, logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })) });
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const client = new BenchClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

  const photo = await fiveMegabytePhoto();
  const argon2Ms = await timeArgon2(runs);
  const withoutPhoto = await timeRuns(runs, () => client.submitReport([]));
  const withPhoto = await timeRuns(runs, () => client.submitReport([photo]));
  const code = await client.submitReport([]);
  const lookups = await timeRuns(runs, () => client.lookUp(code));

  console.log(`argon2id parameters: ${JSON.stringify(trackingCodeArgon2Parameters)}`);
  console.log(`one argon2id evaluation:           median ${argon2Ms.toFixed(1)} ms (${runs} runs)`);
  console.log(`report without a photo:            median ${median(withoutPhoto).toFixed(1)} ms (${runs} runs)`);
  console.log(`report with a ${(photo.length / 1e6).toFixed(1)} MB photo:        median ${median(withPhoto).toFixed(1)} ms (${runs} runs)`);
  console.log(`/track lookup:                     median ${median(lookups).toFixed(1)} ms (${runs} runs)`);

  server.close();
  await disconnectDatabase();
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function timeRuns(count: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}

async function timeArgon2(count: number): Promise<number> {
  const salt = randomBytes(16);
  const times = await timeRuns(count, () => argon2.hash('1234567812345678', { ...trackingCodeArgon2Parameters, salt, raw: true }));
  return median(times);
}

// Noise does not compress: a 5 MB JPEG needs about 2600×1950 random pixels at high quality.
async function fiveMegabytePhoto(): Promise<Buffer> {
  const width = 2600;
  const height = 1950;
  const pixels = randomBytes(width * height * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
