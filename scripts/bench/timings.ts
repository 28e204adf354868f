import { readFileSync } from 'node:fs';

/** Timing a step several times: median and p99 (nearest rank) in milliseconds. */
export interface Timing {
  median: number;
  p99: number;
  runs: number;
  /** The database process's CPU per run, in ms, where it was measured. */
  databaseCpuMs?: number;
  /** Database operations per run (mongoose's count), where they were counted. */
  databaseOperations?: number;
}

export async function timings(count: number, run: (index: number) => Promise<unknown>): Promise<Timing> {
  const ms: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await run(index);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const at = (share: number) => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(share * ms.length) - 1))] ?? Number.NaN;
  return { median: at(0.5), p99: at(0.99), runs: ms.length };
}

/** CPU time (user and system) a process has used so far, in ms, from /proc (Linux; 10 ms ticks). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the whole line (utime, stime) are 12 and 13 after "pid (name) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
