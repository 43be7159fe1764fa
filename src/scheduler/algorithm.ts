// The scheduling algorithm (kube-scheduler's schedule_one.go): PreFilter, then Filter over
// the nodes starting where the last cycle stopped until enough feasible nodes are found
// (numFeasibleNodesToFind), then PreScore / Score / NormalizeScore, the weighted sum, and
// the best node with ties broken uniformly at random (selectHost's reservoir sampling).
// When nothing fits, a FitError carries every node's status and reads as Kubernetes'
// FailedScheduling message.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { CycleState, FilterPlugin, NodeInfo, ScorePlugin, Snapshot, Status } from './framework.ts';
import { imageLocality } from './plugins/image-locality.ts';
import { interPodAffinity } from './plugins/inter-pod-affinity.ts';
import { nodeAffinity } from './plugins/node-affinity.ts';
import { nodeName } from './plugins/node-name.ts';
import { nodePorts } from './plugins/node-ports.ts';
import { nodeResourcesBalancedAllocation } from './plugins/node-resources-balanced-allocation.ts';
import { nodeResourcesFit } from './plugins/node-resources-fit.ts';
import { nodeUnschedulable } from './plugins/node-unschedulable.ts';
import { podTopologySpread } from './plugins/pod-topology-spread.ts';
import { taintToleration } from './plugins/taint-toleration.ts';

