// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import type { Taint } from 'kubernetes-types/core/v1.js';
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework.ts';
import { tolerates } from './helpers.ts';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(_state, pod, node) {
    if (!node.node.spec?.unschedulable) return SUCCESS;
    if (tolerates(pod.spec?.tolerations, unschedulableTaint)) return SUCCESS;
    return unresolvable(ERR_REASON_UNSCHEDULABLE);
  },
};
