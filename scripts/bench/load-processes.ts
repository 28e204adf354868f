/**
 * The processes the load benchmark measures or needs, all on 127.0.0.1: the
 * real portal (dist/server/main.js with load-probe.js preloaded, so its event
 * loop and memory can be read), a bare node:http hello-world server as the
 * baseline, and an SMTP sink that accepts the outbox's mail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { ProbeStats } from './load-probe';

/** A process with load-probe.js preloaded. */
export interface ProbedProcess {
  pid: number;
  /** Forget the event-loop delays and CPU time seen so far. */
  resetProbe(): void;
  stats(): Promise<ProbeStats>;
  /** SIGTERM, as in production; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface PortalProcess extends ProbedProcess {
  url: string;
}

const distRoot = path.join(__dirname, '..', '..');
const readyTimeoutMs = 60_000;
const stopTimeoutMs = 25_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPortalProcess(env: Record<string, string>): Promise<PortalProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_CPU_PROFILE=DIR: the portal writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--require', path.join(__dirname, 'load-probe.js'), path.join(distRoot, 'server', 'main.js')], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: url },
    // Its logs (one line per request, as in production) go to /dev/null, or to BENCH_PORTAL_LOG; its start-up errors are kept.
    stdio: ['ignore', process.env.BENCH_PORTAL_LOG ? openSync(process.env.BENCH_PORTAL_LOG, 'a') : 'ignore', 'pipe', 'ipc'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  if (!(await becomesReady(`${url}/readyz`, child))) {
    child.kill('SIGKILL');
    throw new Error(`the portal did not become ready:\n${stderr.join('').slice(-2000)}`);
  }
  return { url, ...probed(child, exited) };
}

/** An idle process with the probe: its event-loop delay is the machine's own (other processes, CPU starvation). */
export function startCanary(): ProbedProcess {
  const child = spawn(process.execPath, ['--require', path.join(__dirname, 'load-probe.js'), '-e', 'setInterval(() => undefined, 2 ** 30)'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return probed(child, new Promise((resolve) => child.once('exit', (code) => resolve(code))));
}

function probed(child: ChildProcess, exited: Promise<number | null>): ProbedProcess {
  return {
    pid: child.pid!,
    resetProbe: () => child.send('reset'),
    async stats() {
      const reply = once(child, 'message') as Promise<[ProbeStats]>;
      child.send('stats');
      return (await reply)[0];
    },
    async stop() {
      const force = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(force);
      return code;
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; 100 ticks a second). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function becomesReady(readyUrl: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const status = await fetch(readyUrl).then((response) => response.status, () => 0);
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

const helloWorld = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello world');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** The baseline: the least a Node HTTP server can do, in a process of its own like the portal. */
export async function startBareServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', helloWorld], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return {
    url: `http://127.0.0.1:${line.toString().trim()}`,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Accepts and drops every mail, so the outbox works during the run as it would in production. */
export async function startSmtpSink(): Promise<{ url: string; accepted(): number; close(): Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        accepted += 1;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as net.AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, accepted: () => accepted, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
