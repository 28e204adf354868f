/**
 * The embedded development database: FerretDB v1 on SQLite (or PostgreSQL),
 * run as a child process through our Go launcher (scripts/ferretdb-launcher).
 * It listens on 127.0.0.1 only and dies with its parent: the launcher stops
 * when its standard input closes.
 *
 * If the child dies on its own, it is started again on the same address,
 * after 0.5 s, then twice as long each time up to 30 s (reset once it has
 * run for a minute): the driver reconnects by itself, and the portal
 * recovers without a restart. Only the event and its exit code are logged,
 * never what FerretDB printed (it may quote documents).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Logger } from './logger';
import { projectRoot } from './paths';

export const launcherPath = path.join(projectRoot, '.tools', 'ferretdb-launcher');

export interface EmbeddedDatabaseOptions {
  handler: 'sqlite' | 'postgresql';
  sqliteDir?: string;
  postgresqlUrl?: string;
  /** 127.0.0.1:0 picks a free port. */
  listen?: string;
  /** false only to measure without the indexes that serve lookups by _id (benchmarks) */
  lookupIndexes?: boolean;
  /** Start the child again when it dies on its own, logging each event. */
  supervise?: Logger;
}

export interface EmbeddedDatabase {
  uri: string;
  /** The child's pid now (a restart changes it). */
  readonly pid: number;
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;
const backoff = { firstMs: 500, maxMs: 30_000, stableMs: 60_000 } as const;

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  if (!existsSync(launcherPath)) {
    throw new Error(`The FerretDB launcher is not built: run "npm run setup:db" (expected ${launcherPath})`);
  }
  let { child, uri } = await launch(options, options.listen ?? '127.0.0.1:0');
  const address = new URL(uri).host;
  let stopping = false;
  let delayMs: number = backoff.firstMs;
  let startedAt = Date.now();
  let restarting: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // The wait before a restart ends early when the portal stops.
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  const watch = (watched: ChildProcess) => {
    watched.once('exit', (code, signal) => {
      if (stopping || !options.supervise) return;
      options.supervise.error({ code, signal }, 'embedded database stopped; starting it again');
      restarting = restart();
    });
  };
  const restart = async (): Promise<void> => {
    for (;;) {
      if (Date.now() - startedAt > backoff.stableMs) delayMs = backoff.firstMs;
      await pause(delayMs);
      delayMs = Math.min(delayMs * 2, backoff.maxMs);
      if (stopping) return;
      try {
        ({ child } = await launch(options, address));
        startedAt = Date.now();
        options.supervise!.info({ address }, 'embedded database started again');
        watch(child);
        return;
      } catch {
        options.supervise!.error({ retryInMs: delayMs }, 'embedded database did not start; trying again');
      }
    }
  };
  watch(child);

  return {
    uri,
    get pid() {
      return child.pid!;
    },
    async stop() {
      stopping = true;
      wake?.();
      await restarting;
      await stopChild(child);
    },
  };
}

async function launch(options: EmbeddedDatabaseOptions, listen: string): Promise<{ child: ChildProcess; uri: string }> {
  const args = ['-listen', listen, '-handler', options.handler];
  if (options.sqliteDir) args.push('-sqlite-dir', options.sqliteDir);
  if (options.postgresqlUrl) args.push('-postgresql-url', options.postgresqlUrl);
  if (options.lookupIndexes === false) args.push('-lookup-indexes=false');

  const child = spawn(launcherPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const uri = await waitForReady(child, stderr);
  // FerretDB's own log may quote documents: keep none of it once it is up.
  child.stderr!.removeAllListeners('data');
  child.stderr!.resume();
  return { child, uri };
}

function waitForReady(child: ChildProcess, stderr: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error('FerretDB did not start in time')), startTimeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${stderr.join('').slice(-2000)}`));
    }
    lines.on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve(line.slice('READY '.length).trim());
    });
    child.once('exit', (code) => fail(new Error(`FerretDB exited with code ${code} before it was ready`)));
    child.once('error', fail);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
