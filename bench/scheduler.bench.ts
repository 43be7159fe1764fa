// npm run bench:scheduler — kubeql's scheduler measured from outside, against the API's own
// cost. The apiserver (`kubeql up --no-controllers --no-scheduler`, JWT, RBAC and rate
// limits on) and the scheduler (`kubeql scheduler`, system:kube-scheduler, leader election
// on) run in their own processes; this process creates the nodes (Node objects with
// allocatable and Ready; no kubelets) and the pods, and watches the bindings.
// For each cluster size (1,000 then 5,000 nodes), two ways to bind, each in two modes:
//   binders: the scheduler (filters, scores, assumed pods, events), and a trivial
//     round-robin binder in this process (a watch of unbound pods, bindPod to node i++ % N,
//     64 binds in flight — the same API calls with no decisions);
//   drain: 10,000 pods created while no binder runs, then the binder starts — pods bound
//     per second from its first to its last bind (scheduler_perf's throughput);
//   stream: the binder runs while 10,000 pods are created (concurrency 32) — p50 / p99 from
//     a pod's createPod answer to its binding seen on the watch.
// The ratio scheduler / round-robin shows what the decisions cost. Anchor: kube-scheduler's
// scheduler_perf SchedulingBasic threshold (5,000 nodes, 10,000 pods) is 270 pods/s.
//   DATABASE_URL=postgresql://…  PostgreSQL (a fresh database, dropped after); else PGlite.
// Flags: --nodes 1000,5000  --pods 10000
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchProcesses, commitOf } from './lib/processes.ts';
import { percentile } from './lib/stats.ts';
import { Client, operations } from '../src/client/index.ts';

const { values } = parseArgs({ options: { nodes: { type: 'string' }, pods: { type: 'string' } } });
const NODE_COUNTS = (values.nodes ?? '1000,5000').split(',').map(Number);
const PODS = Number(values.pods ?? 10_000);

const processes = new BenchProcesses();
const kubeql = processes.kubeql.bind(processes);

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

