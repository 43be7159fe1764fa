// Taints and tolerations (k8s.io/api/core/v1's Toleration.ToleratesTaint): one
// implementation for the scheduler's TaintToleration plugin, node lifecycle's NoExecute
// eviction and, later, the DaemonSet controller — two copies once disagreed on
// `operator: ""`, so the scheduler placed pods that node lifecycle then evicted.
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

/** Does the toleration tolerate the taint? An empty operator is Equal, an empty key or effect matches all. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator) {
    case undefined:
    case null:
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Does any of the tolerations tolerate the taint? */
export const tolerates = (tolerations: readonly Toleration[] | undefined, taint: Taint): boolean =>
  tolerations !== undefined && tolerations.some((t) => toleratesTaint(t, taint));
