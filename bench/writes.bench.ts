// npm run bench:writes — the write path measured from outside, as a cluster component
// sees it: the apiserver in its own process (bench/lib/server.ts: authentication and
// RBAC on, default rate and query limits), a load client in another (bench/lib/client.ts)
// sending GraphQL over HTTP (keep-alive) with minted cluster-admin tokens. For each
// concurrency: createPod, bindPod (on the pods just created, unbound), updatePodStatus
// (phase Running, on the same pods) — ops/s, p50, p99 — against raw single-row INSERTs of
// a stored pod's JSON from the same client process at the same concurrency (a pg Pool of
// that size on the apiserver's database; on PGlite, whose database lives in the apiserver
// process, the INSERTs run there). Ops/s are medians of the rounds; latencies are over
// every operation of every round.
//   DATABASE_URL=postgresql://…  PostgreSQL (a fresh database per run, dropped after);
//   otherwise embedded PGlite (in memory).
// Flags: --ops N (per operation, concurrency and round), --concurrency 1,8,32, --rounds N,
//   --operations create,bind,status, --identities per-worker|one|N (whose tokens the
//   client uses: one identity per worker, a single one — the default rate limit of
//   200/s per identity then applies to everything — or N rotated per request),
//   --profile (the apiserver runs with --cpu-prof; the .cpuprofile and the phase marks
//   go to a temp dir; summarise with bench/lib/profile-summary.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startProcess } from './lib/ipc.ts';
import type { LoadResult } from './lib/load.ts';
import type { Operation, RunRequest, RunResult } from './lib/pods.ts';
import type { RawRequest } from './lib/raw.ts';
import { median, ms, rate, summarize, table } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    ops: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
    operations: { type: 'string' },
    identities: { type: 'string' },
    warmup: { type: 'string' },
    profile: { type: 'boolean' },
  },
});
const OPS = Number(values.ops ?? 1000);
const CONCURRENCY = (values.concurrency ?? '1,8,32').split(',').map(Number);
const ROUNDS = Number(values.rounds ?? 3);
const OPERATIONS: Operation[] = ['create', 'bind', 'status'];
const MEASURED = new Set((values.operations ?? OPERATIONS.join(',')).split(',') as Operation[]);
const IDENTITIES = values.identities ?? 'per-worker';
const WARMUP = Number(values.warmup ?? 300);
const PROFILE = Boolean(values.profile);
for (const op of MEASURED) if (!OPERATIONS.includes(op)) throw new Error(`--operations: unknown ${op}`);

