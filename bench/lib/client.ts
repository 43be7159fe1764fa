// The load client, in a process of its own (`node --import tsx/esm bench/lib/client.ts`,
// started by the bench scripts through bench/lib/ipc.ts): a cluster component talking
// GraphQL over HTTP to the apiserver with bearer tokens, through fetch (undici; its
// global agent keeps connections alive and opens one per request in flight), and the
// raw-INSERT baseline through a pg Pool of size = concurrency on the same database.
//
// A 429 (rate limit) is counted, waited out (Retry-After) and retried; its latency is
// what the caller saw, waits included. Any other error fails the run.
import pg from 'pg';
import { serve, wallMs } from './ipc.ts';
import { drive } from './load.ts';
import { SENT_AT, benchPod, runningStatus, type RunRequest, type RunResult } from './pods.ts';
import { BENCH_RAW_TABLE, runRawInserts, type RawRequest } from './raw.ts';

let url = '';
let tokens: string[] = [];
/** 'worker': worker w always uses tokens[w % n]; 'request': request i uses tokens[i % n]. */
let tokenMode: 'worker' | 'request' = 'worker';
let pool: pg.Pool | undefined;
let rejected = 0;

const CREATE = 'mutation($pod: PodInput!) { createPod(pod: $pod) { metadata { name resourceVersion } } }';
const BIND = 'mutation($ns: String, $name: String!, $node: String!) { bindPod(namespace: $ns, name: $name, nodeName: $node) { metadata { resourceVersion } } }';
const STATUS =
  'mutation($ns: String, $name: String!, $status: JSON!) { updatePodStatus(namespace: $ns, name: $name, status: $status) { metadata { resourceVersion } } }';

async function gql<T = Record<string, any>>(target: string, token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<T> {
  for (;;) {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    if (res.status === 429) {
      rejected++;
      const after = Number(res.headers.get('retry-after') ?? 1);
      await new Promise((r) => setTimeout(r, Math.max(1, after) * 1000));
      continue;
    }
    let body: { data?: T; errors?: unknown[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
    }
    if (body.errors?.length) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors).slice(0, 500)}`);
    return body.data as T;
  }
}

async function run(req: RunRequest): Promise<RunResult> {
  rejected = 0;
  const token = (i: number, worker: number) => tokens[(tokenMode === 'worker' ? worker : i) % tokens.length];
  const op = (i: number, worker: number): Promise<unknown> => {
    const name = `${req.prefix}-${i}`;
    switch (req.op) {
      case 'create':
        return gql(url, token(i, worker), CREATE, { pod: benchPod(name, req.namespace, req.annotateSentAt ? { [SENT_AT]: String(wallMs()) } : undefined) });
      case 'bind':
        return gql(url, token(i, worker), BIND, { ns: req.namespace, name, node: `node-${i % 16}` });
      case 'status':
        return gql(url, token(i, worker), STATUS, { ns: req.namespace, name, status: runningStatus(i) });
    }
  };
  const result = await drive(req.concurrency, req.ops, op);
  return { ...result, rejected };
}

serve({
  init: (args: { url: string; tokens: string[]; tokenMode?: 'worker' | 'request' }) => {
    url = args.url;
    tokens = args.tokens;
    tokenMode = args.tokenMode ?? 'worker';
  },
  /** One GraphQL request (setup: namespaces, reading a manifest). */
  gql: (args: { query: string; variables?: Record<string, unknown> }) => gql(url, tokens[0], args.query, args.variables),
  run,
  /** A pg Pool of `concurrency` connections to the apiserver's database (PostgreSQL only). */
  pool: async (args: { databaseUrl: string; concurrency: number }) => {
    await pool?.end();
    pool = new pg.Pool({ connectionString: args.databaseUrl, max: args.concurrency });
    await pool.query(BENCH_RAW_TABLE);
    // Open every connection before the clock starts, as the apiserver's pool is warm.
    const clients = await Promise.all(Array.from({ length: args.concurrency }, () => pool!.connect()));
    for (const c of clients) c.release();
  },
  raw: (req: RawRequest) => runRawInserts(req, (k, o) => pool!.query('INSERT INTO bench_raw (k, o) VALUES ($1, $2::jsonb)', [k, o])),
  stop: async () => {
    await pool?.end();
  },
});
