import type { KubeObject } from '../apis/kinds.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANGES_CHANNEL } from './database.ts';
import { fromRow, isUniqueViolation, toStoredJson } from './objects.ts';
import type { ObjectKey } from './types.ts';

// One statement: bump the revision (only when the key is free, so a refused create
// changes nothing), insert the object and its ADDED change record, notify. The
// revision row lock is held to commit, so commit order is revision order.
const CREATE = `
WITH rev AS (
  UPDATE kubeql_cluster SET revision = revision + 1
  WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM kubeql_resource WHERE kind = $1 AND namespace = $2 AND name = $3)
  RETURNING revision
), ins AS (
  INSERT INTO kubeql_resource (kind, namespace, name, uid, revision, create_revision, object)
  SELECT $1, $2, $3, $4::uuid, rev.revision, rev.revision, $5::jsonb FROM rev
  RETURNING revision
), ch AS (
  INSERT INTO kubeql_change (revision, kind, namespace, name, type, object)
  SELECT ins.revision, $1, $2, $3, 'ADDED', $5::jsonb FROM ins
  RETURNING revision
)
SELECT revision, pg_notify('${CHANGES_CHANNEL}', revision::text)::text AS notified FROM ch`;

/** Creates the object; `undefined` when the key is taken. */
export async function create(prisma: PrismaClient, key: ObjectKey, object: KubeObject): Promise<KubeObject | undefined> {
  try {
    const rows = await prisma.$queryRawUnsafe<{ revision: bigint }[]>(
      CREATE, key.kind, key.namespace, key.name, object.metadata.uid, toStoredJson(object));
    return rows.length ? fromRow(object, rows[0].revision) : undefined;
  } catch (err) {
    // A concurrent create of the same key committed after this statement's snapshot.
    if (isUniqueViolation(err)) return undefined;
    throw err;
  }
}
