import type { KubeObject } from '../apis/kinds.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { LOCK_AND_BUMP, RESULT, type ConditionalWriteRow } from './conditional-write.ts';
import { fromRow, toStoredJson } from './objects.ts';
import type { ObjectKey, WriteResult } from './types.ts';

// Lock, bump the revision if the precondition holds (conditional-write.ts), write,
// log the change with the previous state. On a failed precondition the current row
// comes back so the caller can retry without another read.
const UPDATE = `
${LOCK_AND_BUMP}, upd AS (
  UPDATE kubeql_resource r SET object = $5::jsonb, revision = rev.revision FROM rev
  WHERE r.kind = $1 AND r.namespace = $2 AND r.name = $3
  RETURNING r.revision
), ch AS (
  INSERT INTO kubeql_change (revision, kind, namespace, name, type, object, prev_object, prev_revision)
  SELECT upd.revision, $1, $2, $3, 'MODIFIED', $5::jsonb, cur.object, cur.revision FROM upd, cur
  RETURNING revision
)
${RESULT}`;

export async function update(
  prisma: PrismaClient, key: ObjectKey, object: KubeObject, expectedRevision?: number,
): Promise<WriteResult> {
  const rows = await prisma.$queryRawUnsafe<ConditionalWriteRow[]>(
    UPDATE, key.kind, key.namespace, key.name, expectedRevision ?? null, toStoredJson(object));
  if (!rows.length) return { ok: false, reason: 'not-found' };
  const [row] = rows;
  if (row.revision === null) return { ok: false, reason: 'conflict', current: fromRow(row.current_object, row.current_revision) };
  return { ok: true, object: fromRow(object, row.revision) };
}
