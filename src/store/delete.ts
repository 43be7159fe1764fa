import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANGES_CHANNEL } from './database.ts';
import { fromRow } from './objects.ts';
import type { ObjectKey, WriteResult } from './types.ts';

// Same shape as update: row lock, conditional revision bump, delete, DELETED record
// carrying the last state.
const DELETE = `
WITH cur AS (
  SELECT revision, object FROM kubeql_resource
  WHERE kind = $1 AND namespace = $2 AND name = $3 FOR UPDATE
), rev AS (
  UPDATE kubeql_cluster SET revision = revision + 1
  WHERE id = 1 AND EXISTS (SELECT 1 FROM cur WHERE $4::int8 IS NULL OR cur.revision = $4::int8)
  RETURNING revision
), del AS (
  DELETE FROM kubeql_resource r USING rev
  WHERE r.kind = $1 AND r.namespace = $2 AND r.name = $3
  RETURNING rev.revision
), ch AS (
  INSERT INTO kubeql_change (revision, kind, namespace, name, type, object, prev_object, prev_revision)
  SELECT del.revision, $1, $2, $3, 'DELETED', cur.object, cur.object, cur.revision FROM del, cur
  RETURNING revision
)
SELECT cur.revision AS current_revision, cur.object AS current_object,
       (SELECT revision FROM ch) AS revision,
       (SELECT pg_notify('${CHANGES_CHANNEL}', revision::text)::text FROM ch) AS notified
FROM cur`;

/** Deletes the object; on success `object` is its last state at the deletion's revision. */
export async function remove(prisma: PrismaClient, key: ObjectKey, expectedRevision?: number): Promise<WriteResult> {
  const rows = await prisma.$queryRawUnsafe<{ current_revision: bigint; current_object: unknown; revision: bigint | null }[]>(
    DELETE, key.kind, key.namespace, key.name, expectedRevision ?? null);
  if (!rows.length) return { ok: false, reason: 'not-found' };
  const [row] = rows;
  if (row.revision === null) return { ok: false, reason: 'conflict', current: fromRow(row.current_object, row.current_revision) };
  return { ok: true, object: fromRow(row.current_object, row.revision) };
}
