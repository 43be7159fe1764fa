// framework.Snapshot: the cluster as one scheduling cycle sees it. snapshotOf builds one in
// O(nodes); snapshotWith replaces one node's NodeInfo (after an assumed pod, or for
// preemption's what-if) sharing the name index, so the cache can keep a snapshot current
// cheaply between cycles.
import type { NodeInfo, Snapshot } from './framework.ts';
import { affinityPodCount, requiredAntiAffinityPodCount } from './node-info.ts';

class SnapshotImpl implements Snapshot {
  private imageCounts?: Map<string, number>;
  private affinity?: readonly NodeInfo[];
  private antiAffinity?: readonly NodeInfo[];

  constructor(
    readonly nodes: readonly NodeInfo[],
    /** node name → index in nodes; shared between snapshots with the same node list. */
    readonly index: ReadonlyMap<string, number>,
  ) {}

  get(name: string): NodeInfo | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : this.nodes[i];
  }

  get nodesWithAffinityPods(): readonly NodeInfo[] {
    return (this.affinity ??= this.nodes.filter((n) => affinityPodCount(n) > 0));
  }

  get nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[] {
    return (this.antiAffinity ??= this.nodes.filter((n) => requiredAntiAffinityPodCount(n) > 0));
  }

  imageNodeCount(image: string): number {
    if (!this.imageCounts) {
      const counts = new Map<string, number>();
      for (const n of this.nodes) for (const name of n.images.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
      this.imageCounts = counts;
    }
    return this.imageCounts.get(image) ?? 0;
  }

  /** Carries lazily computed lists over to a successor that changed one node. */
  inherit(prev: SnapshotImpl, old: NodeInfo | undefined, next: NodeInfo): void {
    if (old && old.images === next.images) this.imageCounts = prev.imageCounts;
    const same = (f: (n: NodeInfo) => number): boolean => old !== undefined && f(old) > 0 === f(next) > 0 && f(next) === 0;
    if (prev.affinity && same(affinityPodCount)) this.affinity = prev.affinity;
    if (prev.antiAffinity && same(requiredAntiAffinityPodCount)) this.antiAffinity = prev.antiAffinity;
  }
}

/** A snapshot of these NodeInfos, in this order (the order the scheduler visits them). */
export function snapshotOf(nodeInfos: readonly NodeInfo[]): Snapshot {
  const index = new Map<string, number>();
  nodeInfos.forEach((n, i) => index.set(n.name, i));
  return new SnapshotImpl([...nodeInfos], index);
}

/** The snapshot with one NodeInfo replaced (by name) or appended. The original is unchanged. */
export function snapshotWith(snapshot: Snapshot, ni: NodeInfo): Snapshot {
  if (!(snapshot instanceof SnapshotImpl)) {
    const nodes = snapshot.nodes.some((n) => n.name === ni.name) ? snapshot.nodes.map((n) => (n.name === ni.name ? ni : n)) : [...snapshot.nodes, ni];
    return snapshotOf(nodes);
  }
  const i = snapshot.index.get(ni.name);
  if (i === undefined) return snapshotOf([...snapshot.nodes, ni]);
  const nodes = snapshot.nodes.slice();
  const old = nodes[i];
  nodes[i] = ni;
  const next = new SnapshotImpl(nodes, snapshot.index);
  next.inherit(snapshot, old, ni);
  return next;
}
