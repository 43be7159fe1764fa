// NodeResourcesBalancedAllocation (weight 1): prefers nodes whose cpu and memory would be
// used in equal fractions after placing the pod — (1 − standard deviation of the
// fractions) × 100, with the pods' actual requests (not the non-zero defaults).
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.ts';
import { podInfo } from '../pod-info.ts';

/** balancedResourceScorer over fractions requested/allocatable (capped at 1); resources with no allocatable are left out. */
export function balancedScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(1, requested[i]! / allocatable[i]!);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const nodeResourcesBalancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(_state, pod, node) {
    const r = podInfo(pod).requests;
    const a = node.allocatable;
    const cpuF = a.milliCPU === 0 ? -1 : Math.min(1, (node.requested.milliCPU + r.milliCPU) / a.milliCPU);
    const memF = a.memory === 0 ? -1 : Math.min(1, (node.requested.memory + r.memory) / a.memory);
    if (cpuF < 0 || memF < 0) return MAX_NODE_SCORE; // one fraction or none: no deviation
    return Math.trunc((1 - Math.abs((cpuF - memF) / 2)) * MAX_NODE_SCORE);
  },
};
