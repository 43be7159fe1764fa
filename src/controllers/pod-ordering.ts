// Which pods a ReplicaSet gives up first on scale-down (controller_utils.go
// ActivePodsWithRanks and replica_set.go getPodsToDelete), and the pod predicates the
// controllers share (IsPodActive, IsPodReady, IsPodAvailable).
import type { Pod } from 'kubernetes-types/core/v1.js';

type PodLike = Pick<Pod, 'spec' | 'status'> & { metadata: NonNullable<Pod['metadata']> };

/** controller.IsPodActive: not finished and not terminating. */
export const isPodActive = (pod: PodLike): boolean => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !pod.metadata.deletionTimestamp;

export const readyCondition = (pod: PodLike) => pod.status?.conditions?.find((c) => c.type === 'Ready');

/** podutil.IsPodReady: the Ready condition is True. */
export const isPodReady = (pod: PodLike): boolean => readyCondition(pod)?.status === 'True';

/** The pod-deletion-cost annotation (PodDeletionCost, on by default since 1.22); invalid values count as 0. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
export function deletionCost(pod: PodLike): number {
  const raw = pod.metadata.annotations?.[POD_DELETION_COST];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseOrdinal = (pod: PodLike) => PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;

const maxRestarts = (pod: PodLike) => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));

/** Milliseconds since the epoch, 0 for no time (Go's zero metav1.Time). */
const ms = (t: string | undefined): number => (t ? Date.parse(t) || 0 : 0);

const readyTime = (pod: PodLike): number => (isPodReady(pod) ? ms(readyCondition(pod)?.lastTransitionTime) : 0);

/** afterOrZero: a zero time first, then the later one. */
const afterOrZero = (t1: number, t2: number): boolean => (t1 === 0 || t2 === 0 ? t1 === 0 : t1 > t2);

/** logarithmicRankDiff: how many powers of two apart the two ages are (in nanoseconds, as Go's Duration). */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const d = (now - t) * 1e6;
    return d > 0 ? Math.floor(Math.log2(d)) : -1;
  };
  return rank(t1) - rank(t2);
}

/** Compares two times for deletion (rules 6 and 8): newer first, on a logarithmic scale (LogarithmicScaleDown, on by default). */
function newerFirst(t1: number, t2: number, uid1: string, uid2: string, now: number): boolean | undefined {
  if (t1 === t2) return undefined;
  if (t1 === 0 || t2 === 0) return afterOrZero(t1, t2);
  const diff = logarithmicRankDiff(t1, t2, now);
  if (diff === 0) return uid1 < uid2;
  return diff < 0;
}

export interface RankedPod<P extends PodLike> {
  pod: P;
  /** Active pods of the same (or a sibling) ReplicaSet on this pod's node. */
  rank: number;
}

/**
 * ActivePodsWithRanks.Less: whether `a` should be deleted before `b`.
 * 1. unassigned < assigned; 2. Pending < Unknown < Running; 3. not ready < ready;
 * 4. lower pod-deletion-cost first; 5. more colocated related pods first;
 * 6. ready for less time first; 7. more container restarts first; 8. newer first.
 */
export function deleteBefore<P extends PodLike>(a: RankedPod<P>, b: RankedPod<P>, now: number): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const [na, nb] = [pa.spec?.nodeName ?? '', pb.spec?.nodeName ?? ''];
  if (na !== nb && (na === '' || nb === '')) return na === '';
  if (phaseOrdinal(pa) !== phaseOrdinal(pb)) return phaseOrdinal(pa) < phaseOrdinal(pb);
  if (isPodReady(pa) !== isPodReady(pb)) return !isPodReady(pa);
  if (deletionCost(pa) !== deletionCost(pb)) return deletionCost(pa) < deletionCost(pb);
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (isPodReady(pa) && isPodReady(pb)) {
    const r = newerFirst(readyTime(pa), readyTime(pb), pa.metadata.uid ?? '', pb.metadata.uid ?? '', now);
    if (r !== undefined) return r;
  }
  if (maxRestarts(pa) !== maxRestarts(pb)) return maxRestarts(pa) > maxRestarts(pb);
  const r = newerFirst(ms(pa.metadata.creationTimestamp), ms(pb.metadata.creationTimestamp), pa.metadata.uid ?? '', pb.metadata.uid ?? '', now);
  return r ?? false;
}

/**
 * getPodsToDelete: the `count` pods of `pods` to delete first. Ranks count the active pods
 * of `related` (the pods of the ReplicaSet and of its siblings under the same controller)
 * on each pod's node, so a node running several copies gives one up first.
 */
export function podsToDelete<P extends PodLike>(pods: readonly P[], related: readonly PodLike[], count: number, now: number): P[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}
