// What one SQL statement costs the apiserver's CPU, by client: Prisma (ORM query and raw
// query, as the store issues them) against node-postgres directly — to size the Prisma
// share of a write (bench:writes --profile) per statement.
//   DATABASE_URL=postgresql://… npx tsx bench/lib/statement-cost.ts [--ops 3000] [--concurrency 8]
// (PGlite otherwise; then only the Prisma rows.) Prints CPU µs per statement (process user +
// system time, this process only, so PostgreSQL's own work is not in it).
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { SqlStore } from '../../src/store/index.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { table } from './stats.ts';

const { values } = parseArgs({ options: { ops: { type: 'string' }, concurrency: { type: 'string' }, rounds: { type: 'string' } } });
const N = Number(values.ops ?? 3000);
const C = Number(values.concurrency ?? 8);
const ROUNDS = Number(values.rounds ?? 3);

const db = await createTestDatabase();
const store = await SqlStore.open({ ...db.options, compactIntervalMs: 0 });
const prisma = store.db.prisma;
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: crypto.randomUUID(), labels: { app: 'bench', tier: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  status: { phase: 'Pending', qosClass: 'Burstable' },
};
const key = { kind: 'Pod', namespace: 'default', name: 'p' };
await store.create(key, pod as never);
const pool = db.options.url ? new pg.Pool({ connectionString: db.options.url, max: C }) : undefined;
const SELECT = 'SELECT object, revision FROM kubeql_resource WHERE kind = $1 AND namespace = $2 AND name = $3';

async function measure(op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await op();
  const before = process.cpuUsage();
  let n = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (n++ < N) await op();
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / N;
}

const cases: [string, () => Promise<unknown>][] = [
  ['store.get: prisma.resource.findUnique (the namespace check, the read before an update)', () => store.get(key)],
  ['prisma.$queryRawUnsafe, the same SELECT', () => prisma.$queryRawUnsafe(SELECT, 'Pod', 'default', 'p')],
  [
    'prisma.change.findMany, no rows (a watch-hub read that finds nothing)',
    () => prisma.change.findMany({ where: { revision: { gt: 1e9 } }, orderBy: { revision: 'asc' }, take: 1000 }),
  ],
  ...(pool
    ? ([
        ['node-postgres pool.query, the same SELECT', () => pool.query(SELECT, ['Pod', 'default', 'p'])],
        ['node-postgres pool.query, SELECT 1', () => pool.query('SELECT 1')],
      ] as [string, () => Promise<unknown>][])
    : []),
];
const results = new Map<string, number[]>();
for (let r = 0; r < ROUNDS; r++) for (const [label, op] of cases) results.set(label, [...(results.get(label) ?? []), await measure(op)]);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`kubeql statement cost — ${store.db.engine}, ${N} statements per case and round, ${C} in flight, median of ${ROUNDS} rounds`);
console.log(
  table(
    ['statement', 'client CPU µs per statement'],
    cases.map(([label]) => [label, med(results.get(label)!).toFixed(0)]),
  ),
);
await pool?.end();
await store.close();
await db.drop();
