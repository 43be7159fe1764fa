// The parts that update and delete share: lock the object's row first (every writer
// takes the row lock before the revision lock, so writers never deadlock), then bump the
// revision only if the precondition holds ($4: the expected revision, or NULL for none).
// Parameters: $1 kind, $2 namespace, $3 name, $4 expected revision. The statement's own
// CTE must be named `ch` and return the new revision.
import { CHANGES_CHANNEL } from './database.ts';

export const LOCK_AND_BUMP = `WITH cur AS (
  SELECT revision, object FROM kubeql_resource
  WHERE kind = $1 AND namespace = $2 AND name = $3 FOR UPDATE
), rev AS (
  UPDATE kubeql_cluster SET revision = revision + 1
  WHERE id = 1 AND EXISTS (SELECT 1 FROM cur WHERE $4::int8 IS NULL OR cur.revision = $4::int8)
  RETURNING revision
)`;

/** The current row (for a failed precondition) and the new revision (null when nothing was written). */
export const RESULT = `SELECT cur.revision AS current_revision, cur.object AS current_object,
       (SELECT revision FROM ch) AS revision,
       (SELECT pg_notify('${CHANGES_CHANNEL}', revision::text)::text FROM ch) AS notified
FROM cur`;

export interface ConditionalWriteRow {
  current_revision: bigint;
  current_object: unknown;
  revision: bigint | null;
}
