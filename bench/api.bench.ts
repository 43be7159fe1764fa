// npm run bench:api — `pods(limit: 100)` queries/s through the full stack (JWT
// authentication + RBAC + query limits) against the same schema with authentication
// and RBAC off, in the same run. The ratio is the figure (target ≥ 0.85).
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startApiServer, type ApiServer } from '../src/apiserver/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.ts';

const { values } = parseArgs({ options: { requests: { type: 'string' }, concurrency: { type: 'string' }, rounds: { type: 'string' } } });
const REQUESTS = Number(values.requests ?? 1500);
const CONCURRENCY = Number(values.concurrency ?? 8);
const ROUNDS = Number(values.rounds ?? 3);
const QUERY =
  '{ pods(namespace: "default", limit: 100) { items { metadata { name resourceVersion labels } spec { nodeName containers { name image } } status { phase } } metadata { continue } } }';

const keyDir = mkdtempSync(path.join(tmpdir(), 'kubeql-bench-'));
const silent = { error: () => undefined };

async function server(auth: boolean): Promise<{ server: ApiServer; db: TestDatabase; headers: Record<string, string> }> {
  const db = await createTestDatabase();
  const s = await startApiServer({
    port: 0,
    host: '127.0.0.1',
    logger: silent,
    rateLimit: 0,
    store: { ...db.options, compactIntervalMs: 0 },
    ...(auth ? { auth: { signingKeyFile: path.join(keyDir, 'key.jwk') } } : {}),
  });
  for (let i = 0; i < 150; i++) {
    await s.registry.create('Pod', {
      metadata: { name: `pod-${i}`, labels: { app: 'bench' } },
      spec: { nodeName: `node-${i % 10}`, containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
  }
  let headers: Record<string, string> = {};
  if (auth) {
    // An ordinary user with the view role in one namespace: RBAC evaluates rules (no system:masters shortcut).
    await s.registry.create('RoleBinding', {
      metadata: { name: 'reader', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    await new Promise((r) => setTimeout(r, 200)); // the RBAC informer sees the binding
    headers = { authorization: `Bearer ${await s.authenticator!.mint({ username: 'reader' })}` };
  }
  return { server: s, db, headers };
}

async function run(label: string, url: string, headers: Record<string, string>): Promise<number> {
  let next = 0;
  const body = JSON.stringify({ query: QUERY });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        const json = (await res.json()) as { errors?: unknown[]; data?: { pods: { items: unknown[] } } };
        if (json.errors || json.data?.pods.items.length !== 100) throw new Error(`${label}: ${JSON.stringify(json).slice(0, 300)}`);
      }
    }),
  );
  const rate = REQUESTS / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(34)} ${rate.toFixed(0).padStart(6)} queries/s`);
  return rate;
}

const off = await server(false);
const on = await server(true);
console.log(`kubeql bench:api — ${off.server.store.db.engine}, pods(limit: 100), ${REQUESTS} requests per run, ${CONCURRENCY} in flight, ${ROUNDS} rounds`);
await run('warm-up (off)', off.server.url, off.headers);
await run('warm-up (full)', on.server.url, on.headers);
const rates = { off: [] as number[], on: [] as number[] };
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round}`);
  rates.off.push(await run('auth + RBAC off (baseline)', off.server.url, off.headers));
  rates.on.push(await run('full stack (JWT + RBAC + limits)', on.server.url, on.headers));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nmedians: off ${median(rates.off).toFixed(0)}/s · full ${median(rates.on).toFixed(0)}/s`);
console.log(`  full stack / auth+RBAC off = ${(median(rates.on) / median(rates.off)).toFixed(2)}`);
for (const s of [on, off]) {
  await s.server.stop();
  await s.db.drop();
}
rmSync(keyDir, { recursive: true, force: true });
