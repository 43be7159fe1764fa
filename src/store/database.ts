// Opens the one database kubeql keeps its state in: PostgreSQL when a URL is given,
// otherwise embedded PGlite in a data directory. The adapter is chosen here, once.
import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { applyMigrations } from './migrate.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The channel on which every write announces its revision to other apiservers. */
export const CHANGES_CHANNEL = 'kubeql_changes';

export interface DatabaseOptions {
  /** `postgresql://…`; absent: embedded PGlite. */
  url?: string;
  /** PGlite's data directory; absent with no url: in memory. */
  dataDir?: string;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
}

export interface Database {
  prisma: PrismaClient;
  engine: 'postgresql' | 'pglite';
  /** Calls `onNotify` for every notification on the channel, from any process; returns a stop function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPGlite(options.dataDir);
}

/** Migration folders not yet recorded as applied; undefined when that cannot be told (no table yet). */
async function pendingMigrations(applied: () => Promise<string[]>): Promise<string[] | undefined> {
  let done: Set<string>;
  try {
    done = new Set(await applied());
  } catch {
    return undefined; // no _prisma_migrations yet: a fresh database
  }
  const folders = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  return folders.filter((f) => !done.has(f));
}

const APPLIED = `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  // Loading the WebAssembly schema engine costs a second or two: only when there is work for it.
  const pending = await pendingMigrations(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ migration_name: string }>(APPLIED)).rows.map((r) => r.migration_name);
    } finally {
      await client.end();
    }
  });
  if (pending === undefined || pending.length) await applyMigrations(adapter, MIGRATIONS_DIR);
  const prisma = new PrismaClient({ adapter });
  const listeners: pg.Client[] = [];
  return {
    prisma,
    engine: 'postgresql',
    async listen(channel, onNotify) {
      // LISTEN needs a connection of its own that stays open: not one from the pool.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (n) => onNotify(n.payload ?? ''));
      client.on('error', () => undefined); // the poller covers the gap; see watch-hub.ts
      await client.query(`LISTEN ${channel}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => undefined);
      };
    },
    close: once(async () => {
      await Promise.all(listeners.map((c) => c.end().catch(() => undefined)));
      await prisma.$disconnect();
    }),
  };
}

async function openPGlite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(path.resolve(dataDir), { recursive: true });
  const pglite = new PGlite(dataDir ? path.resolve(dataDir) : undefined);
  await pglite.waitReady;
  const pending = await pendingMigrations(async () => (await pglite.query<{ migration_name: string }>(APPLIED)).rows.map((r) => r.migration_name));
  if (pending === undefined || pending.length) await applyMigrations(new PrismaPGlite(pglite), MIGRATIONS_DIR);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    engine: 'pglite',
    async listen(channel, onNotify) {
      const unlisten = await pglite.listen(channel, onNotify);
      return unlisten;
    },
    close: once(async () => {
      await prisma.$disconnect();
      await pglite.close();
    }),
  };
}

/** Closing twice is harmless (the apiserver and a test may both close). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
