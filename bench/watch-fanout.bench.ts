// npm run bench:fanout — watch fan-out measured from outside: the apiserver in its own
// process (bench/lib/server.ts: authentication and RBAC on, default limits), 100
// subscribers in another (bench/lib/subscribers.ts: one graphql-ws client and WebSocket
// each, `watchPods(namespace: …)`), and one creating client in a third
// (bench/lib/client.ts: createPod over HTTP, 8 in flight, the send time in an annotation).
// Per round:
//   1. creates/s with no subscriber connected;
//   2. creates/s with the 100 subscribers watching the namespace the pods go to, that
//      every subscriber got every pod once, in order, and the send → receive latency;
//   3. the baseline: a bare graphql-ws server (bench/lib/bare-ws-server.ts, a tiny
//      graphql-js schema of the same shape fed from memory) publishing the same number of
//      pod-shaped events at the rate measured in 2 to 100 subscribers: its latency.
//   DATABASE_URL=postgresql://…  PostgreSQL (a fresh database, dropped after); otherwise PGlite.
// Flags: --pods N (per round), --subscribers N, --concurrency N, --rounds N, --warmup N,
//   --identities per-worker|one (the creator's tokens: one identity per worker, or a single
//   one, which the default rate limit of 200/s per identity then caps),
//   --watchers per-subscriber|one (each subscriber its own identity, as distinct components
//   are, or all one identity, which lets a server share one execution of an event among
//   subscribers with the same document, variables and identity), --profile (the
//   apiserver runs with --cpu-prof; phases `idle/<round>` and `fanout/<round>` for
//   bench/lib/profile-summary.ts --phase).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startProcess } from './lib/ipc.ts';
import type { RunResult } from './lib/pods.ts';
import { median, ms, rate, table } from './lib/stats.ts';
import type { DeliveryReport } from './lib/subscribers.ts';

const { values } = parseArgs({
  options: {
    pods: { type: 'string' },
    subscribers: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    identities: { type: 'string' },
    watchers: { type: 'string' },
    profile: { type: 'boolean' },
  },
});
const PODS = Number(values.pods ?? 1000);
const SUBSCRIBERS = Number(values.subscribers ?? 100);
const CONCURRENCY = Number(values.concurrency ?? 8);
const ROUNDS = Number(values.rounds ?? 3);
const WARMUP = Number(values.warmup ?? 200);
const IDENTITIES = values.identities ?? 'per-worker';
const WATCHERS = values.watchers ?? 'per-subscriber';

const PROFILE = Boolean(values.profile);

