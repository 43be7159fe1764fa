// The Recreate strategy (recreate.go): every old pod goes first — the old ReplicaSets are
// scaled to 0 and the new one is created only once no old pod is left running — then the
// new ReplicaSet is scaled to spec.replicas in one step.
import { deploymentComplete } from './progress.ts';
import { actualReplicas, filterActive } from './replicas.ts';
import { syncRolloutStatus } from './status.ts';
import type { DeploymentSync } from './sync.ts';
import { replicasOf, type ReplicaSet } from './types.ts';

export async function rolloutRecreate(s: DeploymentSync): Promise<void> {
  let { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
  const allRSs = () => {
    const r = s.refresh(newRS, oldRSs);
    return [...r.oldRSs, r.newRS];
  };

  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await s.scaleReplicaSetAndRecordEvent(rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(s, allRSs(), s.refresh(newRS, []).newRS);

  if (oldPodsRunning(s, newRS, s.refresh(newRS, oldRSs).oldRSs)) return syncRolloutStatus(s, allRSs(), s.refresh(newRS, []).newRS);

  if (!newRS) ({ newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(true));
  await s.scaleReplicaSetAndRecordEvent(s.refresh(newRS, []).newRS!, replicasOf(s.d));

  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanupDeployment(s.refresh(newRS, oldRSs).oldRSs);
  return syncRolloutStatus(s, allRSs(), s.refresh(newRS, []).newRS);
}

/** oldPodsRunning: an old ReplicaSet still reports pods, or a pod of one is not yet Succeeded or Failed. */
function oldPodsRunning(s: DeploymentSync, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of s.podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}
