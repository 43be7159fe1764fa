// InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, and the
// required anti-affinity of the pods already placed (symmetry), counted per topology pair
// (topologyKey, value) once per cycle in PreFilter; preferred terms of both sides (and the
// existing pods' required affinity, at hardPodAffinityWeight 1) as a score (weight 2),
// min-max normalized. Does nothing when neither the pod nor any placed pod has terms.
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { MAX_NODE_SCORE, SUCCESS, skip, unresolvable, unschedulable, type FilterPlugin, type NodeInfo, type ScorePlugin, type Snapshot } from '../framework.ts';
import { podInfo } from '../pod-info.ts';
import { labelsOf, matchesLabels, podSelector, type LabelSelector } from './helpers.ts';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
/** InterPodAffinityArgs.hardPodAffinityWeight's default. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

interface Term {
  topologyKey: string;
  selector: LabelSelector;
  /** Namespaces named (or the owner's own); undefined with a namespaceSelector that selects every namespace. */
  namespaces?: ReadonlySet<string>;
  namespaceSelector?: LabelSelector;
  weight: number;
}

interface Terms {
  requiredAffinity: Term[];
  requiredAntiAffinity: Term[];
  preferredAffinity: Term[];
  preferredAntiAffinity: Term[];
}

const termsCache = new WeakMap<Pod, Terms>();

function toTerm(owner: Pod, t: PodAffinityTerm, weight: number): Term {
  const own = owner.metadata?.namespace ?? 'default';
  const named = t.namespaces ?? [];
  const nsSel = t.namespaceSelector;
  const allNamespaces = nsSel != null && !nsSel.matchLabels && !nsSel.matchExpressions?.length;
  return {
    topologyKey: t.topologyKey,
    selector: podSelector(t.labelSelector),
    namespaces: allNamespaces ? undefined : new Set(named.length === 0 && nsSel == null ? [own] : named),
    namespaceSelector: nsSel != null && !allNamespaces ? podSelector(nsSel) : undefined,
    weight,
  };
}