const outDir = PROFILE ? mkdtempSync(path.join(tmpdir(), 'kubeql-bench-fanout-')) : '';
const server = startProcess('apiserver', './server.ts', {
  nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${outDir}`, '--cpu-prof-interval=500'] : [],
  env: PROFILE ? { KUBEQL_BENCH_MARKS_DIR: outDir } : {},
});
const creator = startProcess('creator', './client.ts');
const subscribers = startProcess('subscribers', './subscribers.ts');
const bare = startProcess('bare graphql-ws', './bare-ws-server.ts');
try {
  const info = await server.call<{ url: string; wsUrl: string; engine: string; pid: number }>('info');
  const admin = { groups: ['system:masters', 'system:authenticated'] };
  const creatorTokens = await Promise.all(
    Array.from({ length: IDENTITIES === 'one' ? 1 : CONCURRENCY }, (_, i) => server.call<string>('mint', { username: `bench-creator-${i}`, ...admin })),
  );
  const watcherTokens = await Promise.all(
    Array.from({ length: WATCHERS === 'one' ? 1 : SUBSCRIBERS }, (_, i) => server.call<string>('mint', { username: `bench-watcher-${i}`, ...admin })),
  );
  await creator.call('init', { url: info.url, tokens: creatorTokens });
  const { wsUrl: bareUrl } = await bare.call<{ wsUrl: string }>('info');
  let commit = process.env.KUBEQL_BENCH_COMMIT ?? '';
  try {
    commit ||= execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = '?';
  }
  console.log(`kubeql bench:fanout — ${info.engine}, apiserver pid ${info.pid}, commit ${commit}`);
  console.log(
    `  ${PODS} pods per round, ${CONCURRENCY} creates in flight, ${SUBSCRIBERS} subscribers (one WebSocket each), ${ROUNDS} rounds; creator identities: ${IDENTITIES}; watcher identities: ${WATCHERS}; default rate limit on`,
  );

  for (const name of ['fanout-base', 'fanout-warm', ...Array.from({ length: ROUNDS }, (_, r) => `fanout-${r + 1}`)]) {
    await creator.call('gql', {
      query: 'mutation($ns: NamespaceInput!) { createNamespace(namespace: $ns) { metadata { name } } }',
      variables: { ns: { metadata: { name } } },
    });
  }
  const mark = (label: string) => server.call<{ cpuMs: number }>('mark', { label });
  const create = (namespace: string, prefix: string, ops: number, annotateSentAt = false) =>
    creator.call<RunResult>('run', { op: 'create', concurrency: CONCURRENCY, ops, namespace, prefix, annotateSentAt });
  const watch = async <T>(wsUrl: string, tokens: string[] | undefined, namespace: string, expected: number, load: () => Promise<T>) => {
    await subscribers.call('open', { wsUrl, tokens, count: SUBSCRIBERS, namespace });
    try {
      const result = await load();
      const report = await subscribers.call<DeliveryReport>('wait', { expected, timeoutMs: 120_000 });
      return { result, report };
    } finally {
      await subscribers.call('close');
    }
  };

  // Warm-up (JIT, pools, the watch path on both servers), unmeasured.
  await create('fanout-base', 'warm', WARMUP);
  await watch(info.wsUrl, watcherTokens, 'fanout-warm', WARMUP, () => create('fanout-warm', 'warm', WARMUP, true));
  await watch(bareUrl, undefined, 'fanout-warm', WARMUP, () => bare.call('publish', { count: WARMUP, rate: 300, namespace: 'fanout-warm', prefix: 'warm' }));

  const cpu0: number[] = [];
  const cpu100: number[] = [];
  const cpuBare: number[] = [];
  const r0: number[] = [];
  const r100: number[] = [];
  const kq: DeliveryReport[] = [];
  const bs: DeliveryReport[] = [];
  const delivered = (d: DeliveryReport) =>
    `${d.complete ? 'all' : 'INCOMPLETE'} ${d.min}${d.max !== d.min ? `–${d.max}` : ''}/${d.expected} × ${d.subscribers}${d.duplicates ? ` dup ${d.duplicates}` : ''}${d.outOfOrder ? ` disorder ${d.outOfOrder}` : ''}${d.errors.length ? ` errors: ${d.errors.join('; ')}` : ''}`;
  for (let round = 1; round <= ROUNDS; round++) {
    const i0 = await mark(`begin idle/${round}`);
    const idle = await create('fanout-base', `base-${round}`, PODS);
    const i1 = await mark(`end idle/${round}`);
    cpu0.push((i1.cpuMs - i0.cpuMs) / PODS);
    let f0 = i1;
    const busy = await watch(info.wsUrl, watcherTokens, `fanout-${round}`, PODS, async () => {
      f0 = await mark(`begin fanout/${round}`);
      return create(`fanout-${round}`, `fan-${round}`, PODS, true);
    });
    const f1 = await mark(`end fanout/${round}`); // after every subscriber has every event
    cpu100.push((f1.cpuMs - f0.cpuMs) / PODS);
    const rateBusy = busy.result.ops / busy.result.seconds;
    let b0 = 0;
    const base = await watch(bareUrl, undefined, 'fanout', PODS, async () => {
      b0 = await bare.call<number>('cpu');
      return bare.call('publish', { count: PODS, rate: rateBusy, namespace: 'fanout', prefix: `bare-${round}` });
    });
    cpuBare.push(((await bare.call<number>('cpu')) - b0) / PODS);
    r0.push(idle.ops / idle.seconds);
    r100.push(rateBusy);
    kq.push(busy.report);
    bs.push(base.report);
    console.log(
      `round ${round}: creates/s ${rate(idle.ops / idle.seconds)} (0 subscribers) · ${rate(rateBusy)} (${SUBSCRIBERS}) = ${(rateBusy / (idle.ops / idle.seconds)).toFixed(2)}` +
        ` · kubeql delivered ${delivered(busy.report)}, p50 ${ms(busy.report.latency.p50)} p99 ${ms(busy.report.latency.p99)} max ${ms(busy.report.latency.max)} ms` +
        ` · bare graphql-ws ${delivered(base.report)}, p50 ${ms(base.report.latency.p50)} p99 ${ms(base.report.latency.p99)} max ${ms(base.report.latency.max)} ms` +
        `${idle.rejected + busy.result.rejected ? ` · 429s: ${idle.rejected + busy.result.rejected}` : ''}`,
    );
  }

  const med = (xs: number[]) => median(xs);
  const lat = (ds: DeliveryReport[], k: 'p50' | 'p99' | 'max') => ms(med(ds.map((d) => d.latency[k])));
  const all = (ds: DeliveryReport[]) =>
    ds.every((d) => d.complete) ? `yes (${ds.length} × ${PODS} × ${SUBSCRIBERS})` : `NO (${ds.map((d) => `${d.min}/${d.expected}`).join(', ')})`;
  console.log(
    `\nmedians of ${ROUNDS} rounds (${info.engine}); latency = client send (kubeql: before the createPod request; bare: at publish) → subscriber receive, ms`,
  );
  console.log(
    table(
      ['', 'kubeql, 0 subscribers', `kubeql, ${SUBSCRIBERS} subscribers`, `bare graphql-ws, ${SUBSCRIBERS} subscribers`],
      [
        ['creates/s (bare: publishes/s, paced)', rate(med(r0)), rate(med(r100)), rate(med(r100))],
        [`creates/s ratio to 0 subscribers (goal ≥ 0.7)`, '1.00', (med(r100) / med(r0)).toFixed(2), '—'],
        ['server CPU ms per create / publish (with fan-out)', med(cpu0).toFixed(2), med(cpu100).toFixed(2), med(cpuBare).toFixed(2)],
        [
          `server CPU µs per event per subscriber (fan-out only)`,
          '—',
          ((1000 * (med(cpu100) - med(cpu0))) / SUBSCRIBERS).toFixed(0),
          ((1000 * med(cpuBare)) / SUBSCRIBERS).toFixed(0),
        ],
        ['every event to every subscriber, once, in order', '—', all(kq), all(bs)],
        ['delivery latency p50 ms', '—', lat(kq, 'p50'), lat(bs, 'p50')],
        ['delivery latency p99 ms', '—', lat(kq, 'p99'), lat(bs, 'p99')],
        ['delivery latency max ms', '—', lat(kq, 'max'), lat(bs, 'max')],
        ['first send → last receive, s', '—', med(kq.map((d) => d.seconds)).toFixed(2), med(bs.map((d) => d.seconds)).toFixed(2)],
      ],
      [false, true, true, true],
    ),
  );
} finally {
  for (const p of [subscribers, creator, bare, server]) await p.stop();
}
if (PROFILE) {
  const profiles = readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile'));
  console.log(`\nCPU profile of the apiserver process: ${profiles.map((f) => path.join(outDir, f)).join(', ')}`);
  console.log(`summarise:  npx tsx bench/lib/profile-summary.ts ${outDir} --phase fanout`);
}