try {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-bench-scheduler-'));
  processes.onCleanUp(() => rmSync(dataDir, { recursive: true, force: true }));
  const databaseUrl = await processes.freshDatabase('kubeql_bench_scheduler');
  const api = await kubeql(
    ['up', '--port', '0', '--data-dir', dataDir, '--no-controllers', '--no-scheduler'],
    { DATABASE_URL: databaseUrl, KUBEQL_NODES: '0' },
    /listening on (http:\/\/\S+)/,
  );
  const server = api.match[1].replace('localhost', '127.0.0.1');
  const { token } = JSON.parse(readFileSync(path.join(dataDir, 'client-config.json'), 'utf8')) as { token: string };
  const client = new Client({ server, token });
  const commit = commitOf();
  console.log(
    `kubeql bench:scheduler — ${databaseUrl ? 'PostgreSQL' : 'PGlite'}, apiserver and scheduler in their own processes, commit ${commit}; ${PODS} pods per run`,
  );

  const rows: string[] = [];
  let nodesMade = 0;
  let scheduler: ChildProcess | undefined;
  const stopScheduler = async () => {
    if (!scheduler) return;
    const s = scheduler;
    scheduler = undefined;
    const gone = new Promise((r) => s.once('exit', r));
    s.kill('SIGTERM'); // releases its Lease
    await gone;
  };
  const startScheduler = async () => {
    // SCHEDULER_CPU_PROF=dir: the scheduler runs with --cpu-prof (summarise with bench/lib/profile-summary.ts)
    const prof = process.env.SCHEDULER_CPU_PROF;
    scheduler = (await kubeql(['scheduler', '--data-dir', dataDir], {}, /scheduler \S+ started/, prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])).child;
  };

  /** Watches a namespace's pods; resolves the bind time (performance.now) of each pod by name. */
  function watchBinds(namespace: string) {
    const boundAt = new Map<string, number>();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => {
      resolveAll = r;
    });
    const stop = client.resource('Pod').watch(
      { namespace },
      {
        next: ({ type, object }) => {
          if (type === 'BOOKMARK' || !object.spec?.nodeName || boundAt.has(object.metadata.name)) return;
          boundAt.set(object.metadata.name, performance.now());
          if (boundAt.size >= PODS) resolveAll();
        },
        error: (e) => console.error('watch', e),
        complete: () => undefined,
      },
    );
    return { boundAt, all, stop };
  }

  /** The trivial binder: every unbound pod of the namespace to the next node, 64 binds in flight. */
  function roundRobin(namespace: string, nodeNames: string[]) {
    let i = 0;
    let inFlight = 0;
    const backlog: string[] = [];
    const pump = () => {
      while (inFlight < 64 && backlog.length) {
        const name = backlog.shift()!;
        inFlight++;
        client
          .request(operations.BindPodDocument, { namespace, name, nodeName: nodeNames[i++ % nodeNames.length] })
          .catch(() => undefined)
          .finally(() => {
            inFlight--;
            pump();
          });
      }
    };
    const stop = client.resource('Pod').watch(
      { namespace },
      {
        next: ({ type, object }) => {
          if (type !== 'ADDED' || object.spec?.nodeName) return;
          backlog.push(object.metadata.name);
          pump();
        },
        error: (e) => console.error('binder watch', e),
        complete: () => undefined,
      },
    );
    return stop;
  }

  const createPods = async (namespace: string, createdAt?: Map<string, number>) => {
    const names = Array.from({ length: PODS }, (_, i) => `p-${i}`);
    await pool(names, 32, async (name) => {
      await client.resource('Pod').create({
        metadata: { name, namespace },
        spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      });
      createdAt?.set(name, performance.now());
    });
  };

  for (const nodeCount of NODE_COUNTS) {
    const t0 = performance.now();
    const names = Array.from({ length: nodeCount - nodesMade }, (_, i) => `node-${nodesMade + i}`);
    await pool(names, 32, async (name) => {
      await client
        .resource('Node')
        .create({ metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${Number(name.slice(5)) % 3}` } } });
      const r = { cpu: '32', memory: '256Gi', pods: '110' };
      await client.resource('Node').updateStatus(undefined, name, { capacity: r, allocatable: r, conditions: [{ type: 'Ready', status: 'True' }] });
    });
    nodesMade = nodeCount;
    const nodeNames = Array.from({ length: nodeCount }, (_, i) => `node-${i}`);
    console.log(`  ${nodeCount} nodes ready (${((performance.now() - t0) / 1000).toFixed(1)} s to create)`);

    for (const binder of ['round-robin', 'scheduler'] as const) {
      // drain: pods first, then the binder
      const drainNs = `drain-${binder}-${nodeCount}`;
      await client.resource('Namespace').create({ metadata: { name: drainNs } });
      await createPods(drainNs);
      const drain = watchBinds(drainNs);
      let stopBinder: (() => void) | undefined;
      if (binder === 'scheduler') await startScheduler();
      else stopBinder = roundRobin(drainNs, nodeNames);
      await drain.all;
      drain.stop();
      const times = [...drain.boundAt.values()].sort((a, b) => a - b);
      const drainRate = PODS / ((times[times.length - 1] - times[0]) / 1000);

      // stream: the binder running while pods are created
      const streamNs = `stream-${binder}-${nodeCount}`;
      await client.resource('Namespace').create({ metadata: { name: streamNs } });
      if (binder === 'round-robin') {
        stopBinder?.();
        stopBinder = roundRobin(streamNs, nodeNames);
      }
      const stream = watchBinds(streamNs);
      const createdAt = new Map<string, number>();
      const s0 = performance.now();
      await createPods(streamNs, createdAt);
      await stream.all;
      const streamRate = PODS / ((performance.now() - s0) / 1000);
      stream.stop();
      stopBinder?.();
      if (binder === 'scheduler') await stopScheduler();
      const latencies = [...stream.boundAt].map(([name, at]) => at - (createdAt.get(name) ?? at)).sort((a, b) => a - b);
      rows.push(
        `| ${nodeCount} | ${binder} | ${Math.round(drainRate)} | ${Math.round(streamRate)} | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} |`,
      );
      console.log(rows[rows.length - 1]);
    }
  }
  console.log('');
  console.log('| nodes | binder | drain: pods bound/s | stream: pods/s | stream p50 ms (create → bind) | stream p99 ms |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  await client.close();
} finally {
  await processes.cleanUp();
}
