// framework.NodeInfo: a node and the pods placed on it, with their summed requests, used
// host ports and the node's images. Built once from a node and its pods, then kept up to
// date by addPod / removePod, each returning a new NodeInfo and sharing what did not
// change (snapshots taken earlier stay valid); a changed Node object is built anew.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo, Resources } from './framework.ts';
import { podInfo, podKey } from './pod-info.ts';
import { addResources, emptyResources, resourcesOf } from './resources.ts';

/** A NodeInfo with the counts the scheduler's hot paths read without walking its pods. */
export interface NodeInfoImpl extends NodeInfo {
  /** Pods with pod (anti-)affinity terms, required or preferred. */
  readonly podsWithAffinity: number;
  readonly podsWithRequiredAntiAffinity: number;
}

/** How many pods with (required anti-)affinity a NodeInfo holds (0 for NodeInfos built elsewhere without the counts). */
export const affinityPodCount = (ni: NodeInfo): number => (ni as Partial<NodeInfoImpl>).podsWithAffinity ?? countPods(ni, (p) => podInfo(p).hasAffinity);
export const requiredAntiAffinityPodCount = (ni: NodeInfo): number =>
  (ni as Partial<NodeInfoImpl>).podsWithRequiredAntiAffinity ?? countPods(ni, (p) => podInfo(p).hasRequiredAntiAffinity);

function countPods(ni: NodeInfo, f: (p: Pod) => boolean): number {
  let n = 0;
  for (const p of ni.pods) if (f(p)) n++;
  return n;
}

/** Node allocatable: status.allocatable, else status.capacity. */
export function allocatableOf(node: Node): Resources {
  return resourcesOf((node.status?.allocatable ?? node.status?.capacity) as Record<string, unknown> | undefined);
}

/** status.images: every name of every image → its size in bytes. */
export function imagesOf(node: Node): Map<string, number> {
  const images = new Map<string, number>();
  for (const img of node.status?.images ?? []) {
    for (const name of img.names ?? []) images.set(name, img.sizeBytes ?? 0);
  }
  return images;
}

/** A NodeInfo for `node` holding `pods` (bound or assumed, not terminated: the caller filters). */
export function nodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfoImpl {
  const requested = emptyResources();
  const nonZeroRequested = emptyResources();
  const usedPorts = new Set<string>();
  let podsWithAffinity = 0;
  let podsWithRequiredAntiAffinity = 0;
  for (const pod of pods) {
    const info = podInfo(pod);
    addInto(requested, info.requests);
    nonZeroRequested.milliCPU += info.nonZeroMilliCPU;
    nonZeroRequested.memory += info.nonZeroMemory;
    nonZeroRequested.pods += 1;
    for (const p of info.hostPorts) usedPorts.add(p);
    if (info.hasAffinity) podsWithAffinity++;
    if (info.hasRequiredAntiAffinity) podsWithRequiredAntiAffinity++;
  }
  return {
    name: node.metadata?.name ?? '',
    node,
    pods: [...pods],
    allocatable: allocatableOf(node),
    requested,
    nonZeroRequested,
    usedPorts,
    images: imagesOf(node),
    podsWithAffinity,
    podsWithRequiredAntiAffinity,
  };
}

function addInto(a: Resources, b: Resources): void {
  a.milliCPU += b.milliCPU;
  a.memory += b.memory;
  a.ephemeralStorage += b.ephemeralStorage;
  a.pods += b.pods;
  for (const k in b.scalar) a.scalar[k] = (a.scalar[k] ?? 0) + b.scalar[k]!;
}

/** The NodeInfo with `pod` added (as NodeInfo.AddPod). O(pods on the node). */
export function addPod(ni: NodeInfo, pod: Pod): NodeInfoImpl {
  const info = podInfo(pod);
  let usedPorts = ni.usedPorts;
  if (info.hostPorts.length) {
    const s = new Set(ni.usedPorts);
    for (const p of info.hostPorts) s.add(p);
    usedPorts = s;
  }
  return {
    name: ni.name,
    node: ni.node,
    pods: [...ni.pods, pod],
    allocatable: ni.allocatable,
    requested: addResources(ni.requested, info.requests),
    nonZeroRequested: {
      ...ni.nonZeroRequested,
      milliCPU: ni.nonZeroRequested.milliCPU + info.nonZeroMilliCPU,
      memory: ni.nonZeroRequested.memory + info.nonZeroMemory,
      pods: ni.nonZeroRequested.pods + 1,
    },
    usedPorts,
    images: ni.images,
    podsWithAffinity: affinityPodCount(ni) + (info.hasAffinity ? 1 : 0),
    podsWithRequiredAntiAffinity: requiredAntiAffinityPodCount(ni) + (info.hasRequiredAntiAffinity ? 1 : 0),
  };
}

/** The NodeInfo without the pod of the same uid (else namespace/name); the same NodeInfo when it is not there. */
export function removePod(ni: NodeInfo, pod: Pod): NodeInfo {
  const key = podKey(pod);
  const i = ni.pods.findIndex((p) => podKey(p) === key);
  if (i < 0) return ni;
  const gone = ni.pods[i]!;
  const info = podInfo(gone);
  const pods = ni.pods.filter((_, j) => j !== i);
  let usedPorts = ni.usedPorts;
  if (info.hostPorts.length) {
    const s = new Set<string>();
    for (const p of pods) for (const hp of podInfo(p).hostPorts) s.add(hp);
    usedPorts = s;
  }
  const result: NodeInfoImpl = {
    name: ni.name,
    node: ni.node,
    pods,
    allocatable: ni.allocatable,
    requested: addResources(ni.requested, info.requests, -1),
    nonZeroRequested: {
      ...ni.nonZeroRequested,
      milliCPU: ni.nonZeroRequested.milliCPU - info.nonZeroMilliCPU,
      memory: ni.nonZeroRequested.memory - info.nonZeroMemory,
      pods: ni.nonZeroRequested.pods - 1,
    },
    usedPorts,
    images: ni.images,
    podsWithAffinity: affinityPodCount(ni) - (info.hasAffinity ? 1 : 0),
    podsWithRequiredAntiAffinity: requiredAntiAffinityPodCount(ni) - (info.hasRequiredAntiAffinity ? 1 : 0),
  };
  return result;
}
