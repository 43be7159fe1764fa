// npm run bench:nodes — the simulated node fleet at scale, measured from outside. For each
// size (1,000 then 5,000 nodes) a fresh cluster of separate processes: the apiserver
// (`kubeql up`, bare), the controller-manager, the scheduler, and one `kubeql node --count
// N` fleet process; this process is a client of them.
//   steady state: once every node is Ready, CPU (% of one core) and resident memory of the
//     fleet and the apiserver over a window, and node Lease renewals/s (a watch of
//     kube-node-lease);
//   startup: a Deployment of 10,000 pods — the time until all are Running, and the pod
//     startup latency p50 / p99 from a pod's first sight (ADDED) to Running, both as a watch
//     observes them (Kubernetes' pod startup SLO: p99 ≤ 5 s) — at saturation, all at once;
//   paced: then, as Kubernetes' density test measures its SLO, single pods created at a
//     pace within the cluster's throughput (--latency-pods 300 at --latency-rate 20/s),
//     each one's startup latency on the same watch.
// The pod CIDR range is widened (KUBEQL_CLUSTER_CIDR=10.128.0.0/9) so that 5,000 nodes get a
// /24 each (Kubernetes' default 10.244.0.0/16 holds 256).
//   DATABASE_URL=postgresql://…  PostgreSQL (a fresh database per size, dropped after).
// Flags: --nodes 1000,5000  --pods 10000  --window 20 (seconds of steady state)
//        --latency-pods 300  --latency-rate 20 (pods/s)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchProcesses, commitOf } from './lib/processes.ts';
import { percentile } from './lib/stats.ts';
import { Client } from '../src/client/index.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string' },
    pods: { type: 'string' },
    window: { type: 'string' },
    'latency-pods': { type: 'string' },
    'latency-rate': { type: 'string' },
  },
});
const LATENCY_PODS = Number(values['latency-pods'] ?? 300);
const LATENCY_RATE = Number(values['latency-rate'] ?? 20);
const SIZES = (values.nodes ?? '1000,5000').split(',').map(Number);
const PODS = Number(values.pods ?? 10_000);
const WINDOW_S = Number(values.window ?? 20);

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
function usage(pid: number): { cpuS: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS: ticks / 100, rssMiB: Number(rss) / 1024 };
}

/** apiserver_request_total by verb and resource (subresource), and watch events by kind, from /metrics. */
async function requestCounts(server: string, token: string): Promise<Map<string, number>> {
  const text = await (await fetch(server.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${token}` } })).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(apiserver_request_total|apiserver_watch_events_total)\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key =
      m[1] === 'apiserver_request_total'
        ? `${labels.verb} ${labels.resource}${labels.subresource ? '/' + labels.subresource : ''}`
        : `watch events ${labels.kind}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(m[3]));
  }
  return counts;
}

const rows: string[] = [];
console.log(
  `kubeql bench:nodes — ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, every component in its own process, commit ${commitOf()}; ${PODS} pods per size`,
);