/** minFeasibleNodesToFind */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** minFeasibleNodesPercentageToFind */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export interface Plugins {
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

/** kube-scheduler's default profile (without the volume plugins), in its order and with its weights. */
export function defaultPlugins(): Plugins {
  return {
    filters: [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, podTopologySpread, interPodAffinity],
    scores: [taintToleration, nodeAffinity, nodeResourcesFit, podTopologySpread, interPodAffinity, nodeResourcesBalancedAllocation, imageLocality],
  };
}

export interface ScheduleOptions extends Plugins {
  /** 1–100; 0 or unset: adaptive (50 − nodes/125, at least 5 %), as kube-scheduler's default. */
  percentageOfNodesToScore?: number;
  /** [0, 1) — Math.random by default; tests pass a seeded one. */
  random?: () => number;
  /** Where the next search starts (kube-scheduler's nextStartNodeIndex); advanced by each call. Module-wide by default. */
  cursor?: { next: number };
}

export interface ScheduleResult {
  /** The chosen node's name. */
  node: string;
  /** Feasible nodes found (and scored). */
  feasible: number;
  /** Nodes the filters ran on. */
  evaluated: number;
}

/** No node fits: every evaluated node's status (or every node's, when a PreFilter rejected the pod). */
export class FitError extends Error {
  constructor(
    readonly pod: Pod,
    readonly numAllNodes: number,
    /** node name → why it was rejected (with the plugin's name). */
    readonly statuses: ReadonlyMap<string, Status>,
    /** Set when a PreFilter plugin rejected the pod for every node. */
    readonly preFilterMessage?: string,
  ) {
    super(fitErrorMessage(numAllNodes, statuses, undefined, preFilterMessage));
    this.name = 'FitError';
  }

  /** The message with the PostFilter (preemption) part, e.g. `preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.` */
  messageWith(postFilterMessage?: string): string {
    return fitErrorMessage(this.numAllNodes, this.statuses, postFilterMessage, this.preFilterMessage);
  }
}

/** Thrown for an Error status from a plugin (a bug or bad state, not a fit problem). */
export class SchedulingError extends Error {}

/**
 * FitError.Error(): `0/N nodes are available: <PreFilter msg>.` or the histogram of reasons
 * (`<count> <reason>`, sorted as strings) joined by `, ` and ended by `.`, then ` <postFilterMessage>`.
 * A rejected node counts once per reason it gave.
 */
export function fitErrorMessage(
  totalNodes: number,
  statuses: ReadonlyMap<string, Status> | Iterable<[string, Status]>,
  postFilterMessage?: string,
  preFilterMessage?: string,
): string {
  // ErrNoNodesAvailable: what kube-scheduler reports for an empty cluster.
  if (totalNodes === 0 && !preFilterMessage)
    return postFilterMessage ? `no nodes available to schedule pods ${postFilterMessage}` : 'no nodes available to schedule pods';
  let msg = `0/${totalNodes} nodes are available:`;
  if (preFilterMessage) {
    msg += ` ${preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const [, st] of statuses) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`);
    parts.sort(goStringLess);
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (postFilterMessage) msg += ` ${postFilterMessage}`;
  return msg;
}

/** Go's sort.Strings: byte order (UTF-16 order agrees for the ASCII reasons here). */
const goStringLess = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** numFeasibleNodesToFind. */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (!percentage || percentage <= 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (percentage >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

const moduleCursor = { next: 0 };

const withPlugin = (st: Status, plugin: string): Status => (st.plugin ? st : { ...st, plugin });

interface PreFilterOutcome {
  active: FilterPlugin[];
  rejected?: Status;
}

function runPreFilters(state: CycleState, pod: Pod, snapshot: Snapshot, filters: readonly FilterPlugin[]): PreFilterOutcome {
  const active: FilterPlugin[] = [];
  for (const f of filters) {
    const st = f.preFilter?.(state, pod, snapshot);
    if (st && st.code === 'Skip') continue;
    if (st && st.code === 'Error') throw new SchedulingError(`${f.name}: ${st.reasons.join(', ')}`);
    if (st && st.code !== 'Success') return { active, rejected: withPlugin(st, f.name) };
    active.push(f);
  }
  return { active };
}

function runFilters(state: CycleState, pod: Pod, node: NodeInfo, snapshot: Snapshot, filters: readonly FilterPlugin[]): Status | undefined {
  for (let i = 0; i < filters.length; i++) {
    const f = filters[i]!;
    const st = f.filter(state, pod, node, snapshot);
    if (st.code === 'Success') continue;
    if (st.code === 'Error') throw new SchedulingError(`${f.name}: ${st.reasons.join(', ')}`);
    return withPlugin(st, f.name);
  }
  return undefined;
}

/**
 * Runs every filter (PreFilter included) for `pod` on one node of `snapshot`: undefined when
 * it fits, else the first failing plugin's status. For preemption's what-ifs, pass a
 * snapshot in which the node's victims are removed (see snapshotWith / removePod).
 */
export function filtersPass(pod: Pod, node: NodeInfo, snapshot: Snapshot, filters: readonly FilterPlugin[] = defaultPlugins().filters): Status | undefined {
  const state: CycleState = new Map();
  const pre = runPreFilters(state, pod, snapshot, filters);
  if (pre.rejected) return pre.rejected;
  return runFilters(state, pod, node, snapshot, pre.active);
}

/** Places one pod: the chosen node, or a FitError when no node fits. */
export function schedulePod(pod: Pod, snapshot: Snapshot, options: ScheduleOptions): ScheduleResult | FitError {
  const nodes = snapshot.nodes;
  const n = nodes.length;
  const random = options.random ?? Math.random;
  const cursor = options.cursor ?? moduleCursor;
  const state: CycleState = new Map();
  if (n === 0) return new FitError(pod, 0, new Map());

  const pre = runPreFilters(state, pod, snapshot, options.filters);
  if (pre.rejected) {
    const statuses = new Map<string, Status>();
    for (const ni of nodes) statuses.set(ni.name, pre.rejected);
    return new FitError(pod, n, statuses, pre.rejected.reasons.join(', '));
  }

  // findNodesThatPassFilters
  const toFind = numFeasibleNodesToFind(n, options.percentageOfNodesToScore);
  const feasible: NodeInfo[] = [];
  let statuses: Map<string, Status> | undefined;
  let failed = 0;
  const start = cursor.next % n;
  const filters = pre.active;
  for (let i = 0; i < n; i++) {
    const ni = nodes[(start + i) % n]!;
    const st = runFilters(state, pod, ni, snapshot, filters);
    if (st === undefined) {
      feasible.push(ni);
      if (feasible.length >= toFind) break;
    } else {
      (statuses ??= new Map()).set(ni.name, st);
      failed++;
    }
  }
  const evaluated = feasible.length + failed;
  cursor.next = (start + evaluated) % n;

  if (feasible.length === 0) return new FitError(pod, n, statuses ?? new Map());
  if (feasible.length === 1) return { node: feasible[0]!.name, feasible: 1, evaluated };

  const totals = prioritizeNodes(state, pod, feasible, snapshot, options.scores);
  return { node: feasible[selectHost(totals, random)]!.name, feasible: feasible.length, evaluated };
}

/** Weighted sum of every score plugin's (normalized) score, per feasible node (same order). */
export function prioritizeNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], snapshot: Snapshot, scores: readonly ScorePlugin[]): Float64Array {
  const totals = new Float64Array(nodes.length);
  for (const p of scores) {
    const st = p.preScore?.(state, pod, nodes, snapshot);
    if (st && st.code === 'Skip') continue;
    if (st && st.code !== 'Success') throw new SchedulingError(`${p.name}: ${st.reasons.join(', ')}`);
    const w = p.weight;
    if (!p.normalize) {
      for (let i = 0; i < nodes.length; i++) totals[i]! += w * p.score(state, pod, nodes[i]!, snapshot);
      continue;
    }
    const m = new Map<string, number>();
    for (const ni of nodes) m.set(ni.name, p.score(state, pod, ni, snapshot));
    p.normalize(state, pod, m);
    for (let i = 0; i < nodes.length; i++) totals[i]! += w * (m.get(nodes[i]!.name) ?? 0);
  }
  return totals;
}

/** selectHost: the index of a highest total, uniformly among ties (reservoir sampling). */
export function selectHost(totals: ArrayLike<number>, random: () => number = Math.random): number {
  let selected = 0;
  let max = totals[0]!;
  let ties = 1;
  for (let i = 1; i < totals.length; i++) {
    const s = totals[i]!;
    if (s > max) {
      max = s;
      selected = i;
      ties = 1;
    } else if (s === max) {
      ties++;
      if (Math.floor(random() * ties) === 0) selected = i;
    }
  }
  return selected;
}
