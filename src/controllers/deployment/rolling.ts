// The RollingUpdate strategy (rolling.go): grow the new ReplicaSet while the total stays
// within spec.replicas + maxSurge, shrink the old ones while the available pods stay at or
// above spec.replicas − maxUnavailable — unhealthy old pods first, since removing them
// costs no availability.
import { deploymentComplete } from './progress.ts';
import { availableReplicas, byCreation, filterActive, maxUnavailable, newRSNewReplicas, specReplicas } from './replicas.ts';
import { syncRolloutStatus } from './status.ts';
import type { DeploymentSync } from './sync.ts';
import { replicasOf, type ReplicaSet } from './types.ts';

export async function rolloutRolling(s: DeploymentSync): Promise<void> {
  const { newRS: created, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(true);
  let newRS = created!;
  const allRSs = () => [...s.refresh(newRS, oldRSs).oldRSs, s.refresh(newRS, []).newRS];

  if (await reconcileNewReplicaSet(s, [...oldRSs, newRS], newRS)) {
    return syncRolloutStatus(s, allRSs(), s.refresh(newRS, []).newRS);
  }
  newRS = s.refresh(newRS, []).newRS!;
  if (await reconcileOldReplicaSets(s, filterActive(oldRSs), newRS)) {
    return syncRolloutStatus(s, allRSs(), newRS);
  }
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanupDeployment(s.refresh(newRS, oldRSs).oldRSs);
  return syncRolloutStatus(s, allRSs(), newRS);
}

async function reconcileNewReplicaSet(s: DeploymentSync, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const desired = replicasOf(s.d);
  const current = newRS.spec?.replicas ?? 0;
  if (current === desired) return false;
  if (current > desired) return (await s.scaleReplicaSetAndRecordEvent(newRS, desired)).scaled;
  return (await s.scaleReplicaSetAndRecordEvent(newRS, newRSNewReplicas(s.d, allRSs, newRS))).scaled;
}

async function reconcileOldReplicaSets(s: DeploymentSync, oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (specReplicas(oldRSs) === 0) return false; // nothing left to scale down
  const allPods = specReplicas([...oldRSs, newRS]);
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const newRSUnavailable = (newRS.spec?.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  // Not below minAvailable, counting the new ReplicaSet's unavailable pods as gone: a
  // broken new template must not eat into the old pods that still serve.
  const maxScaledDown = allPods - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const { oldRSs: cleaned, count: cleanedUp } = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSets(s, [...cleaned, newRS], cleaned);
  return cleanedUp + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: old ReplicaSets lose their unavailable pods first (oldest ReplicaSet first). */
async function cleanupUnhealthyReplicas(s: DeploymentSync, oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= maxCleanup) break;
    const size = rs.spec?.replicas ?? 0;
    const available = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size === available) continue;
    const count = Math.min(maxCleanup - total, size - available);
    const scaled = await s.scaleReplicaSetAndRecordEvent(rs, size - count);
    total += count;
    sorted[i] = scaled.rs;
  }
  return { oldRSs: sorted, count: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: as many as are available beyond minAvailable, oldest first. */
async function scaleDownOldReplicaSets(s: DeploymentSync, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const available = availableReplicas(allRSs);
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= toScaleDown) break;
    const size = rs.spec?.replicas ?? 0;
    if (size === 0) continue;
    const count = Math.min(size, toScaleDown - total);
    await s.scaleReplicaSetAndRecordEvent(rs, size - count);
    total += count;
  }
  return total;
}
