// PodTopologySpread: a pod's topologySpreadConstraints. DoNotSchedule ones filter — placing
// the pod must not make (matching pods in the node's domain + itself) − (the emptiest
// domain's count) exceed maxSkew; ScheduleAnyway ones score (weight 2), fewer matching pods
// in the node's domains scoring higher. A pod with no constraints at all gets the system
// defaults (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) over the pods of the same
// owner — kube-scheduler selects them by the owning Service / ReplicaSet / StatefulSet /
// ReplicationController's selectors; kubeql by default by the same controller owner (a
// ReplicaSet's pods), or by a selector the caller supplies.
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import {
  MAX_NODE_SCORE,
  SUCCESS,
  skip,
  unresolvable,
  unschedulable,
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type ScorePlugin,
  type Snapshot,
} from '../framework.ts';
import { podInfo } from '../pod-info.ts';
import { labelsOf, matchesLabels, podSelector, requiredNodeAffinityMatches, terminating } from './helpers.ts';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = "node(s) didn't match pod topology spread constraints (missing required label)";
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** Which pods a constraint counts. */
export type PodMatcher = (p: Pod) => boolean;

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains?: number;
  matches: PodMatcher;
  /** Set when `matches` is "the same controller owner": counted from a per-NodeInfo histogram instead. */
  ownerUID?: string;
  /** nodeAffinityPolicy Honor (the default): only nodes matching the pod's node affinity/selector count. */
  honorNodeAffinity: boolean;
  /** nodeTaintsPolicy Honor (default Ignore): only nodes whose taints the pod tolerates count. */
  honorNodeTaints: boolean;
}

/** The system default constraints (PodTopologySpreadArgs defaultingType System). */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly { topologyKey: string; maxSkew: number }[] = [
  { topologyKey: LABEL_HOSTNAME, maxSkew: 3 },
  { topologyKey: LABEL_ZONE, maxSkew: 5 },
];

/** Pods of the same controller owner (same namespace implied by the uid). */
export const sameControllerOwner = (pod: Pod): PodMatcher | undefined => {
  const uid = podInfo(pod).controllerUID;
  return uid ? (p) => podInfo(p).controllerUID === uid : undefined;
};

function toConstraint(pod: Pod, c: TopologySpreadConstraint): Constraint {
  const sel = podSelector(c.labelSelector);
  const podLabels = labelsOf(pod);
  // matchLabelKeys: the pod's own values for those keys join the selector.
  const extra = (c.matchLabelKeys ?? []).filter((k) => podLabels[k] !== undefined).map((k) => [k, podLabels[k]!] as const);
  const ns = pod.metadata?.namespace ?? 'default';
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    minDomains: c.minDomains,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorNodeTaints: c.nodeTaintsPolicy === 'Honor',
    matches: (p) => {
      if ((p.metadata?.namespace ?? 'default') !== ns || terminating(p)) return false;
      const l = labelsOf(p);
      for (const [k, v] of extra) if (l[k] !== v) return false;
      return matchesLabels(sel, l);
    },
  };
}

// Non-terminating pods per controller uid, once per pod list (NodeInfos are replaced, never mutated).
const ownerHistograms = new WeakMap<readonly Pod[], Map<string, number>>();
function ownerHistogram(pods: readonly Pod[]): Map<string, number> {
  let h = ownerHistograms.get(pods);
  if (!h) {
    h = new Map();
    for (const p of pods) {
      const uid = podInfo(p).controllerUID;
      if (uid && !terminating(p)) h.set(uid, (h.get(uid) ?? 0) + 1);
    }
    ownerHistograms.set(pods, h);
  }
  return h;
}

function countMatching(pods: readonly Pod[], c: Constraint): number {
  if (pods.length === 0) return 0;
  if (c.ownerUID !== undefined) return ownerHistogram(pods).get(c.ownerUID) ?? 0;
  let n = 0;
  for (const p of pods) if (c.matches(p)) n++;
  return n;
}

/**
 * Matching pods per domain of `topologyKey` over every node, for a same-owner constraint
 * counted on every node (no node affinity to honour): kept per node list and owner, and
 * brought up to date by the NodeInfos that changed since the last cycle (the scheduler's
 * cache replaces a NodeInfo when its pods change, and keeps its node list in place) —
 * consecutive pods of one ReplicaSet cost a pass of identity checks, not a count over
 * every pod in the cluster.
 */
interface DomainTotals {
  /** The NodeInfo counted at each index of the node list. */
  seen: (NodeInfo | undefined)[];
  /** Its domain and count, as counted. */
  domain: (string | undefined)[];
  count: number[];
  totals: Map<string, number>;
}
const domainTotalsByList = new WeakMap<readonly NodeInfo[], Map<string, DomainTotals>>();

