// NodeResourcesFit: the pod's requests must fit in what the node has left (allocatable
// minus the requests of the pods on it), for cpu, memory, ephemeral-storage, the pod count
// and extended resources. A request larger than the whole node's allocatable cannot be
// helped by preemption (unresolvable). As a score (LeastAllocated, weight 1): the mean over
// cpu and memory of the free fraction left after placing the pod, with the non-zero requests.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { MAX_NODE_SCORE, SUCCESS, type FilterPlugin, type NodeInfo, type Resources, type ScorePlugin, type Status } from '../framework.ts';
import { podInfo, type PodInfo } from '../pod-info.ts';

const KEY = 'PreFilterNodeResourcesFit';

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The request exceeds the node's whole allocatable. */
  unresolvable: boolean;
}

/** noderesources.Fits: what does not fit, in Kubernetes' order (pods, cpu, memory, ephemeral-storage, extended by name). */
export function insufficientResources(req: Resources, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.length + 1 > alloc.pods) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: node.pods.length, capacity: alloc.pods, unresolvable: false });
  }
  const check = (name: string, reason: string, r: number, u: number, a: number): void => {
    if (r > 0 && r > a - u) out.push({ resourceName: name, reason, requested: r, used: u, capacity: a, unresolvable: r > a });
  };
  check('cpu', 'Insufficient cpu', req.milliCPU, used.milliCPU, alloc.milliCPU);
  check('memory', 'Insufficient memory', req.memory, used.memory, alloc.memory);
  check('ephemeral-storage', 'Insufficient ephemeral-storage', req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage);
  const names = Object.keys(req.scalar);
  if (names.length) {
    names.sort();
    for (const name of names) check(name, `Insufficient ${name}`, req.scalar[name]!, used.scalar[name] ?? 0, alloc.scalar[name] ?? 0);
  }
  return out;
}

function fitStatus(req: Resources, node: NodeInfo): Status {
  // The common case without allocation.
  const a = node.allocatable;
  const u = node.requested;
  if (
    node.pods.length + 1 <= a.pods &&
    (req.milliCPU <= 0 || req.milliCPU <= a.milliCPU - u.milliCPU) &&
    (req.memory <= 0 || req.memory <= a.memory - u.memory) &&
    (req.ephemeralStorage <= 0 || req.ephemeralStorage <= a.ephemeralStorage - u.ephemeralStorage) &&
    isEmpty(req.scalar)
  ) {
    return SUCCESS;
  }
  const missing = insufficientResources(req, node);
  if (missing.length === 0) return SUCCESS;
  return {
    code: missing.some((m) => m.unresolvable) ? 'UnschedulableAndUnresolvable' : 'Unschedulable',
    reasons: missing.map((m) => m.reason),
  };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

const infoOf = (state: Map<string, unknown>, pod: Pod): PodInfo => (state.get(KEY) as PodInfo | undefined) ?? podInfo(pod);

/** LeastAllocated for one resource: (capacity − requested) × 100 / capacity, 0 when over. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export const nodeResourcesFit: FilterPlugin & ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  preFilter(state, pod) {
    state.set(KEY, podInfo(pod));
  },
  filter(state, pod, node) {
    return fitStatus(infoOf(state, pod).requests, node);
  },
  score(state, pod, node) {
    const info = infoOf(state, pod);
    const cpu = leastRequestedScore(node.nonZeroRequested.milliCPU + info.nonZeroMilliCPU, node.allocatable.milliCPU);
    const mem = leastRequestedScore(node.nonZeroRequested.memory + info.nonZeroMemory, node.allocatable.memory);
    return Math.trunc((cpu + mem) / 2);
  },
};
