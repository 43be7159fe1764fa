// npm run bench:controllers — the ReplicaSet controller's cost, measured from outside: the
// apiserver (`kubeql up --no-controllers`) and the controller-manager (`kubeql
// controller-manager`, its own identity, leader election on) each in their own process,
// this process a client of both over HTTP and WebSocket, rate limits on.
//   1. baseline: N plain `createPod` calls from this one client (concurrency 32, the
//      bench:writes figure) — the time to make N pods by hand;
//   2. a ReplicaSet scaled 0 → N: the time until all N pods exist (seen from a watch), the
//      time until its status says so, and the API writes the controller-manager used
//      (apiserver_request_total of mutating verbs, from /metrics).
// Reports the controller's overhead ratio: baseline time / controller time (1.0 = the
// controller makes pods as fast as a tight client loop).
//   DATABASE_URL=postgresql://…  PostgreSQL (a fresh database per run, dropped after);
//   otherwise embedded PGlite.
// Flags: --pods N (default 5000), --concurrency C (baseline, default 32).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchProcesses, commitOf } from './lib/processes.ts';
import { Client } from '../src/client/index.ts';

const { values } = parseArgs({ options: { pods: { type: 'string' }, concurrency: { type: 'string' } } });
const PODS = Number(values.pods ?? 5000);
const CONCURRENCY = Number(values.concurrency ?? 32);

const processes = new BenchProcesses();
const kubeql = processes.kubeql.bind(processes);

/** Mutating requests the apiserver has answered so far (apiserver_request_total). */
async function writesSoFar(server: string, token: string): Promise<number> {
  const text = await (await fetch(server.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${token}` } })).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1];
    if (verb && ['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY'].includes(verb)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const template = { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

try {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-bench-controllers-'));
  processes.onCleanUp(() => rmSync(dataDir, { recursive: true, force: true }));
  const databaseUrl = await processes.freshDatabase('kubeql_bench_controllers');
  const api = await kubeql(
    ['up', '--port', '0', '--data-dir', dataDir, '--no-controllers', '--no-scheduler'],
    { DATABASE_URL: databaseUrl, KUBEQL_NODES: '0' },
    /listening on (http:\/\/\S+)/,
  );
  const server = api.match[1].replace('localhost', '127.0.0.1');
  const config = JSON.parse(readFileSync(path.join(dataDir, 'client-config.json'), 'utf8')) as { token: string };
  const client = new Client({ server, token: config.token });
  const commit = commitOf();
  console.log(`kubeql bench:controllers — ${databaseUrl ? 'PostgreSQL' : 'PGlite'}, apiserver and controller-manager in their own processes, commit ${commit}`);
  console.log(`  ${PODS} pods; baseline: plain createPod from one client at concurrency ${CONCURRENCY}`);
  await client.resource('Namespace').create({ metadata: { name: 'baseline' } });
  await client.resource('Namespace').create({ metadata: { name: 'scaled' } });

  // 1. the baseline: N createPod calls
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < PODS) {
        const i = next++;
        await client.resource('Pod').create({ metadata: { name: `p-${i}`, namespace: 'baseline', labels: { app: 'bench' } }, spec: template.spec });
      }
    }),
  );
  const baselineMs = performance.now() - t0;

  // 2. the controller-manager, leading, and a ReplicaSet scaled 0 → N
  await kubeql(['controller-manager', '--data-dir', dataDir], {}, /controller-manager \S+ started/);
  for (;;) {
    const lease = await client.resource('Lease').get('kube-system', 'kube-controller-manager');
    if (lease?.spec?.holderIdentity) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await client.resource('ReplicaSet').create({
    metadata: { name: 'bench', namespace: 'scaled' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'bench' } }, template },
  });
  await new Promise((r) => setTimeout(r, 500)); // the controller has seen it at 0
  const seen = new Set<string>();
  let allExist!: () => void;
  const allPods = new Promise<void>((resolve) => {
    allExist = resolve;
  });
  const stopWatch = client.resource('Pod').watch(
    { namespace: 'scaled', resourceVersion: (await client.resource('Pod').list({ namespace: 'scaled', limit: 1 })).resourceVersion },
    {
      next: ({ type, object }) => {
        if (type === 'ADDED') seen.add(object.metadata.name);
        if (seen.size >= PODS) allExist();
      },
      error: (e) => console.error('watch failed', e),
      complete: () => undefined,
    },
  );
  const writesBefore = await writesSoFar(server, config.token);
  const t1 = performance.now();
  await client.resource('ReplicaSet').patch('scaled', 'bench', { spec: { replicas: PODS } });
  await allPods;
  const podsMs = performance.now() - t1;
  for (;;) {
    const rs = await client.resource('ReplicaSet').get('scaled', 'bench');
    if (rs?.status?.replicas === PODS) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const statusMs = performance.now() - t1;
  await new Promise((r) => setTimeout(r, 1000)); // events and status writes still in flight
  const writes = (await writesSoFar(server, config.token)) - writesBefore - 1; // minus the scale itself
  stopWatch();
  const events = (await client.resource('Event').list({ namespace: 'scaled' })).items.reduce((n, e) => n + ((e as { count?: number }).count ?? 1), 0);

  const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000))}/s`;
  console.log('');
  console.log('| | time | pods/s | API writes |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| baseline: ${PODS} × createPod, one client, c=${CONCURRENCY} | ${(baselineMs / 1000).toFixed(2)} s | ${rate(PODS, baselineMs)} | ${PODS} |`);
  console.log(
    `| ReplicaSet 0 → ${PODS}: all pods exist | ${(podsMs / 1000).toFixed(2)} s | ${rate(PODS, podsMs)} | ${writes} (${(writes / PODS).toFixed(3)} per pod; ${events} events recorded) |`,
  );
  console.log(`| … and status.replicas = ${PODS} | ${(statusMs / 1000).toFixed(2)} s | | |`);
  console.log('');
  console.log(`controller overhead ratio (baseline time / controller time): ${(baselineMs / podsMs).toFixed(2)}`);
  await client.close();
} finally {
  await processes.cleanUp();
}
