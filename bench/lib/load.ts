// A closed-loop load generator: `concurrency` workers, each starting its next operation
// when its last one finished, until `ops` have been done. Latency is per operation.
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  ops: number;
  seconds: number;
  /** Per-operation latency in milliseconds, in completion order. */
  latencies: number[];
}

export async function drive(concurrency: number, ops: number, op: (i: number, worker: number) => Promise<unknown>): Promise<LoadResult> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < ops) {
        const i = next++;
        const t = performance.now();
        await op(i, worker);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { ops, seconds: (performance.now() - start) / 1000, latencies };
}
