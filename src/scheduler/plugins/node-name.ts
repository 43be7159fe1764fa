// NodeName: a pod that names its node (spec.nodeName) fits that node only.
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework.ts';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  filter(_state, pod, node) {
    const want = pod.spec?.nodeName;
    return !want || want === node.name ? SUCCESS : unresolvable(ERR_REASON_NODE_NAME);
  },
};