for (const size of SIZES) {
  const processes = new BenchProcesses();
  try {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-bench-nodes-'));
    processes.onCleanUp(() => rmSync(dataDir, { recursive: true, force: true }));
    const databaseUrl = await processes.freshDatabase(`kubeql_bench_nodes_${size}`);
    const api = await processes.kubeql(
      ['up', '--port', '0', '--data-dir', dataDir],
      { DATABASE_URL: databaseUrl, KUBEQL_NODES: '0', KUBEQL_CONTROLLERS: '0', KUBEQL_SCHEDULER: '0' },
      /listening on (http:\/\/\S+)/,
    );
    const server = api.match[1].replace('localhost', '127.0.0.1');
    const { token } = JSON.parse(readFileSync(path.join(dataDir, 'client-config.json'), 'utf8')) as { token: string };
    const client = new Client({ server, token });
    const manager = await processes.kubeql(
      ['controller-manager', '--data-dir', dataDir],
      { KUBEQL_CLUSTER_CIDR: '10.128.0.0/9' },
      /controller-manager \S+ started/,
    );
    const scheduler = await processes.kubeql(['scheduler', '--data-dir', dataDir], {}, /scheduler \S+ started/);
    const t0 = performance.now();
    const fleet = await processes.kubeql(['node', '--count', String(size), '--name-prefix', 'sim-', '--data-dir', dataDir], {}, /nodes registered and Ready/);
    const readyS = (performance.now() - t0) / 1000;

    // steady state
    let renewals = 0;
    const stopLeases = client.resource('Lease').watch(
      { namespace: 'kube-node-lease' },
      {
        next: ({ type }) => {
          if (type === 'MODIFIED') renewals++;
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    // the watch established, and a whole renew interval (10 s) gone since the nodes registered:
    // the first heartbeats are spread over the interval after start-up
    await new Promise((r) => setTimeout(r, 12_000));
    renewals = 0;
    const fleetBefore = usage(fleet.child.pid!);
    const apiBefore = usage(api.child.pid!);
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const fleetAfter = usage(fleet.child.pid!);
    const apiAfter = usage(api.child.pid!);
    const renewalsPerS = renewals / WINDOW_S;
    stopLeases();

    // 10,000 pods of one Deployment to Running
    const firstSeen = new Map<string, number>();
    const bound = new Map<string, number>();
    const running = new Map<string, number>();
    let allRunning!: () => void;
    const done = new Promise<void>((r) => {
      allRunning = r;
    });
    let latencyRunning = 0;
    let allLatencyRunning!: () => void;
    const latencyDone = new Promise<void>((r) => {
      allLatencyRunning = r;
    });
    const stopPods = client.resource('Pod').watch(
      { namespace: 'default' },
      {
        next: ({ type, object }) => {
          if (type === 'BOOKMARK') return;
          const name = object.metadata.name;
          if (!firstSeen.has(name)) firstSeen.set(name, performance.now());
          if (object.spec?.nodeName && !bound.has(name)) bound.set(name, performance.now());
          if (object.status?.phase === 'Running' && !running.has(name)) {
            running.set(name, performance.now());
            if (name.startsWith('latency-')) {
              if (++latencyRunning >= LATENCY_PODS) allLatencyRunning();
            } else if (running.size >= PODS) allRunning();
          }
        },
        error: (e) => console.error('pod watch', e),
        complete: () => undefined,
      },
    );
    await new Promise((r) => setTimeout(r, 500));
    const components = { apiserver: api, 'controller-manager': manager, scheduler, fleet };
    const cpuBefore = Object.fromEntries(Object.entries(components).map(([k, c]) => [k, usage(c.child.pid!).cpuS]));
    const requestsBefore = await requestCounts(server, token);
    const s0 = performance.now();
    await client.resource('Deployment').create({
      metadata: { name: 'bench', namespace: 'default' },
      spec: {
        replicas: PODS,
        selector: { matchLabels: { app: 'bench' } },
        template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    await done;
    const runningS = (performance.now() - s0) / 1000;
    console.log(
      `  CPU seconds while the pods started (${runningS.toFixed(1)} s): ${Object.entries(components)
        .map(([k, c]) => `${k} ${(usage(c.child.pid!).cpuS - cpuBefore[k]).toFixed(1)}`)
        .join(', ')}`,
    );
    const requestsAfter = await requestCounts(server, token);
    // paced: single pods at LATENCY_RATE/s, the SLO's conditions
    const pod = (i: number) => ({ metadata: { name: `latency-${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    for (let i = 0; i < LATENCY_PODS; i++) {
      void client
        .resource('Pod')
        .create(pod(i))
        .catch((e) => console.error('latency pod', e));
      await new Promise((r) => setTimeout(r, 1000 / LATENCY_RATE));
    }
    if (LATENCY_PODS > 0) await latencyDone;
    stopPods();
    const paced = [...running]
      .filter(([name]) => name.startsWith('latency-'))
      .map(([name, at]) => at - firstSeen.get(name)!)
      .sort((a, b) => a - b);
    if (paced.length)
      console.log(
        `  paced: ${paced.length} pods at ${LATENCY_RATE}/s — startup p50 ${(percentile(paced, 50) / 1000).toFixed(2)} s, p99 ${(percentile(paced, 99) / 1000).toFixed(2)} s`,
      );
    const perPod = [...requestsAfter]
      .map(([k, n]) => [k, (n - (requestsBefore.get(k) ?? 0)) / PODS] as const)
      .filter(([, n]) => n >= 0.01)
      .sort((a, b) => b[1] - a[1]);
    console.log(`  requests and watch events per pod: ${perPod.map(([k, n]) => `${k} ${n.toFixed(2)}`).join(', ')}`);
    const saturated = [...running].filter(([name]) => !name.startsWith('latency-'));
    const startup = saturated.map(([name, at]) => at - firstSeen.get(name)!).sort((a, b) => a - b);
    // where the time went: waiting to be scheduled (first sight → bound), then on the node (bound → Running)
    const toBound = saturated.map(([name]) => (bound.get(name) ?? firstSeen.get(name)!) - firstSeen.get(name)!).sort((a, b) => a - b);
    const onNode = saturated.map(([name, at]) => at - (bound.get(name) ?? firstSeen.get(name)!)).sort((a, b) => a - b);
    const p = (xs: number[]) => `p50 ${(percentile(xs, 50) / 1000).toFixed(2)} s, p99 ${(percentile(xs, 99) / 1000).toFixed(2)} s`;
    console.log(`  startup split: created → bound ${p(toBound)}; bound → Running ${p(onNode)}`);
    rows.push(
      `| ${size} | ${readyS.toFixed(1)} s | ${((100 * (fleetAfter.cpuS - fleetBefore.cpuS)) / WINDOW_S).toFixed(1)} % | ${fleetAfter.rssMiB.toFixed(0)} MiB | ${((100 * (apiAfter.cpuS - apiBefore.cpuS)) / WINDOW_S).toFixed(1)} % | ${apiAfter.rssMiB.toFixed(0)} MiB | ${renewalsPerS.toFixed(1)} | ${runningS.toFixed(1)} s | ${(percentile(startup, 50) / 1000).toFixed(2)} s | ${(percentile(startup, 99) / 1000).toFixed(2)} s | ${paced.length ? `${(percentile(paced, 50) / 1000).toFixed(2)} s / ${(percentile(paced, 99) / 1000).toFixed(2)} s` : '–'} |`,
    );
    console.log(rows[rows.length - 1]);
    await client.close();
  } finally {
    await processes.cleanUp();
  }
}
console.log('');
console.log(
  `| nodes | all Ready | fleet CPU | fleet RSS | apiserver CPU | apiserver RSS | Lease renewals/s | ${PODS} pods Running | startup p50 | startup p99 | paced p50 / p99 (${LATENCY_RATE}/s) |`,
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
