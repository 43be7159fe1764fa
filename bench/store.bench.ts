// npm run bench:store — creates/s through the store and through GraphQL, against
// raw single-row INSERTs through the same Prisma connection pool in the same run.
// The ratios are the figures (the machines are shared; absolute rates drift).
// Concurrent writes share commits (group commit, src/store/group-commit.ts); the runs
// with one create in flight show what a lone write costs against a lone INSERT.
//   DATABASE_URL=postgresql://…  benchmarks PostgreSQL (a fresh database is made and dropped);
//   otherwise embedded PGlite (in memory).
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startApiServer } from '../src/apiserver/index.ts';
import { createTestDatabase } from '../test/helpers/database.ts';

const { values } = parseArgs({ options: { ops: { type: 'string' }, concurrency: { type: 'string' }, rounds: { type: 'string' } } });
const OPS = Number(values.ops ?? 2000);
const CONCURRENCY = Number(values.concurrency ?? 16);
const ROUNDS = Number(values.rounds ?? 3);

const db = await createTestDatabase();
const server = await startApiServer({
  port: 0,
  host: '127.0.0.1',
  rateLimit: 0,
  store: { ...db.options, compactIntervalMs: 0 },
  logger: { error: () => undefined },
});
const { store } = server;
const prisma = store.db.prisma;
await prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, k text NOT NULL, o jsonb NOT NULL)');

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'bench', tier: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
});

async function run(label: string, op: (i: number) => Promise<unknown>, concurrency = CONCURRENCY, ops = OPS): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ops) await op(next++);
    }),
  );
  const rate = ops / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(28)} ${rate.toFixed(0).padStart(7)} /s`);
  return rate;
}

const CREATE = `mutation($pod: PodInput!) { createPod(pod: $pod) { metadata { resourceVersion } } }`;
let seq = 0;
const rates: Record<string, number[]> = { raw: [], store: [], graphql: [], raw1: [], store1: [] };
const insert = (name: string) => prisma.$executeRawUnsafe('INSERT INTO bench_raw (k, o) VALUES ($1, $2::jsonb)', name, JSON.stringify(pod(name)));
const create = (name: string) => {
  const o = pod(name);
  return store.create({ kind: 'Pod', namespace: 'default', name }, { ...o, metadata: { ...o.metadata, uid: crypto.randomUUID() } });
};
console.log(`kubeql bench:store — ${store.db.engine}, ${OPS} creates per run, ${CONCURRENCY} in flight, ${ROUNDS} rounds`);
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round}`);
  const r = seq++;
  rates.raw.push(await run('raw INSERT (baseline)', (i) => insert(`raw-${r}-${i}`)));
  rates.store.push(await run('store.create', (i) => create(`s-${r}-${i}`)));
  rates.graphql.push(
    await run('GraphQL createPod', async (i) => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: CREATE, variables: { pod: pod(`g-${r}-${i}`) } }),
      });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    }),
  );
  rates.raw1.push(await run('raw INSERT, 1 in flight', (i) => insert(`raw1-${r}-${i}`), 1, OPS / 4));
  rates.store1.push(await run('store.create, 1 in flight', (i) => create(`s1-${r}-${i}`), 1, OPS / 4));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [raw, st, gq] = [median(rates.raw), median(rates.store), median(rates.graphql)];
console.log('\nmedians');
console.log(`  raw INSERT ${raw.toFixed(0)}/s · store.create ${st.toFixed(0)}/s · GraphQL createPod ${gq.toFixed(0)}/s`);
console.log(`  store.create / raw INSERT      = ${(st / raw).toFixed(2)}`);
console.log(`  GraphQL createPod / raw INSERT = ${(gq / raw).toFixed(2)}`);
const [raw1, st1] = [median(rates.raw1), median(rates.store1)];
console.log(`  1 in flight: raw INSERT ${raw1.toFixed(0)}/s · store.create ${st1.toFixed(0)}/s · store / raw = ${(st1 / raw1).toFixed(2)}`);
await server.stop();
await db.drop();
