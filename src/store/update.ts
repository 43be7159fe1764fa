import type { KubeObject } from '../apis/kinds.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANGES_CHANNEL } from './database.ts';
import { fromRow, toStoredJson } from './objects.ts';
import type { ObjectKey, WriteResult } from './types.ts';

// Lock the row first (every writer takes the row lock before the revision lock, so
// writers never deadlock), bump the revision only if the precondition holds, write,
// log the change with the previous state. On a failed precondition the current row
// comes back so the caller can retry without another read.
const UPDATE = `
WITH cur AS (
  SELECT revision, object FROM kubeql_resource
  WHERE kind = $1 AND namespace = $2 AND name = $3 FOR UPDATE
), rev AS (
  UPDATE kubeql_cluster SET revision = revision + 1
  WHERE id = 1 AND EXISTS (SELECT 1 FROM cur WHERE $4::int8 IS NULL OR cur.revision = $4::int8)
  RETURNING revision
), upd AS (
  UPDATE kubeql_resource r SET object = $5::jsonb, revision = rev.revision FROM rev
  WHERE r.kind = $1 AND r.namespace = $2 AND r.name = $3
  RETURNING r.revision
), ch AS (
  INSERT INTO kubeql_change (revision, kind, namespace, name, type, object, prev_object, prev_revision)
  SELECT upd.revision, $1, $2, $3, 'MODIFIED', $5::jsonb, cur.object, cur.revision FROM upd, cur
  RETURNING revision
)
SELECT cur.revision AS current_revision, cur.object AS current_object,
       (SELECT revision FROM ch) AS revision,
       (SELECT pg_notify('${CHANGES_CHANNEL}', revision::text)::text FROM ch) AS notified
FROM cur`;

export async function update(
  prisma: PrismaClient, key: ObjectKey, object: KubeObject, expectedRevision?: number,
): Promise<WriteResult> {
  const rows = await prisma.$queryRawUnsafe<{ current_revision: bigint; current_object: unknown; revision: bigint | null }[]>(
    UPDATE, key.kind, key.namespace, key.name, expectedRevision ?? null, toStoredJson(object));
  if (!rows.length) return { ok: false, reason: 'not-found' };
  const [row] = rows;
  if (row.revision === null) return { ok: false, reason: 'conflict', current: fromRow(row.current_object, row.current_revision) };
  return { ok: true, object: fromRow(object, row.revision) };
}