function ownerDomainTotals(nodes: readonly NodeInfo[], c: Constraint & { ownerUID: string }): ReadonlyMap<string, number> {
  let byKey = domainTotalsByList.get(nodes);
  if (!byKey) domainTotalsByList.set(nodes, (byKey = new Map()));
  const key = `${c.ownerUID}\0${c.topologyKey}`;
  let t = byKey.get(key);
  if (!t) {
    if (byKey.size >= 64) byKey.delete(byKey.keys().next().value!); // owners scheduled long ago
    byKey.set(key, (t = { seen: [], domain: [], count: [], totals: new Map() }));
  } else {
    byKey.delete(key); // most recently used last
    byKey.set(key, t);
  }
  const { seen, domain, count, totals } = t;
  const add = (v: string | undefined, n: number) => {
    if (v !== undefined && n !== 0) totals.set(v, (totals.get(v) ?? 0) + n);
  };
  for (let i = nodes.length; i < seen.length; i++) add(domain[i], -count[i]!); // the list got shorter
  seen.length = domain.length = count.length = Math.min(seen.length, nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const ni = nodes[i]!;
    if (seen[i] === ni) continue;
    if (seen[i] !== undefined) add(domain[i], -count[i]!);
    const v = labelsOf(ni.node)[c.topologyKey];
    const n = v === undefined ? 0 : countMatching(ni.pods, c);
    seen[i] = ni;
    domain[i] = v;
    count[i] = n;
    add(v, n);
  }
  return totals;
}

const hasAllKeys = (labels: Readonly<Record<string, string>>, cs: readonly Constraint[]): boolean => cs.every((c) => labels[c.topologyKey] !== undefined);

function nodeCounts(pod: Pod, node: NodeInfo, c: Constraint): boolean {
  if (c.honorNodeAffinity && !requiredNodeAffinityMatches(pod, node.node)) return false;
  if (c.honorNodeTaints) {
    const tol = pod.spec?.tolerations ?? [];
    for (const t of node.node.spec?.taints ?? []) {
      if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
      if (
        !tol.some(
          (x) => (!x.effect || x.effect === t.effect) && (!x.key || x.key === t.key) && (x.operator === 'Exists' || (x.value ?? '') === (t.value ?? '')),
        )
      )
        return false;
    }
  }
  return true;
}

interface FilterState {
  constraints: Constraint[];
  /** per constraint: domain value → matching pods */
  counts: Map<string, number>[];
  /** per constraint: the smallest domain count (critical path) */
  min: number[];
}

interface ScoreState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  weights: number[];
  ignored: Set<string>;
}

const FILTER_KEY = 'PreFilterPodTopologySpread';
const SCORE_KEY = 'PreScorePodTopologySpread';

export interface PodTopologySpreadOptions {
  /** The pods the system default constraints spread against, for a pod without constraints; undefined: none. */
  defaultSelector?: (pod: Pod) => PodMatcher | undefined;
}

