import type { PrismaClient } from '../generated/prisma/client.ts';
import { LOCK_AND_BUMP, RESULT, type ConditionalWriteRow } from './conditional-write.ts';
import { fromRow } from './objects.ts';
import type { ObjectKey, WriteResult } from './types.ts';

// Same shape as update: row lock, conditional revision bump, delete, DELETED record
// carrying the last state.
const DELETE = `
${LOCK_AND_BUMP}, del AS (
  DELETE FROM kubeql_resource r USING rev
  WHERE r.kind = $1 AND r.namespace = $2 AND r.name = $3
  RETURNING rev.revision
), ch AS (
  INSERT INTO kubeql_change (revision, kind, namespace, name, type, object, prev_object, prev_revision)
  SELECT del.revision, $1, $2, $3, 'DELETED', cur.object, cur.object, cur.revision FROM del, cur
  RETURNING revision
)
${RESULT}`;

/** Deletes the object; on success `object` is its last state at the deletion's revision. */
export async function remove(prisma: PrismaClient, key: ObjectKey, expectedRevision?: number): Promise<WriteResult> {
  const rows = await prisma.$queryRawUnsafe<ConditionalWriteRow[]>(
    DELETE, key.kind, key.namespace, key.name, expectedRevision ?? null);
  if (!rows.length) return { ok: false, reason: 'not-found' };
  const [row] = rows;
  if (row.revision === null) return { ok: false, reason: 'conflict', current: fromRow(row.current_object, row.current_revision) };
  return { ok: true, object: fromRow(row.current_object, row.revision) };
}
