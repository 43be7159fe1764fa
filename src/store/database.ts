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

/** How long a query waits for a pooled connection (a new one or a free one). */
export const POOL_CONNECT_TIMEOUT_MS = 10_000;

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
  /**
   * Calls `onNotify` for every notification on the channel, from any process; returns a
   * stop function. On PostgreSQL a dropped LISTEN connection is reopened (with backoff),
   * and `onNotify('')` is called once it listens again: notifications sent meanwhile are lost.
   */
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
  // A connection that cannot be had within POOL_CONNECT_TIMEOUT_MS (unreachable database,
  // exhausted pool) fails the query — UNAVAILABLE to the client — instead of waiting forever;
  // keep-alive notices a peer that vanished. Broken connections leave the pool, new ones replace them.
  const adapter = new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS, keepAlive: true });
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
  const listeners: Listener[] = [];
  return {
    prisma,
    engine: 'postgresql',
    async listen(channel, onNotify) {
      const listener = new Listener(url, channel, onNotify);
      await listener.start();
      listeners.push(listener);
      return async () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
        await listener.stop();
      };
    },
    close: once(async () => {
      await Promise.all(listeners.map((l) => l.stop()));
      await prisma.$disconnect();
    }),
  };
}

/** Backoff of the LISTEN connection's reconnection: 100 ms doubling to 5 s, each delay jittered to 50–100 %. */
export const LISTEN_BACKOFF = { initialMs: 100, maxMs: 5_000 };

/**
 * LISTEN needs a connection of its own that stays open (not one from the pool). When it
 * drops — PostgreSQL restarted, the backend terminated, the network cut — it is reopened
 * with jittered exponential backoff; once listening again, `onNotify('')` tells the
 * caller to catch up on what it may have missed (the watch hub reads the change log).
 */
class Listener {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
  ) {}

  /** The first connection; its failure is the caller's. */
  async start(): Promise<void> {
    this.client = await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS });
    let listening = false;
    client.on('error', () => undefined); // 'end' follows; the poller covers the gap meanwhile
    client.on('notification', (n) => this.onNotify(n.payload ?? ''));
    client.on('end', () => {
      if (listening && client === this.client && !this.stopped) this.dropped();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    listening = true;
    return client;
  }

  private dropped(): void {
    this.client = undefined;
    this.retryLater();
  }

  private retryLater(): void {
    const ceiling = Math.min(LISTEN_BACKOFF.maxMs, LISTEN_BACKOFF.initialMs * 2 ** this.attempt++);
    this.timer = setTimeout(() => void this.reconnect(), ceiling * (0.5 + Math.random() / 2));
    this.timer.unref();
  }

  private async reconnect(): Promise<void> {
    let client: pg.Client;
    try {
      client = await this.connect();
    } catch {
      if (!this.stopped) this.retryLater();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    this.onNotify(''); // whatever was written while the connection was down
  }
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
