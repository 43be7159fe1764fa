// NodeAffinity: spec.nodeSelector and required node affinity as a filter (preemption
// cannot help, hence unresolvable); preferred node affinity as a score — the sum of the
// weights of the matching terms, normalized by the highest (weight 2).
import type { PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import { MAX_NODE_SCORE, SUCCESS, skip, unresolvable, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import { defaultNormalizeScore, nodeSelectorTermMatches, requiredNodeAffinityMatches } from './helpers.ts';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: FilterPlugin & ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  preFilter(_state, pod) {
    if (!pod.spec?.nodeSelector && !pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) return skip();
  },
  filter(_state, pod, node) {
    return requiredNodeAffinityMatches(pod, node.node) ? SUCCESS : unresolvable(ERR_REASON_NODE_AFFINITY);
  },
  preScore(_state, pod) {
    if (!pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length) return skip();
  },
  score(_state, pod, node) {
    const terms: readonly PreferredSchedulingTerm[] = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    let sum = 0;
    for (const t of terms) {
      if (!t.weight) continue;
      const p = t.preference ?? {};
      // An empty preference matches every node.
      const empty = !p.matchExpressions?.length && !p.matchFields?.length;
      if (empty || nodeSelectorTermMatches(p, node.node)) sum += t.weight;
    }
    return sum;
  },
  normalize(_state, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  },
};