export function termsOf(pod: Pod): Terms {
  let t = termsCache.get(pod);
  if (!t) {
    const a = pod.spec?.affinity;
    const weighted = (ws: readonly WeightedPodAffinityTerm[] | undefined): Term[] =>
      (ws ?? []).filter((w) => w.weight).map((w) => toTerm(pod, w.podAffinityTerm, w.weight));
    t = {
      requiredAffinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((x) => toTerm(pod, x, 0)),
      requiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((x) => toTerm(pod, x, 0)),
      preferredAffinity: weighted(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
      preferredAntiAffinity: weighted(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    };
    termsCache.set(pod, t);
  }
  return t;
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match. */
function termMatches(t: Term, pod: Pod, snapshot: Snapshot): boolean {
  const ns = pod.metadata?.namespace ?? 'default';
  let inNs = t.namespaces === undefined || t.namespaces.has(ns);
  if (!inNs && t.namespaceSelector) {
    const nsLabels = (snapshot as Snapshot & { namespaceLabels?(ns: string): Record<string, string> | undefined }).namespaceLabels?.(ns);
    inNs = nsLabels !== undefined && matchesLabels(t.namespaceSelector, nsLabels);
  }
  return inNs && matchesLabels(t.selector, labelsOf(pod));
}

const pair = (key: string, value: string): string => `${key}\u0000${value}`;
const inc = (m: Map<string, number>, k: string, by = 1): void => {
  m.set(k, (m.get(k) ?? 0) + by);
};

interface FilterState {
  terms: Terms;
  existingAnti: Map<string, number>;
  affinity: Map<string, number>;
  anti: Map<string, number>;
}

const FILTER_KEY = 'PreFilterInterPodAffinity';
const SCORE_KEY = 'PreScoreInterPodAffinity';

function preFilterState(pod: Pod, snapshot: Snapshot): FilterState | undefined {
  const terms = termsOf(pod);
  const antiNodes = snapshot.nodesWithRequiredAntiAffinityPods ?? snapshot.nodesWithAffinityPods;
  const required = terms.requiredAffinity.length > 0 || terms.requiredAntiAffinity.length > 0;
  if (!required && antiNodes.length === 0) return undefined;
  const existingAnti = new Map<string, number>();
  for (const ni of antiNodes) {
    const labels = labelsOf(ni.node);
    for (const p of ni.pods) {
      if (!podInfo(p).hasRequiredAntiAffinity) continue;
      for (const t of termsOf(p).requiredAntiAffinity) {
        const v = labels[t.topologyKey];
        if (v !== undefined && termMatches(t, pod, snapshot)) inc(existingAnti, pair(t.topologyKey, v));
      }
    }
  }
  const affinity = new Map<string, number>();
  const anti = new Map<string, number>();
  if (required) {
    for (const ni of snapshot.nodes) {
      const labels = labelsOf(ni.node);
      for (const p of ni.pods) {
        if (terms.requiredAffinity.length && terms.requiredAffinity.every((t) => termMatches(t, p, snapshot))) {
          for (const t of terms.requiredAffinity) {
            const v = labels[t.topologyKey];
            if (v !== undefined) inc(affinity, pair(t.topologyKey, v));
          }
        }
        for (const t of terms.requiredAntiAffinity) {
          const v = labels[t.topologyKey];
          if (v !== undefined && termMatches(t, p, snapshot)) inc(anti, pair(t.topologyKey, v));
        }
      }
    }
  }
  return { terms, existingAnti, affinity, anti };
}

function satisfiesPodAffinity(s: FilterState, pod: Pod, node: NodeInfo, snapshot: Snapshot): boolean {
  const labels = labelsOf(node.node);
  let podsExist = true;
  for (const t of s.terms.requiredAffinity) {
    const v = labels[t.topologyKey];
    if (v === undefined) return false;
    if ((s.affinity.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when no pod matches yet and it matches its own terms.
  return s.affinity.size === 0 && s.terms.requiredAffinity.every((t) => termMatches(t, pod, snapshot));
}

export const interPodAffinity: FilterPlugin & ScorePlugin = {
  name: 'InterPodAffinity',
  weight: 2,
  preFilter(state, pod, snapshot) {
    const s = preFilterState(pod, snapshot);
    if (!s) return skip();
    state.set(FILTER_KEY, s);
  },
  filter(state, pod, node, snapshot) {
    const s = (state.get(FILTER_KEY) as FilterState | undefined) ?? preFilterState(pod, snapshot);
    if (!s) return SUCCESS;
    if (!satisfiesPodAffinity(s, pod, node, snapshot)) return unresolvable(ERR_REASON_AFFINITY);
    const labels = labelsOf(node.node);
    for (const t of s.terms.requiredAntiAffinity) {
      const v = labels[t.topologyKey];
      if (v !== undefined && (s.anti.get(pair(t.topologyKey, v)) ?? 0) > 0) return unschedulable(ERR_REASON_ANTI_AFFINITY);
    }
    if (s.existingAnti.size) {
      for (const k in labels) if ((s.existingAnti.get(pair(k, labels[k]!)) ?? 0) > 0) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    }
    return SUCCESS;
  },
  preScore(state, pod, _nodes, snapshot) {
    const terms = termsOf(pod);
    const hasPreferred = terms.preferredAffinity.length > 0 || terms.preferredAntiAffinity.length > 0;
    const nodes = hasPreferred ? snapshot.nodes : snapshot.nodesWithAffinityPods;
    if (nodes.length === 0) return skip();
    const score = new Map<string, Map<string, number>>();
    const add = (key: string, value: string | undefined, w: number): void => {
      if (value === undefined || w === 0) return;
      let m = score.get(key);
      if (!m) score.set(key, (m = new Map()));
      m.set(value, (m.get(value) ?? 0) + w);
    };
    for (const ni of nodes) {
      const labels = labelsOf(ni.node);
      for (const p of ni.pods) {
        const pi = podInfo(p);
        if (!hasPreferred && !pi.hasAffinity) continue;
        for (const t of terms.preferredAffinity) if (termMatches(t, p, snapshot)) add(t.topologyKey, labels[t.topologyKey], t.weight);
        for (const t of terms.preferredAntiAffinity) if (termMatches(t, p, snapshot)) add(t.topologyKey, labels[t.topologyKey], -t.weight);
        if (!pi.hasAffinity) continue;
        const et = termsOf(p);
        for (const t of et.requiredAffinity) if (termMatches(t, pod, snapshot)) add(t.topologyKey, labels[t.topologyKey], HARD_POD_AFFINITY_WEIGHT);
        for (const t of et.preferredAffinity) if (termMatches(t, pod, snapshot)) add(t.topologyKey, labels[t.topologyKey], t.weight);
        for (const t of et.preferredAntiAffinity) if (termMatches(t, pod, snapshot)) add(t.topologyKey, labels[t.topologyKey], -t.weight);
      }
    }
    if (score.size === 0) return skip();
    state.set(SCORE_KEY, score);
  },
  score(state, _pod, node) {
    const score = state.get(SCORE_KEY) as Map<string, Map<string, number>> | undefined;
    if (!score) return 0;
    const labels = labelsOf(node.node);
    let s = 0;
    for (const [key, values] of score) {
      const v = labels[key];
      if (v !== undefined) s += values.get(v) ?? 0;
    }
    return s;
  },
  normalize(_state, _pod, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores.values()) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (const [k, s] of scores) scores.set(k, diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s - min) / diff)) : 0);
  },
};
