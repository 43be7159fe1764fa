// The Deployment's status and conditions (sync.go calculateStatus, progress.go and
// util's condition helpers): counters summed over its ReplicaSets, `Available` against
// spec.replicas − maxUnavailable, and `Progressing`, whose lastUpdateTime moves whenever
// the rollout makes progress and which turns False (ProgressDeadlineExceeded) once it has
// not moved for progressDeadlineSeconds.
//
// Time: Kubernetes compares lastUpdateTime with the wall clock. kubeql's timestamps are
// wall-clock too, but its waits are cluster time (--time-scale), so the deadline is
// measured on the cluster clock from when this controller noted the progress (or, for a
// condition it did not write — another instance, before a restart — from its timestamp,
// at the wall clock's pace, never faster than Kubernetes would).
import { isDeepStrictEqual } from 'node:util';
import { timestamp, type Clock } from '../../apimachinery/clock.ts';
import type { Result } from '../../client/controller.ts';
import { availableReplicas, actualReplicas, maxUnavailable, readyReplicas, specReplicas } from './replicas.ts';
import { Reason, replicasOf, type Deployment, type DeploymentCondition, type DeploymentStatus, type ReplicaSet } from './types.ts';

type ConditionType = 'Available' | 'Progressing' | 'ReplicaFailure';
type ConditionStatus = 'True' | 'False' | 'Unknown';

export function newCondition(clock: Clock, type: ConditionType, status: ConditionStatus, reason: string, message: string): DeploymentCondition {
  const now = timestamp(clock.now());
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export const getCondition = (status: DeploymentStatus | undefined, type: ConditionType): DeploymentCondition | undefined =>
  status?.conditions?.find((c) => c.type === type);

/**
 * SetDeploymentCondition: the same status and reason is left alone; the same status with
 * another reason keeps lastTransitionTime.
 */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type as ConditionType);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  if (current && current.status === condition.status) condition.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), condition];
}

export function removeCondition(status: DeploymentStatus, type: ConditionType): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** HasProgressDeadline: set and not MaxInt32 ("never"). */
export const hasProgressDeadline = (d: Deployment): boolean => d.spec?.progressDeadlineSeconds != null && d.spec.progressDeadlineSeconds !== 2147483647;

/** calculateStatus */
export function calculateStatus(clock: Clock, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const unavailable = Math.max(0, specReplicas(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    collisionCount: d.status?.collisionCount,
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(clock, 'Available', 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.'));
  } else {
    setCondition(status, newCondition(clock, 'Available', 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.'));
  }
  return status;
}

/** A status as Kubernetes serialises it: zero counters and empty lists omitted. */
export function cleanStatus(status: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status)) {
    if (v === undefined || v === null || v === 0 || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as DeploymentStatus;
}

export const statusEqual = (a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean =>
  isDeepStrictEqual(cleanStatus(a ?? {}), cleanStatus(b ?? {}));

/** DeploymentComplete: every replica updated and available, and this generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = replicasOf(d);
  return (
    (s.updatedReplicas ?? 0) === n && (s.replicas ?? 0) === n && (s.availableReplicas ?? 0) === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than last time. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** When each Deployment's Progressing condition last moved, on the cluster clock. */
export class ProgressClock {
  private readonly marks = new Map<string, { stamp: string; at: number }>();

  constructor(private readonly clock: Clock) {}

  /** This controller has just written `condition` (progress noted now). */
  noted(d: Deployment, condition: DeploymentCondition | undefined): void {
    if (condition?.lastUpdateTime) this.marks.set(d.metadata.uid, { stamp: condition.lastUpdateTime, at: this.clock.monotonic() });
  }

  /** Cluster time since `condition` last moved. */
  elapsedMs(d: Deployment, condition: DeploymentCondition): number {
    const stamp = condition.lastUpdateTime ?? '';
    const mark = this.marks.get(d.metadata.uid);
    if (mark && mark.stamp === stamp) return this.clock.monotonic() - mark.at;
    const wall = Math.max(0, this.clock.now().getTime() - (Date.parse(stamp) || this.clock.now().getTime()));
    this.marks.set(d.metadata.uid, { stamp, at: this.clock.monotonic() - wall });
    return wall;
  }

  forget(uid: string): void {
    this.marks.delete(uid);
  }
}

/** DeploymentTimedOut */
export function deploymentTimedOut(progress: ProgressClock, d: Deployment, s: DeploymentStatus): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(s, 'Progressing');
  if (!condition) return false;
  if (condition.reason === Reason.NewReplicaSetAvailable) return false;
  if (condition.reason === Reason.ProgressDeadlineExceeded) return true;
  return progress.elapsedMs(d, condition) > d.spec!.progressDeadlineSeconds! * 1000;
}

/** The Progressing condition a sync computed, and whether it records progress made now. */
export interface RolloutStatus {
  status: DeploymentStatus;
  progressed: boolean;
}

/** syncRolloutStatus's computation (progress.go): the status to write. */
export function rolloutStatus(
  clock: Clock,
  progress: ProgressClock,
  allRSs: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
): RolloutStatus {
  const status = calculateStatus(clock, allRSs, newRS, d);
  let progressed = false;
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition(clock, 'Progressing', 'True', Reason.NewReplicaSetAvailable, `${subject} has successfully progressed.`));
      progressed = true;
    } else if (deploymentProgressing(d, status)) {
      // Progress moves lastUpdateTime even when the reason stays (hence not setCondition's rule).
      const condition = newCondition(clock, 'Progressing', 'True', Reason.ReplicaSetUpdated, `${subject} is progressing.`);
      if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, condition);
      progressed = true;
    } else if (deploymentTimedOut(progress, d, status)) {
      setCondition(status, newCondition(clock, 'Progressing', 'False', Reason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`));
    }
  }
  // ReplicaFailure conditions of the ReplicaSets (the new one's first) become the Deployment's.
  const failures = [newRS, ...allRSs].flatMap((rs) => (rs?.status?.conditions ?? []).filter((c) => c.type === 'ReplicaFailure'));
  if (failures.length) {
    const c = failures[0];
    setCondition(status, {
      type: 'ReplicaFailure',
      status: c.status,
      lastUpdateTime: c.lastTransitionTime,
      lastTransitionTime: c.lastTransitionTime,
      reason: c.reason,
      message: c.message,
    });
  } else {
    removeCondition(status, 'ReplicaFailure');
  }
  return { status, progressed };
}

/**
 * requeueStuckDeployment: when to look again at a rollout that made no progress this
 * time, so that it times out on time. undefined: no need.
 */
export function requeueStuck(progress: ProgressClock, d: Deployment, status: DeploymentStatus): Result | undefined {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, status) || current.reason === Reason.ProgressDeadlineExceeded) return undefined;
  const after = d.spec!.progressDeadlineSeconds! * 1000 - progress.elapsedMs(d, current);
  if (after < 1000) return { requeue: true };
  return { requeueAfterMs: after + 1000 }; // a second more, as Kubernetes, against skew
}
