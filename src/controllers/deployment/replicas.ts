// Replica arithmetic of a rollout (pkg/controller/deployment/util): maxSurge and
// maxUnavailable resolved against spec.replicas (surge rounds up, unavailable down, never
// both 0), the new ReplicaSet's next size, proportional shares when a Deployment is scaled
// mid-rollout, and the orderings Kubernetes sorts ReplicaSets by.
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, replicasOf, type Deployment, type ReplicaSet } from './types.ts';

export const isRollingUpdate = (d: Deployment): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** intstr.GetScaledValueFromIntOrPercent: an int as is, `25%` of `total` rounded up or down. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) value = '25%';
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const v = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(v) : Math.floor(v);
}

/** ResolveFenceposts: [maxSurge, maxUnavailable]; when both come to 0, one pod may be unavailable. */
export function resolveFenceposts(d: Deployment): [number, number] {
  const desired = replicasOf(d);
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d)[0] : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d)[1], desired);
}

// ---- counts over replica sets (nil-safe, as Kubernetes' helpers) ----

type MaybeRS = ReplicaSet | undefined | null;
const sum = (rss: MaybeRS[], f: (rs: ReplicaSet) => number | undefined) => rss.reduce((n, rs) => n + (rs ? (f(rs) ?? 0) : 0), 0);
/** Σ spec.replicas */
export const specReplicas = (rss: MaybeRS[]) => sum(rss, (rs) => rs.spec?.replicas ?? 0);
/** Σ status.replicas */
export const actualReplicas = (rss: MaybeRS[]) => sum(rss, (rs) => rs.status?.replicas);
export const readyReplicas = (rss: MaybeRS[]) => sum(rss, (rs) => rs.status?.readyReplicas);
export const availableReplicas = (rss: MaybeRS[]) => sum(rss, (rs) => rs.status?.availableReplicas);

export const filterActive = (rss: MaybeRS[]): ReplicaSet[] => rss.filter((rs): rs is ReplicaSet => !!rs && (rs.spec?.replicas ?? 0) > 0);

/** NewRSNewReplicas: how large the new ReplicaSet may be now. */
export function newRSNewReplicas(d: Deployment, allRSs: MaybeRS[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, replicasOf(d), true);
  const current = specReplicas(allRSs);
  const maxTotal = replicasOf(d) + surge;
  const newReplicas = newRS.spec?.replicas ?? 0;
  if (current >= maxTotal) return newReplicas; // cannot scale up
  const scaleUp = Math.min(maxTotal - current, replicasOf(d) - newReplicas);
  return newReplicas + scaleUp;
}

const intAnnotation = (rs: ReplicaSet, key: string): number | undefined => {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
};
export const desiredReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

/** Sets desired-replicas and max-replicas; true when either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** IsSaturated: the new ReplicaSet is at full size and fully available. */
export function isSaturated(d: Deployment, rs: MaybeRS): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  return replicasOf(rs) === replicasOf(d) && desired === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}

/** Go's math.Round: half away from zero. */
const round = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

/** getReplicaSetFraction: this ReplicaSet's share of a resize to spec.replicas + maxSurge. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const size = rs.spec?.replicas ?? 0;
  if (replicasOf(d) === 0) return -size;
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0; // nothing to be proportional to (Kubernetes would divide by zero)
  return round((size * deploymentReplicas) / annotated) - size;
}

/** GetProportion: how many replicas to add to (or remove from) `rs`, within what is left to distribute. */
export function getProportion(rs: MaybeRS, d: Deployment, toAdd: number, added: number): number {
  if (!rs || (rs.spec?.replicas ?? 0) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

// ---- orderings ----

const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export const byCreation = (a: ReplicaSet, b: ReplicaSet): number =>
  created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
/** ReplicaSetsBySizeOlder: larger first, then older first (scaling down). */
export const bySizeOlder = (a: ReplicaSet, b: ReplicaSet): number => (b.spec?.replicas ?? 0) - (a.spec?.replicas ?? 0) || byCreation(a, b);
/** ReplicaSetsBySizeNewer: larger first, then newer first (scaling up). */
export const bySizeNewer = (a: ReplicaSet, b: ReplicaSet): number => (b.spec?.replicas ?? 0) - (a.spec?.replicas ?? 0) || byCreation(b, a);

/** The revision annotation as a number (0 when absent or not a number). */
export function revisionOf(rs: ReplicaSet): number {
  const v = rs.metadata.annotations?.[REVISION_ANNOTATION];
  return v && /^\d+$/.test(v) ? Number(v) : 0;
}
/** ReplicaSetsByRevision: oldest revision first, then by creation. */
export const byRevision = (a: ReplicaSet, b: ReplicaSet): number => revisionOf(a) - revisionOf(b) || byCreation(a, b);
export const maxRevision = (rss: MaybeRS[]): number => rss.reduce((m, rs) => (rs ? Math.max(m, revisionOf(rs)) : m), 0);

/**
 * FindActiveOrLatest: the one ReplicaSet with pods (or, with none, the new one or else the
 * latest old one); undefined when several have pods.
 */
export function findActiveOrLatest(newRS: MaybeRS, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const latestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...latestFirst, newRS]);
  if (active.length === 0) return newRS ?? latestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}
