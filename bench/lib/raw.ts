// The baseline of the write benchmarks: raw single-row INSERTs of a pod-sized JSON
// document into `bench_raw (id bigserial primary key, k text, o jsonb)`, `concurrency`
// at a time, each its own statement and commit.
import { drive, type LoadResult } from './load.ts';

export interface RawRequest {
  concurrency: number;
  ops: number;
  /** Distinguishes the keys of one run from another's. */
  prefix: string;
  /** The JSON text inserted (a stored pod's, for the same size). */
  json: string;
}

export const BENCH_RAW_TABLE = 'CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, k text NOT NULL, o jsonb NOT NULL)';

export function runRawInserts(req: RawRequest, insert: (k: string, o: string) => Promise<unknown>): Promise<LoadResult> {
  return drive(req.concurrency, req.ops, (i) => insert(`${req.prefix}-${i}`, req.json));
}
