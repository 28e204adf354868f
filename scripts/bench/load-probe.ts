/**
 * Preloaded into the portal's process by the load benchmark
 * (node --require dist/scripts/bench/load-probe.js dist/server/main.js): it
 * watches the event loop's delay, the process's memory and CPU time, and
 * answers the benchmark over the IPC channel. Also preloaded into an idle
 * canary process, whose event-loop delay is what the machine alone causes.
 * Not part of the portal; nothing else loads it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProbeStats {
  /** Longest event-loop delay since the last reset, in ms. */
  maxDelayMs: number;
  p99DelayMs: number;
  /** The process's peak resident set size over its whole life (getrusage), in bytes. */
  peakRssBytes: number;
  /** The highest resident set size sampled (every 10 ms) since the last reset, in bytes. */
  peakRssSinceResetBytes: number;
  rssBytes: number;
  /** CPU time used since the last reset (user + system), in ms. */
  cpuMs: number;
}

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let cpuAtReset = process.cpuUsage();
let peakSinceReset = process.memoryUsage.rss();
setInterval(() => (peakSinceReset = Math.max(peakSinceReset, process.memoryUsage.rss())), 10).unref();

process.on('message', (message: unknown) => {
  // Start-up (loading every module) blocks the loop once; the benchmark resets after it.
  if (message === 'reset') {
    delay.reset();
    cpuAtReset = process.cpuUsage();
    peakSinceReset = process.memoryUsage.rss();
  }
  if (message === 'stats') {
    const cpu = process.cpuUsage(cpuAtReset);
    const stats: ProbeStats = {
      maxDelayMs: delay.max / 1e6,
      p99DelayMs: delay.percentile(99) / 1e6,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      peakRssSinceResetBytes: Math.max(peakSinceReset, process.memoryUsage.rss()),
      rssBytes: process.memoryUsage.rss(),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    process.send?.(stats);
  }
});
// The channel must not keep the portal alive: SIGTERM still ends it as in production.
process.channel?.unref();
