/** Timing a step several times: median and p99 (nearest rank) in milliseconds. */
export interface Timing {
  median: number;
  p99: number;
  runs: number;
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
