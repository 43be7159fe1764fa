// What several plugins share: toleration matching (v1.Toleration.ToleratesTaint), node
// selector terms (component-helpers' nodeaffinity), and pod label selectors
// (metav1.LabelSelectorAsSelector, with a selector that cannot be parsed matching nothing).
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';
import type { LabelSelector as LabelSelectorObject } from 'kubernetes-types/meta/v1.js';
import { labelSelectorFromObject, matchesLabels, nothing, type LabelSelector } from '../../apimachinery/labels.ts';

export { toleratesTaint, tolerates } from '../../apis/taints.ts';

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
export const labelsOf = (o: { metadata?: { labels?: Record<string, string> } } | undefined): Readonly<Record<string, string>> => o?.metadata?.labels ?? EMPTY;

/** One NodeSelectorRequirement against a set of labels (or fields). Invalid requirements match nothing. */
function requirementMatches(r: NodeSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = has ? labels[r.key]! : undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(v!);
    case 'NotIn':
      return !has || !values.includes(v!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const lv = toInt(v!);
      const rv = toInt(values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'Gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

const toInt = (s: string): bigint | undefined => (/^[+-]?\d+$/.test(s) ? BigInt(s) : undefined);

/** A NodeSelectorTerm: its matchExpressions (labels) and matchFields (metadata.name) ANDed; an empty term matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = labelsOf(node);
  for (const r of exprs) if (!requirementMatches(r, labels)) return false;
  if (fields.length) {
    const f = { 'metadata.name': node.metadata?.name ?? '' };
    for (const r of fields) {
      // Only metadata.name is a supported field, with In / NotIn.
      if (r.key !== 'metadata.name' || (r.operator !== 'In' && r.operator !== 'NotIn')) return false;
      if (!requirementMatches(r, f)) return false;
    }
  }
  return true;
}

/** The pod's required node affinity: spec.nodeSelector AND (any of the required nodeSelectorTerms). */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const sel = pod.spec?.nodeSelector;
  if (sel) {
    const labels = labelsOf(node);
    for (const k in sel) if (labels[k] !== sel[k]) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return (required.nodeSelectorTerms ?? []).some((t) => nodeSelectorTermMatches(t, node));
  return true;
}

/** metav1.LabelSelectorAsSelector; an invalid selector matches nothing (the scheduler cannot report it). */
export function podSelector(sel: LabelSelectorObject | null | undefined): LabelSelector {
  try {
    return labelSelectorFromObject(sel as Parameters<typeof labelSelectorFromObject>[0]);
  } catch {
    return nothing;
  }
}

export { matchesLabels, type LabelSelector };

/** A pod that is being deleted (counts neither for spreading nor for affinity scoring in some plugins). */
export const terminating = (p: Pod): boolean => !!p.metadata?.deletionTimestamp;

/** DefaultNormalizeScore: maps raw scores onto 0–max by the highest one, reversed when asked. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: Map<string, number>): void {
  let max = 0;
  for (const s of scores.values()) if (s > max) max = s;
  if (max === 0) {
    if (reverse) for (const k of scores.keys()) scores.set(k, maxPriority);
    return;
  }
  for (const [k, s] of scores) {
    let v = Math.trunc((maxPriority * s) / max);
    if (reverse) v = maxPriority - v;
    scores.set(k, v);
  }
}
