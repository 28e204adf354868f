/**
 * The real portal as a child process for the drills: server/main.ts run by
 * plain node through transpile-on-require.js (nothing to build, nothing
 * stale), on 127.0.0.1 and a free port, with DATA_DIR in a folder of the
 * drill's own and an environment built from nothing (no REDIS_URL or
 * MONGODB_URI leaks in from the test run). main.ts starts its own embedded
 * FerretDB, so the portal's process tree is the one production has.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../server/lib/paths';
import { DrillClient } from './drill-client';
import { freePort, waitFor } from './drill-fixtures';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PortalProcess {
  url: string;
  pid: number;
  /** stdout and stderr lines, the last few hundred. */
  output: string[];
  exited: Promise<Exit>;
  running(): boolean;
}

const mainPath = path.join(projectRoot, 'server', 'main.ts');
const hookPath = path.join(projectRoot, 'test', 'drills', 'transpile-on-require.js');
const readyTimeoutMs = 40_000;

export async function startPortal(dataDir: string, env: Record<string, string> = {}): Promise<PortalProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', hookPath, mainPath], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal }))));
  const portal: PortalProcess = { url: `http://127.0.0.1:${port}`, pid: child.pid!, output, exited, running: () => exit === undefined };

  const ready = await waitFor(async () => portal.running() && (await new DrillClient(portal.url).get('/readyz')).status === 200, readyTimeoutMs, 250);
  if (!ready) {
    if (portal.running()) child.kill('SIGKILL');
    throw new Error(`the portal did not become ready (exit: ${JSON.stringify(exit ?? null)}):\n${output.slice(-30).join('\n')}`);
  }
  return portal;
}

/** Ends the process whatever state it is in (for afterAll): SIGTERM, then SIGKILL after a grace. */
export async function killPortal(portal: PortalProcess | undefined, graceMs = 20_000): Promise<void> {
  if (!portal?.running()) return;
  process.kill(portal.pid, 'SIGTERM');
  const timer = setTimeout(() => portal.running() && process.kill(portal.pid, 'SIGKILL'), graceMs);
  await portal.exited;
  clearTimeout(timer);
}

function collectOutput(child: ChildProcess): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
      if (lines.length > 400) lines.splice(0, lines.length - 400);
    });
  }
  return lines;
}

/** Processes whose parent is `pid`, with their names (from /proc; Linux only, as the project's machines are). */
export function childProcesses(pid: number): Array<{ pid: number; name: string }> {
  const children: Array<{ pid: number; name: string }> = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const stat = readStat(Number(entry));
    if (stat?.ppid === pid) children.push({ pid: Number(entry), name: stat.name });
  }
  return children;
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function processExists(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function readStat(pid: number): { name: string; state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (name) state ppid …": the name may contain spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, close), state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}
