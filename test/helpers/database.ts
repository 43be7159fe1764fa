// Where tests keep their state: a fresh in-memory PGlite by default, or — when
// DATABASE_URL is set (the second CI run) — a fresh database of its own on that
// PostgreSQL server, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SqlStore, type StoreOptions } from '../../src/store/index.ts';

export const POSTGRES_URL = process.env.DATABASE_URL;
export const onPostgres = Boolean(POSTGRES_URL);

export interface TestDatabase {
  /** Store options that open this database (url for PostgreSQL; none for in-memory PGlite). */
  options: StoreOptions;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A new, empty PostgreSQL database (requires DATABASE_URL). */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!POSTGRES_URL) throw new Error('DATABASE_URL is not set');
  const name = `kubeql_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(POSTGRES_URL, name),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * The DATABASE_URL for a kubeql process a suite spawns: a fresh PostgreSQL database when
 * the suite runs on PostgreSQL (dropped by the clean-up it adds), else '' (PGlite).
 */
export async function processDatabaseUrl(cleanups: (() => Promise<unknown> | unknown)[]): Promise<string> {
  if (!onPostgres) return '';
  const db = await createPostgresDatabase();
  cleanups.push(() => db.drop());
  return db.url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!onPostgres) return { options: {}, drop: async () => undefined };
  const db = await createPostgresDatabase();
  return { options: { url: db.url }, drop: db.drop };
}

/** A store on a fresh database; the compactor is off unless asked for. */
export async function openTestStore(options: StoreOptions = {}): Promise<{ store: SqlStore; close(): Promise<void> }> {
  const db = await createTestDatabase();
  const store = await SqlStore.open({ compactIntervalMs: 0, ...db.options, ...options });
  return {
    store,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}