const outDir = PROFILE ? mkdtempSync(path.join(tmpdir(), 'kubeql-bench-writes-')) : '';
const server = startProcess('apiserver', './server.ts', {
  nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${outDir}`, '--cpu-prof-interval=500'] : [],
  env: PROFILE ? { KUBEQL_BENCH_MARKS_DIR: outDir } : {},
});
const client = startProcess('client', './client.ts');
try {
  const info = await server.call<{ url: string; engine: string; databaseUrl?: string; pid: number }>('info');
  const maxC = Math.max(...CONCURRENCY, 8);
  const admins =
    IDENTITIES === 'one' ? ['bench-admin'] : Array.from({ length: IDENTITIES === 'per-worker' ? maxC : Number(IDENTITIES) }, (_, i) => `bench-admin-${i}`);
  const tokens = await Promise.all(admins.map((username) => server.call<string>('mint', { username, groups: ['system:masters', 'system:authenticated'] })));
  await client.call('init', { url: info.url, tokens, tokenMode: IDENTITIES === 'per-worker' || IDENTITIES === 'one' ? 'worker' : 'request' });
  let commit = process.env.KUBEQL_BENCH_COMMIT ?? '';
  try {
    commit ||= execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = '?';
  }
  console.log(`kubeql bench:writes — ${info.engine}, apiserver pid ${info.pid} (separate process${PROFILE ? ', --cpu-prof' : ''}), commit ${commit}`);
  console.log(
    `  ${OPS} ops per operation, concurrency and round; concurrency ${CONCURRENCY.join(', ')}; ${ROUNDS} rounds; identities: ${IDENTITIES} (${tokens.length} token${tokens.length > 1 ? 's' : ''}); default rate limit (200/s, burst 400 per identity) on`,
  );

  const ns = 'default';
  const run = (req: Omit<RunRequest, 'namespace'>) => client.call<RunResult>('run', { namespace: ns, ...req });
  const mark = (label: string) => server.call<{ cpuMs: number; sysMs: number; wallMs: number }>('mark', { label });
  // On PostgreSQL: the statements the apiserver sent per operation (its node-postgres round trips).
  const onPg = Boolean(info.databaseUrl);
  type SqlStat = { text: string; count: number; ms: number };
  const sqlAcc = new Map<string, { ops: number; byStatement: Map<string, { count: number; ms: number }> }>();
  const collectSql = async (key: string, ops: number) => {
    const stats = await server.call<SqlStat[]>('sql');
    const a = sqlAcc.get(key) ?? { ops: 0, byStatement: new Map() };
    a.ops += ops;
    for (const st of stats) {
      const d = describeSql(st.text);
      const e = a.byStatement.get(d) ?? { count: 0, ms: 0 };
      e.count += st.count;
      e.ms += st.ms;
      a.byStatement.set(d, e);
    }
    sqlAcc.set(key, a);
  };

  // Warm-up (JIT, connection pools, caches), unmeasured; its first pod's stored JSON sizes the raw INSERTs.
  for (const op of OPERATIONS) await run({ op, concurrency: 8, ops: WARMUP, prefix: 'warm' });
  const { pod } = await client.call<{ pod: { manifest: unknown } }>('gql', { query: `{ pod(namespace: "${ns}", name: "warm-0") { manifest } }` });
  await run({ op: 'create', concurrency: 8, ops: 1, prefix: 'size' });
  const sized = await client.call<{ pod: { manifest: unknown } }>('gql', { query: `{ pod(namespace: "${ns}", name: "size-0") { manifest } }` });
  const json = JSON.stringify(sized.pod.manifest);
  console.log(
    `  raw INSERT payload: a created pod's stored JSON, ${json.length} bytes (the same pod after bind and status: ${JSON.stringify(pod.manifest).length} bytes)`,
  );

  type Acc = { rates: number[]; latencies: number[]; rejected: number; cpuMs: number; sysMs: number; wallMs: number; ops: number };
  const acc = new Map<string, Acc>();
  const add = (key: string, r: LoadResult & { rejected?: number }) => {
    const a = acc.get(key) ?? { rates: [], latencies: [], rejected: 0, cpuMs: 0, sysMs: 0, wallMs: 0, ops: 0 };
    a.rates.push(r.ops / r.seconds);
    a.latencies.push(...r.latencies);
    a.rejected += r.rejected ?? 0;
    acc.set(key, a);
    return a;
  };
  const line = (label: string, r: LoadResult & { rejected?: number }) => {
    const s = summarize(r.latencies);
    return `${label} ${rate(r.ops / r.seconds).padStart(6)}/s p50 ${ms(s.p50).padStart(5)} p99 ${ms(s.p99).padStart(5)}${r.rejected ? ` (429: ${r.rejected})` : ''}`;
  };

  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of CONCURRENCY) {
      const tag = `${c}/${round}`;
      const parts: string[] = [];
      const rawReq: RawRequest = { concurrency: c, ops: OPS, prefix: `raw-${tag}`, json };
      let raw: LoadResult;
      if (info.databaseUrl) {
        await client.call('pool', { databaseUrl: info.databaseUrl, concurrency: c });
        raw = await client.call<LoadResult>('raw', rawReq);
      } else {
        await mark(`begin raw/${tag}`);
        raw = await server.call<LoadResult>('raw', rawReq);
        await mark(`end raw/${tag}`);
      }
      add(`raw/${c}`, raw);
      parts.push(line('raw', raw));
      const prefix = `w-${c}-${round}`;
      const needed = (op: Operation) => OPERATIONS.slice(OPERATIONS.indexOf(op)).some((o) => MEASURED.has(o));
      for (const op of OPERATIONS) {
        if (!needed(op)) continue;
        if (!MEASURED.has(op)) {
          await run({ op, concurrency: 32, ops: OPS, prefix }); // setup for a later operation, unmeasured
          continue;
        }
        if (onPg) await server.call('sql'); // reset
        const m0 = await mark(`begin ${op}/${tag}`);
        const r = await run({ op, concurrency: c, ops: OPS, prefix });
        const m1 = await mark(`end ${op}/${tag}`);
        if (onPg) await collectSql(`${op}/${c}`, OPS);
        const a = add(`${op}/${c}`, r);
        a.cpuMs += m1.cpuMs - m0.cpuMs;
        a.wallMs += m1.wallMs - m0.wallMs;
        a.ops += OPS;
        a.sysMs += m1.sysMs - m0.sysMs;
        parts.push(
          `${line(op, r)} [${((m1.cpuMs - m0.cpuMs) / OPS).toFixed(2)} ms CPU/op, ${((100 * (m1.sysMs - m0.sysMs)) / (m1.cpuMs - m0.cpuMs)).toFixed(0)} % sys]`,
        );
      }
      console.log(`round ${round} c=${String(c).padEnd(2)} ${parts.join(' · ')}`);
    }
  }

  const rows: string[][] = [];
  for (const op of OPERATIONS) {
    if (!MEASURED.has(op)) continue;
    for (const c of CONCURRENCY) {
      const a = acc.get(`${op}/${c}`)!;
      const r = acc.get(`raw/${c}`)!;
      const s = summarize(a.latencies);
      const rs = summarize(r.latencies);
      rows.push([
        `${op === 'create' ? 'createPod' : op === 'bind' ? 'bindPod' : 'updatePodStatus'}`,
        String(c),
        rate(median(a.rates)),
        ms(s.p50),
        ms(s.p99),
        rate(median(r.rates)),
        ms(rs.p50),
        ms(rs.p99),
        (median(a.rates) / median(r.rates)).toFixed(2),
        (a.cpuMs / a.ops).toFixed(2),
        `${((100 * a.sysMs) / a.cpuMs).toFixed(0)} %`,
        `${((100 * a.cpuMs) / a.wallMs).toFixed(0)} %`,
        String(a.rejected),
      ]);
    }
  }
  console.log(`\nmedians of ${ROUNDS} rounds (ops/s); latencies in ms over all rounds' operations (${info.engine})`);
  console.log("apiserver CPU: its process's user + system CPU time per operation, the system (kernel) share of it, and its use of one core over the phase");
  console.log(
    table(
      [
        'operation',
        'concurrency',
        'ops/s',
        'p50 ms',
        'p99 ms',
        'raw inserts/s',
        'raw p50 ms',
        'raw p99 ms',
        'ratio',
        'apiserver CPU ms/op',
        'sys',
        'cores',
        '429s',
      ],
      rows,
      [false, ...Array(12).fill(true)],
    ),
  );
  if (onPg) {
    const sqlRows: string[][] = [];
    for (const [key, a] of sqlAcc) {
      const [op, c] = key.split('/');
      for (const [d, e] of [...a.byStatement].sort((x, y) => y[1].count - x[1].count)) {
        sqlRows.push([op, c, d, (e.count / a.ops).toFixed(2), ms(e.ms / e.count)]);
      }
    }
    console.log('\nSQL statements the apiserver sent per operation (node-postgres round trips; mean time from send to result)');
    console.log(table(['operation', 'concurrency', 'statement', 'per op', 'mean ms'], sqlRows, [false, true, false, true, true]));
  }
} finally {
  await client.stop();
  await server.stop();
}
/** A statement in a few words: verb, tables, the start of its WHERE clause. */
function describeSql(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const tables = [
    ...new Set([...t.matchAll(/\b(?:FROM|INTO|UPDATE|JOIN)\s+((?:"?\w+"?\.)?"?\w+"?)/gi)].map((m) => m[1].replace(/"/g, '').replace(/^public\./, ''))),
  ];
  const where = / WHERE (.*?)(?: ORDER BY| LIMIT| RETURNING|\)|$)/i
    .exec(t)?.[1]
    ?.replace(/"public"\."\w+"\./g, '')
    .replace(/"/g, '');
  return `${t.split(' ')[0].toUpperCase()} ${tables.join(', ')}${where ? ` WHERE ${where.slice(0, 70)}` : ''}`;
}

if (PROFILE) {
  const profiles = readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile'));
  console.log(`\nCPU profile of the apiserver process: ${profiles.map((f) => path.join(outDir, f)).join(', ')}`);
  console.log(`phase marks: ${path.join(outDir, readdirSync(outDir).find((f) => f.startsWith('marks.')) ?? '?')}`);
  console.log(`summarise:  npx tsx bench/lib/profile-summary.ts ${outDir} [--phase create]`);
}
