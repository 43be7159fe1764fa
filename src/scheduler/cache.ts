// The scheduler's cache (kube-scheduler's internal cache): nodes and the pods placed on
// them, fed by the informers, plus *assumed* pods — a pod counts against its node the
// moment the scheduler decides, before its binding comes back through the watch, so the
// next decision already sees the node fuller. An assumption is confirmed when the watch
// shows the pod bound there, and forgotten if the bind fails. NodeInfos are rebuilt only
// for nodes that changed, so a cycle over 5,000 nodes costs what changed, not the cluster.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo, Snapshot } from './framework.ts';
import { nodeInfo } from './node-info.ts';

const podKey = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** A pod that no longer takes a node's resources (Kubernetes: terminal phase). */
const terminated = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

interface NodeEntry {
  node?: Node;
  pods: Map<string, Pod>;
  info?: NodeInfo;
  /** Its place in the snapshot's node list (-1: not in it). */
  slot: number;
  hasAffinityPods: boolean;
}

const hasPodAffinity = (pod: Pod) => Boolean(pod.spec?.affinity?.podAffinity || pod.spec?.affinity?.podAntiAffinity);

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeEntry>();
  /** Where each known pod is counted: bound or assumed. */
  private readonly placed = new Map<string, string>();
  private readonly assumed = new Set<string>();
  private readonly dirty = new Set<NodeEntry>();
  // The snapshot, kept up to date in place: a cycle reads it synchronously, and nothing
  // changes it until the cycle's decision is made (informer events arrive between cycles).
  private readonly infos: NodeInfo[] = [];
  private readonly slots: NodeEntry[] = [];
  private readonly affinityNodes = new Set<NodeEntry>();
  private affinityList?: NodeInfo[];
  private readonly imageCounts = new Map<string, number>();
  private readonly view: Snapshot;

  constructor() {
    const cache = this;
    this.view = {
      nodes: this.infos,
      get: (name) => cache.nodes.get(name)?.info,
      get nodesWithAffinityPods() {
        return (cache.affinityList ??= [...cache.affinityNodes].filter((e) => e.info).map((e) => e.info!));
      },
      imageNodeCount: (image) => cache.imageCounts.get(image) ?? 0,
    };
  }

  get nodeCount(): number {
    return this.infos.length;
  }

  isAssumed(pod: Pod): boolean {
    return this.assumed.has(podKey(pod));
  }

  private entry(name: string): NodeEntry {
    let e = this.nodes.get(name);
    if (!e) {
      e = { pods: new Map(), slot: -1, hasAffinityPods: false };
      this.nodes.set(name, e);
    }
    return e;
  }

  private touch(e: NodeEntry): void {
    this.dirty.add(e);
  }

  setNode(node: Node): void {
    const e = this.entry(node.metadata!.name!);
    e.node = node;
    this.touch(e);
  }

  removeNode(node: Node): void {
    const e = this.nodes.get(node.metadata!.name!);
    if (!e) return;
    e.node = undefined; // its pods stay counted until they go (they may be rebound by nobody)
    this.touch(e);
  }

  /** A pod from the informer: counted on its node when bound and running; an assumption it confirms stops being one. */
  setPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    const where = this.placed.get(key);
    if (!nodeName || terminated(pod)) {
      if (where && !this.assumed.has(key)) this.removeFrom(key, where);
      return;
    }
    if (where && where !== nodeName) this.removeFrom(key, where);
    this.assumed.delete(key);
    const e = this.entry(nodeName);
    e.pods.set(key, pod);
    this.placed.set(key, nodeName);
    this.touch(e);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const where = this.placed.get(key);
    this.assumed.delete(key);
    if (where) this.removeFrom(key, where);
  }

  /** The scheduler decided: `pod` counts on `nodeName` from now on. */
  assume(pod: Pod, nodeName: string): void {
    const key = podKey(pod);
    const bound: Pod = { ...pod, spec: { ...pod.spec!, nodeName } };
    const e = this.entry(nodeName);
    e.pods.set(key, bound);
    this.placed.set(key, nodeName);
    this.assumed.add(key);
    this.touch(e);
  }

  /** The bind failed: the assumption goes. */
  forget(pod: Pod): void {
    const key = podKey(pod);
    if (!this.assumed.delete(key)) return;
    const where = this.placed.get(key);
    if (where) this.removeFrom(key, where);
  }

  private removeFrom(key: string, nodeName: string): void {
    const e = this.nodes.get(nodeName);
    this.placed.delete(key);
    if (e?.pods.delete(key)) this.touch(e);
  }

  /** The cluster now: NodeInfos rebuilt for the nodes that changed since the last snapshot. */
  snapshot(): Snapshot {
    for (const e of this.dirty) this.rebuild(e);
    this.dirty.clear();
    return this.view;
  }

  private rebuild(e: NodeEntry): void {
    const old = e.info;
    e.info = e.node ? nodeInfo(e.node, [...e.pods.values()]) : undefined;
    if (old) for (const image of old.images.keys()) this.imageCounts.set(image, (this.imageCounts.get(image) ?? 1) - 1);
    if (e.info) for (const image of e.info.images.keys()) this.imageCounts.set(image, (this.imageCounts.get(image) ?? 0) + 1);
    // its slot in the node list
    if (e.info && e.slot < 0) {
      e.slot = this.infos.length;
      this.infos.push(e.info);
      this.slots.push(e);
    } else if (e.info) {
      this.infos[e.slot] = e.info;
    } else if (e.slot >= 0) {
      const last = this.slots.pop()!;
      this.infos.pop();
      if (last !== e) {
        this.slots[e.slot] = last;
        this.infos[e.slot] = last.info!;
        last.slot = e.slot;
      }
      e.slot = -1;
    }
    const affinity = Boolean(e.info) && [...e.pods.values()].some(hasPodAffinity);
    if (affinity !== e.hasAffinityPods || affinity) {
      e.hasAffinityPods = affinity;
      if (affinity) this.affinityNodes.add(e);
      else this.affinityNodes.delete(e);
      this.affinityList = undefined;
    }
  }
}
