// Revisions and history (util.SetNewReplicaSetAnnotations, sync.go cleanupDeployment):
// the new ReplicaSet carries the Deployment's annotations and the newest revision — a
// ReplicaSet brought back by a rollback gets a new revision and keeps its earlier ones in
// `deployment.kubernetes.io/revision-history` — and of the old ReplicaSets, only the
// newest `revisionHistoryLimit` are kept once they have no pods.
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import type { Client } from '../../client/client.ts';
import { byRevision, maxSurge, setReplicasAnnotations } from './replicas.ts';
import {
  ANNOTATIONS_TO_SKIP,
  MAX_REVISION_HISTORY_CHARS,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  replicasOf,
  type Deployment,
  type ReplicaSet,
} from './types.ts';

/** copyDeploymentAnnotationsToReplicaSet */
function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const target = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** SetNewReplicaSetAnnotations: true when the ReplicaSet's annotations changed. */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = rs.metadata.annotations!;
  const oldRevision = a[REVISION_ANNOTATION];
  let oldRevisionInt = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^-?\d+$/.test(oldRevision)) return false; // not ours to fix
    oldRevisionInt = Number(oldRevision);
  }
  const newRevisionInt = Number(newRevision);
  if (oldRevisionInt < newRevisionInt) {
    a[REVISION_ANNOTATION] = newRevision;
    changed = true;
  }
  // A ReplicaSet that had a revision and gets a newer one is being rolled back to: keep
  // its earlier revisions, within MAX_REVISION_HISTORY_CHARS.
  if (oldRevision !== undefined && oldRevisionInt < newRevisionInt) {
    const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
    let revisions = history.split(',');
    if (revisions[0].length === 0) {
      a[REVISION_HISTORY_ANNOTATION] = oldRevision;
    } else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > MAX_REVISION_HISTORY_CHARS && start < revisions.length) {
        total -= revisions[start].length + 1;
        start++;
      }
      if (total <= MAX_REVISION_HISTORY_CHARS) {
        revisions = [...revisions.slice(start), oldRevision];
        a[REVISION_HISTORY_ANNOTATION] = revisions.join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/**
 * cleanupDeployment: deletes the oldest old ReplicaSets beyond revisionHistoryLimit,
 * each only once it is scaled to 0, has no pods left and its controller has seen that.
 */
export async function cleanupHistory(client: Client, d: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit == null || limit === 2147483647) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await client.resource('ReplicaSet').delete(rs.metadata.namespace!, rs.metadata.name);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === ErrorCode.NOT_FOUND)) throw err;
    }
  }
}
