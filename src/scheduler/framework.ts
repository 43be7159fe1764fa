// The scheduling framework's contract (kube-scheduler's framework, cut to what kubeql
// runs): a pod is placed by filter plugins (which nodes can take it) and score plugins
// (which of those is best), each a pure function of the pod and a snapshot of the
// cluster taken at the start of the cycle. Plugins live one per file under
// src/scheduler/plugins; the scheduler (scheduler.ts) runs them, folds their reasons into
// Kubernetes' FailedScheduling message, and binds.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

/** What a node offers or a pod asks for, in the units kube-scheduler counts. */
export interface Resources {
  milliCPU: number;
  /** bytes */
  memory: number;
  /** bytes */
  ephemeralStorage: number;
  /** pods (allocatable) or 1 per pod (requested) */
  pods: number;
  /** extended resources (nvidia.com/gpu, hugepages-2Mi, …) in their base units */
  scalar: Record<string, number>;
}

/** A node as the scheduler sees it in one cycle: its object and the pods placed on it (assumed ones included). */
export interface NodeInfo {
  readonly name: string;
  readonly node: Node;
  /** Pods bound or assumed to this node, not terminated. */
  readonly pods: readonly Pod[];
  readonly allocatable: Resources;
  /** Sum of the pods' requests. */
  readonly requested: Resources;
  /** The same with kube-scheduler's defaults for pods that request nothing (100m CPU, 200 MiB), for scoring. */
  readonly nonZeroRequested: Resources;
  /** Host ports in use: `${protocol}/${hostIP}/${port}` (hostIP 0.0.0.0 when unset). */
  readonly usedPorts: ReadonlySet<string>;
  /** Images on the node (from status.images): name → size in bytes. */
  readonly images: ReadonlyMap<string, number>;
}

/** The cluster at the start of a scheduling cycle. */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /**
   * Nodes holding at least one pod with pod affinity or anti-affinity terms, required or
   * preferred (kube-scheduler's HavePodsWithAffinityList): the only nodes whose pods'
   * terms can attract or repel an incoming pod.
   */
  readonly nodesWithAffinityPods: readonly NodeInfo[];
  /** Nodes holding at least one pod with required anti-affinity terms: the only ones an incoming pod can violate (optional: derived from nodesWithAffinityPods when absent). */
  readonly nodesWithRequiredAntiAffinityPods?: readonly NodeInfo[];
  /** How many nodes carry each image (for image locality's spread factor). */
  imageNodeCount(image: string): number;
}

/** Per-pod data a plugin computes once per cycle (PreFilter / PreScore) and reads per node. */
export type CycleState = Map<string, unknown>;

/** `Skip` (from preFilter / preScore only): the plugin has nothing to do for this pod; its filter / score is not run. */
export type StatusCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

export interface Status {
  code: StatusCode;
  /** Kubernetes' reasons, as FailedScheduling counts them: `Insufficient cpu`, `node(s) didn't match Pod's node affinity/selector`, … */
  reasons: string[];
  plugin?: string;
}

export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
/** Preemption cannot help (e.g. a node selector that does not match). */
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons });
/** From preFilter / preScore: nothing to check or score for this pod. */
export const skip = (): Status => ({ code: 'Skip', reasons: [] });
/** The one shared Success status: filters return it on the hot path without allocating. */
export const SUCCESS: Readonly<Status> = Object.freeze({ code: 'Success', reasons: Object.freeze([]) as unknown as string[] });

export interface FilterPlugin {
  readonly name: string;
  /** Once per pod per cycle; `skip()` leaves the filter out for this pod; an Unschedulable status rejects the pod on every node (with its reasons). */
  preFilter?(state: CycleState, pod: Pod, snapshot: Snapshot): Status | void;
  /** Can `node` run `pod`? */
  filter(state: CycleState, pod: Pod, node: NodeInfo, snapshot: Snapshot): Status;
}

export interface ScorePlugin {
  readonly name: string;
  /** Its weight in the sum (kube-scheduler's default profile weights). */
  readonly weight: number;
  /** Once per pod per cycle, with the nodes that passed the filters; `skip()` leaves this plugin out for the pod. */
  preScore?(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], snapshot: Snapshot): Status | void;
  /** 0–100 (MaxNodeScore) unless normalize() maps the raw scores there. */
  score(state: CycleState, pod: Pod, node: NodeInfo, snapshot: Snapshot): number;
  /** Maps raw scores (node name → score) onto 0–100, in place. */
  normalize?(state: CycleState, pod: Pod, scores: Map<string, number>): void;
}

export const MAX_NODE_SCORE = 100;
