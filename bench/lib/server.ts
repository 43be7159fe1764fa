// The apiserver under test, in a process of its own: `node --import tsx/esm bench/lib/server.ts`,
// started by the bench scripts (bench/lib/ipc.ts), optionally with `--cpu-prof`.
// As `kubeql apiserver` would run it: authentication and RBAC on (a fresh signing key in
// a temp dir), the default rate limits and query limits, the default store options —
// on a fresh PostgreSQL database (DATABASE_URL, dropped at the end) or in-memory PGlite.
//
// Requests (see serve): info → { url, wsUrl, engine, databaseUrl }; mint { username, groups }
// → a token; mark { label } → records the monotonic time (µs, the clock of .cpuprofile
// files) so that a profile can be cut into phases, and answers the process's CPU time so far; raw { … } → the raw-INSERT baseline run
// inside this process (PGlite only: its database lives here); sql → the SQL statements sent
// through node-postgres since the last call (count and round-trip time per statement, then
// reset; PostgreSQL only); stop.
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startApiServer } from '../../src/apiserver/index.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { serve } from './ipc.ts';
import { BENCH_RAW_TABLE, runRawInserts, type RawRequest } from './raw.ts';

// Every statement node-postgres sends (Prisma's pg adapter and the store's LISTEN client use
// pg.Client): counted and timed (send → result) per statement text, before the store opens.
const sql = new Map<string, { count: number; ms: number }>();
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const config = args[0] as string | { text?: string };
  const text = typeof config === 'string' ? config : (config?.text ?? '?');
  const t = performance.now();
  const done = () => {
    const entry = sql.get(text) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += performance.now() - t;
    sql.set(text, entry);
  };
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const callback = args[last] as (...a: unknown[]) => void;
    args[last] = (...a: unknown[]) => {
      done();
      callback(...a);
    };
    return query.apply(this, args);
  }
  const result = query.apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, done);
  return result;
} as typeof pg.Client.prototype.query;

const keyDir = mkdtempSync(path.join(tmpdir(), 'kubeql-bench-key-'));
const db = await createTestDatabase();
const server = await startApiServer({
  port: 0,
  host: '127.0.0.1',
  auth: { signingKeyFile: path.join(keyDir, 'signing-key.jwk') },
  store: db.options,
  logger: { error: (message, fields) => console.error(`[apiserver] ${message}`, fields ?? '') },
});
const marks: { label: string; us: number }[] = [];
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

serve({
  info: () => ({
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws'),
    engine: server.store.db.engine,
    databaseUrl: db.options.url,
    pid: process.pid,
  }),
  mint: ({ username, groups }: { username: string; groups: string[] }) => server.authenticator!.mint({ username, groups }),
  /** Records a phase edge; returns this process's CPU time so far (user + system, ms). */
  mark: ({ label }: { label: string }) => {
    marks.push({ label, us: nowUs() });
    const cpu = process.cpuUsage();
    return { cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, wallMs: performance.now() };
  },
  sql: () => {
    const out = [...sql].map(([text, v]) => ({ text, ...v }));
    sql.clear();
    return out;
  },
  raw: async (req: RawRequest) => {
    const prisma = server.store.db.prisma;
    await prisma.$executeRawUnsafe(BENCH_RAW_TABLE);
    return runRawInserts(req, (k, o) => prisma.$executeRawUnsafe('INSERT INTO bench_raw (k, o) VALUES ($1, $2::jsonb)', k, o));
  },
  stop: async () => {
    await server.stop();
    await db.drop();
    rmSync(keyDir, { recursive: true, force: true });
    const dir = process.env.KUBEQL_BENCH_MARKS_DIR;
    if (dir) writeFileSync(path.join(dir, `marks.${process.pid}.json`), JSON.stringify({ pid: process.pid, marks }, null, 1));
  },
});
