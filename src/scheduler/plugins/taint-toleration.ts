// TaintToleration: a node's NoSchedule / NoExecute taints keep off every pod that does not
// tolerate them (this is also how not-ready and unreachable nodes are avoided: the node
// lifecycle controller taints them); as a score, fewer untolerated PreferNoSchedule taints
// is better (weight 3, normalized and reversed).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { SUCCESS, unresolvable, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import { defaultNormalizeScore, tolerates } from './helpers.ts';
import { MAX_NODE_SCORE } from '../framework.ts';

export const untoleratedTaintReason = (t: Taint): string => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;

const PRESCORE_KEY = 'PreScoreTaintToleration';

export const taintToleration: FilterPlugin & ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  filter(_state, pod, node) {
    const taints = node.node.spec?.taints;
    if (!taints || taints.length === 0) return SUCCESS;
    const tolerations = pod.spec?.tolerations;
    for (const t of taints) {
      if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
      if (!tolerates(tolerations, t)) return unresolvable(untoleratedTaintReason(t));
    }
    return SUCCESS;
  },
  preScore(state, pod) {
    // Only tolerations with an empty effect or PreferNoSchedule count here.
    const ts = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.set(PRESCORE_KEY, ts);
  },
  score(state, pod, node) {
    const taints = node.node.spec?.taints;
    if (!taints || taints.length === 0) return 0;
    const ts = (state.get(PRESCORE_KEY) as Toleration[] | undefined) ?? pod.spec?.tolerations ?? [];
    let n = 0;
    for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerates(ts, t)) n++;
    return n;
  },
  normalize(_state, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  },
};
