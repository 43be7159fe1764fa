// ImageLocality (weight 1): prefers nodes that already hold the pod's images, by their size
// scaled by how widely the image is spread (an image on every node says little), between
// 23 MB and 1000 MB per container.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { MAX_NODE_SCORE, type NodeInfo, type ScorePlugin, type Snapshot } from '../framework.ts';

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** normalizedImageName: an image without a tag is `:latest`. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

export function imageLocalityScore(pod: Pod, node: NodeInfo, snapshot: Snapshot): number {
  const init = pod.spec?.initContainers ?? [];
  const regular = pod.spec?.containers ?? [];
  const total = snapshot.nodes.length;
  let sum = 0;
  if (node.images.size > 0) {
    for (const list of [init, regular]) {
      for (const c of list) {
        if (!c.image) continue;
        const name = normalizedImageName(c.image);
        const size = node.images.get(name) ?? (name !== c.image ? node.images.get(c.image) : undefined);
        if (size === undefined) continue;
        const spread = snapshot.imageNodeCount(node.images.has(name) ? name : c.image) / total;
        sum += Math.trunc(size * spread);
      }
    }
  }
  const maxThreshold = MAX_CONTAINER_THRESHOLD * (init.length + regular.length);
  if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
  else if (sum > maxThreshold) sum = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export const imageLocality: ScorePlugin = {
  name: 'ImageLocality',
  weight: 1,
  score: (_state, pod, node, snapshot) => imageLocalityScore(pod, node, snapshot),
};
