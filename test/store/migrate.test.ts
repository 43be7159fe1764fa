import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { applyMigrations, diffMigration, MigrationError } from '../../src/store/migrate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const migrationsDir = path.join(root, 'prisma', 'migrations');
const schemaPath = path.join(root, 'prisma', 'schema.prisma');

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** What every freshly migrated database must look like. */
async function assertMigratedSchema(query: Query): Promise<void> {
  const tables = (
    await query(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() ORDER BY table_name`,
    )
  ).map((r) => r.table_name);
  for (const table of ['_prisma_migrations', 'kubeql_change', 'kubeql_cluster', 'kubeql_resource']) {
    assert.ok(tables.includes(table), `table ${table} exists (have: ${tables.join(', ')})`);
  }

  const cluster = await query(`SELECT id, revision::text AS revision, compact_revision::text AS compact_revision FROM kubeql_cluster`);
  assert.deepEqual(cluster, [{ id: 1, revision: '0', compact_revision: '0' }]);

  const indexes = (await query(`SELECT indexname FROM pg_indexes WHERE tablename = 'kubeql_resource' ORDER BY indexname`)).map((r) => r.indexname);
  assert.deepEqual(indexes, ['kubeql_resource_kind_revision_idx', 'kubeql_resource_labels_idx', 'kubeql_resource_node_name_idx', 'kubeql_resource_pkey']);

  // Prisma's bookkeeping: every migration recorded once, finished, not rolled back.
  const recorded = await query(
    `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NULL AS live,
            applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
  );
  assert.deepEqual(
    recorded.map((r) => r.migration_name),
    await migrationNames(),
  );
  for (const r of recorded) {
    assert.equal(r.finished, true);
    assert.equal(r.live, true);
    assert.equal(r.applied_steps_count, 1);
  }

  // The GIN index serves label containment; the schema accepts a real object.
  await query(
    `INSERT INTO kubeql_resource (kind, namespace, name, uid, revision, create_revision, object)
     VALUES ('Pod', 'default', 'p', gen_random_uuid(), 1, 1,
             '{"metadata":{"labels":{"app":"web"}},"spec":{"nodeName":"n1"}}')`,
  );
  const found = await query(
    `SELECT name FROM kubeql_resource
      WHERE object->'metadata'->'labels' @> '{"app":"web"}' AND object->'spec'->>'nodeName' = 'n1'`,
  );
  assert.deepEqual(found, [{ name: 'p' }]);
}

async function expectedApplied(): Promise<string[]> {
  const names = await migrationNames();
  assert.ok(
    names.some((n) => /^\d{14}_init$/.test(n)),
    `an init migration exists in ${migrationsDir}`,
  );
  return names;
}

test('applyMigrations on a fresh PGlite applies the folder once', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kubeql-migrate-'));
  let db = new PGlite(dir);
  try {
    const first = await applyMigrations(new PrismaPGlite(db), migrationsDir);
    assert.deepEqual(first.applied, await expectedApplied());

    const query: Query = async (sql) => (await db.query<Record<string, unknown>>(sql)).rows;
    await assertMigratedSchema(query);

    const second = await applyMigrations(new PrismaPGlite(db), migrationsDir);
    assert.deepEqual(second.applied, []);

    // The data directory persists: a new PGlite over it has nothing to apply either.
    await db.close();
    db = new PGlite(dir);
    const third = await applyMigrations(new PrismaPGlite(db), migrationsDir);
    assert.deepEqual(third.applied, []);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations');
    assert.equal(count.rows[0]!.n, (await migrationNames()).length);
  } finally {
    if (!db.closed) await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('applyMigrations applies a new migration added later, and rejects a failing one', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kubeql-migrate-'));
  const migrations = path.join(dir, 'migrations');
  await cp(migrationsDir, migrations, { recursive: true });
  const db = new PGlite();
  try {
    assert.deepEqual((await applyMigrations(new PrismaPGlite(db), migrations)).applied, await expectedApplied());

    // A semicolon inside a comment and a string literal must not split statements.
    await mkdir(path.join(migrations, '99990101000000_extra'));
    await writeFile(
      path.join(migrations, '99990101000000_extra', 'migration.sql'),
      `-- a note; with a semicolon\nCREATE TABLE "extra" ("v" TEXT NOT NULL DEFAULT 'a;b');\nINSERT INTO "extra" DEFAULT VALUES;\n`,
    );
    assert.deepEqual((await applyMigrations(new PrismaPGlite(db), migrations)).applied, ['99990101000000_extra']);
    assert.deepEqual((await db.query('SELECT v FROM extra')).rows, [{ v: 'a;b' }]);

    await mkdir(path.join(migrations, '99990102000000_broken'));
    await writeFile(path.join(migrations, '99990102000000_broken', 'migration.sql'), 'CREATE TABLE "broken" ("id" INTEGER);\nSELECT no_such_function();\n');
    await assert.rejects(applyMigrations(new PrismaPGlite(db), migrations), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /no_such_function/);
      return true;
    });
    const failed = await db.query<{ finished: boolean }>(
      `SELECT finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE migration_name = '99990102000000_broken'`,
    );
    assert.deepEqual(failed.rows, [{ finished: false }]);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('applyMigrations takes a factory without shadow-database support, and a missing folder', async () => {
  const db = new PGlite();
  try {
    const inner = new PrismaPGlite(db);
    const plain: SqlDriverAdapterFactory = { provider: inner.provider, adapterName: inner.adapterName, connect: () => inner.connect() };
    assert.deepEqual((await applyMigrations(plain, migrationsDir)).applied, await expectedApplied());
    assert.deepEqual((await applyMigrations(plain, migrationsDir)).applied, []);

    const fresh = new PGlite();
    try {
      const none = await applyMigrations(new PrismaPGlite(fresh), path.join(tmpdir(), 'kubeql-no-such-dir'));
      assert.deepEqual(none.applied, []);
    } finally {
      await fresh.close();
    }
  } finally {
    await db.close();
  }
});

test('diffMigration: the migrations folder matches prisma/schema.prisma', async () => {
  const diff = await diffMigration(migrationsDir, schemaPath);
  assert.equal(diff.sql, null);
  assert.deepEqual(diff.preservedIndexes, []);

  // From an empty folder the diff is the whole data model.
  const empty = await mkdtemp(path.join(tmpdir(), 'kubeql-migrate-'));
  try {
    const full = await diffMigration(path.join(empty, 'migrations'), schemaPath);
    assert.ok(full.sql !== null);
    for (const table of ['kubeql_cluster', 'kubeql_resource', 'kubeql_change']) {
      assert.match(full.sql, new RegExp(`CREATE TABLE "${table}"`));
    }
    // The generated part of the init migration is exactly this diff.
    const [init] = (await migrationNames()).filter((n) => n.endsWith('_init'));
    const initSql = await readFile(path.join(migrationsDir, init!, 'migration.sql'), 'utf8');
    assert.ok(initSql.startsWith(full.sql), 'init migration starts with the generated SQL');
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

const databaseUrl = process.env.DATABASE_URL;

test('applyMigrations on a fresh PostgreSQL database applies the folder once', { skip: !databaseUrl && 'DATABASE_URL not set' }, async () => {
  const adminUrl = new URL(databaseUrl!);
  const dbName = `kubeql_migrate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    const first = await applyMigrations(new PrismaPg({ connectionString: url.toString() }), migrationsDir);
    assert.deepEqual(first.applied, await expectedApplied());

    await client.connect();
    const query: Query = async (sql) => (await client.query(sql)).rows;
    await assertMigratedSchema(query);

    const second = await applyMigrations(new PrismaPg({ connectionString: url.toString() }), migrationsDir);
    assert.deepEqual(second.applied, []);
    const third = await applyMigrations(new PrismaPg({ connectionString: url.toString() }), migrationsDir);
    assert.deepEqual(third.applied, []);
    const count = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations');
    assert.equal(count.rows[0]!.n, (await migrationNames()).length);
  } finally {
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
});
