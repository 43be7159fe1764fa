// Creates the next migration: the SQL from the current prisma/migrations folder to
// prisma/schema.prisma, computed by Prisma's WebAssembly schema engine against in-memory
// PGlite databases (no database server needed).
//
//   tsx scripts/migrate-dev.ts <name>
//
// writes prisma/migrations/<yyyyMMddHHmmss>_<name>/migration.sql (and the lock file if the
// folder has none), or prints "no changes". SQL that Prisma's schema language cannot
// express (data, expression indexes) may be appended to the new migration.sql by hand.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffMigration, LOCK_FILE, LOCK_FILE_CONTENT, MIGRATION_FILE } from '../src/store/migrate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = path.join(root, 'prisma', 'schema.prisma');
const migrationsDir = path.join(root, 'prisma', 'migrations');

/** Prisma's migration timestamp: UTC, yyyyMMddHHmmss. */
function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (!raw) {
    console.error('usage: tsx scripts/migrate-dev.ts <name>');
    process.exit(2);
  }
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) {
    console.error(`invalid migration name: ${JSON.stringify(raw)}`);
    process.exit(2);
  }

  const diff = await diffMigration(migrationsDir, schemaPath);
  for (const index of diff.preservedIndexes) {
    console.log(`kept hand-written index ${index} (the engine's diff would drop it)`);
  }
  if (diff.sql === null) {
    console.log('no changes');
    return;
  }

  await mkdir(migrationsDir, { recursive: true });
  const lockPath = path.join(migrationsDir, LOCK_FILE);
  if (!existsSync(lockPath)) await writeFile(lockPath, LOCK_FILE_CONTENT);
  const dir = path.join(migrationsDir, `${timestamp()}_${name}`);
  if (existsSync(dir)) throw new Error(`${dir} already exists`);
  await mkdir(dir);
  const file = path.join(dir, MIGRATION_FILE);
  await writeFile(file, diff.sql);
  console.log(`created ${path.relative(root, file)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