export function podTopologySpreadPlugin(options: PodTopologySpreadOptions = {}): FilterPlugin & ScorePlugin {
  const defaultSelector = options.defaultSelector ?? sameControllerOwner;
  const byOwner = options.defaultSelector === undefined;

  const preFilterState = (pod: Pod, snapshot: Snapshot): FilterState | undefined => {
    const constraints = (pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule').map((c) => toConstraint(pod, c));
    if (constraints.length === 0) return undefined;
    const counts = constraints.map(() => new Map<string, number>());
    for (const ni of snapshot.nodes) {
      const labels = labelsOf(ni.node);
      if (!hasAllKeys(labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!nodeCounts(pod, ni, c)) return;
        const v = labels[c.topologyKey]!;
        counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countMatching(ni.pods, c));
      });
    }
    const min = counts.map((m, i) => {
      const c = constraints[i]!;
      if (c.minDomains !== undefined && m.size < c.minDomains) return 0;
      let lo = Infinity;
      for (const v of m.values()) if (v < lo) lo = v;
      return lo === Infinity ? 0 : lo;
    });
    return { constraints, counts, min };
  };

  return {
    name: 'PodTopologySpread',
    weight: 2,
    preFilter(state, pod, snapshot) {
      const s = preFilterState(pod, snapshot);
      if (!s) return skip();
      state.set(FILTER_KEY, s);
    },
    filter(state, pod, node, snapshot) {
      const s = (state.get(FILTER_KEY) as FilterState | undefined) ?? preFilterState(pod, snapshot);
      if (!s) return SUCCESS;
      const labels = labelsOf(node.node);
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const v = labels[c.topologyKey];
        if (v === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const self = c.matches(pod) ? 1 : 0;
        const skew = (s.counts[i]!.get(v) ?? 0) + self - s.min[i]!;
        if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return SUCCESS;
    },
    preScore(state: CycleState, pod, filtered, snapshot) {
      const own = pod.spec?.topologySpreadConstraints ?? [];
      let constraints: Constraint[];
      let requireAllTopologies = true;
      if (own.length > 0) {
        constraints = own.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway').map((c) => toConstraint(pod, c));
      } else {
        const matches = defaultSelector(pod);
        if (!matches) return skip();
        const ns = pod.metadata?.namespace ?? 'default';
        const m: PodMatcher = (p) => (p.metadata?.namespace ?? 'default') === ns && !terminating(p) && matches(p);
        const ownerUID = byOwner ? podInfo(pod).controllerUID : undefined;
        constraints = SYSTEM_DEFAULT_CONSTRAINTS.map((d) => ({ ...d, matches: m, ownerUID, honorNodeAffinity: true, honorNodeTaints: false }));
        requireAllTopologies = false;
      }
      if (constraints.length === 0) return skip();
      const ignored = new Set<string>();
      const counts = constraints.map(() => new Map<string, number>());
      for (const ni of filtered) {
        const labels = labelsOf(ni.node);
        if (requireAllTopologies && !hasAllKeys(labels, constraints)) {
          ignored.add(ni.name);
          continue;
        }
        constraints.forEach((c, i) => {
          if (c.topologyKey === LABEL_HOSTNAME) return;
          const v = labels[c.topologyKey];
          if (v !== undefined && !counts[i]!.has(v)) counts[i]!.set(v, 0);
        });
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? filtered.length - ignored.size : counts[i]!.size) + 2));
      // Domain counts over every node (hostname counts are taken per node in score).
      const domainIdx: number[] = [];
      for (let i = 0; i < constraints.length; i++) if (counts[i]!.size > 0) domainIdx.push(i);
      const noNodeAffinity = !pod.spec?.nodeSelector && !pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (!requireAllTopologies && noNodeAffinity) {
        // the system defaults over a controller's pods: every node counts, totals kept between cycles
        for (let d = domainIdx.length - 1; d >= 0; d--) {
          const i = domainIdx[d]!;
          const c = constraints[i]!;
          if (c.ownerUID === undefined || c.honorNodeTaints) continue;
          const totals = ownerDomainTotals(snapshot.nodes, c as Constraint & { ownerUID: string });
          const m = counts[i]!;
          for (const v of m.keys()) m.set(v, totals.get(v) ?? 0);
          domainIdx.splice(d, 1);
        }
      }
      if (domainIdx.length > 0) {
        const nodes = snapshot.nodes;
        for (let n = 0; n < nodes.length; n++) {
          const ni = nodes[n]!;
          if (ni.pods.length === 0) continue;
          const labels = labelsOf(ni.node);
          if (requireAllTopologies && !hasAllKeys(labels, constraints)) continue;
          for (const i of domainIdx) {
            const c = constraints[i]!;
            const v = labels[c.topologyKey];
            if (v === undefined) continue;
            const m = counts[i]!;
            const cur = m.get(v);
            if (cur === undefined) continue;
            if (!(noNodeAffinity && !c.honorNodeTaints) && !nodeCounts(pod, ni, c)) continue;
            const k = countMatching(ni.pods, c);
            if (k) m.set(v, cur + k);
          }
        }
      }
      const s: ScoreState = { constraints, counts, weights, ignored };
      state.set(SCORE_KEY, s);
    },
    score(state, _pod, node) {
      const s = state.get(SCORE_KEY) as ScoreState | undefined;
      if (!s || s.ignored.has(node.name)) return 0;
      const labels = labelsOf(node.node);
      let score = 0;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const v = labels[c.topologyKey];
        if (v === undefined) continue;
        const cnt = c.topologyKey === LABEL_HOSTNAME ? countMatching(node.pods, c) : (s.counts[i]!.get(v) ?? 0);
        score += cnt * s.weights[i]! + (c.maxSkew - 1);
      }
      return Math.round(score);
    },
    normalize(state, _pod, scores) {
      const s = state.get(SCORE_KEY) as ScoreState | undefined;
      if (!s) return;
      let min = Infinity;
      let max = 0;
      for (const [name, v] of scores) {
        if (s.ignored.has(name)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      for (const [name, v] of scores) {
        if (s.ignored.has(name)) scores.set(name, 0);
        else if (max === 0) scores.set(name, MAX_NODE_SCORE);
        else scores.set(name, Math.trunc((MAX_NODE_SCORE * (max + min - v)) / max));
      }
    },
  };
}

export const podTopologySpread = podTopologySpreadPlugin();
