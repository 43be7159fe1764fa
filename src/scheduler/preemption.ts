// Preemption (kube-scheduler's DefaultPreemption PostFilter plugin and the preemption
// Evaluator), for a pod that fits on no node: find the nodes where evicting pods of lower
// priority would make it fit, choose the fewest and least important victims on each, pick
// one node, and say which pods to evict. PodDisruptionBudgets are not considered.
//
// What this module does not do, the scheduler does with its answer: delete the victims
// (gracefully, with their terminationGracePeriodSeconds), set status.nominatedNodeName on
// the preemptor and retry it once the victims are gone.
//
//   eligible      preemptionPolicy Never never preempts; a pod nominated to a node where a
//                 lower-priority pod is still terminating waits for it instead of preempting more.
//   candidates    every node whose failure could be resolved (not UnschedulableAndUnresolvable),
//                 from a random offset, until max(10 % of the nodes, 100) candidates are found;
//                 on each: remove every pod of lower priority; if the pod still does not fit,
//                 the node is not a candidate (its filter's reasons are reported); else put the
//                 victims back one by one, most important first, keeping each that still lets
//                 the pod fit (the reprieve): what stays out is the minimal victim set.
//   one node      fewest PDB violations (always 0 here), then the lowest highest-victim
//                 priority, the smallest sum of priorities, the fewest victims, the latest
//                 start among the most important victims; then the first found.
//   no candidate  `preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.`
import type { Pod } from 'kubernetes-types/core/v1.js';
import { filtersPass, fitErrorMessage } from './algorithm.ts';
import type { NodeInfo, Snapshot, Status } from './framework.ts';
import { addPod, removePod } from './node-info.ts';
import { snapshotWith } from './snapshot.ts';

/** preemption.go's reasons, as FailedScheduling counts them. */
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** minCandidateNodesPercentage and minCandidateNodesAbsolute of DefaultPreemptionArgs. */
export const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
export const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

/** Do the filters pass for `pod` on `node` (part of `snapshot`)? undefined: it fits; else why not. */
export type FilterRunner = (pod: Pod, node: NodeInfo, snapshot: Snapshot) => Status | undefined;

export interface PreemptionOptions {
  /**
   * The failed cycle's status per node (FitError.statuses). Nodes marked
   * UnschedulableAndUnresolvable are not tried (`Preemption is not helpful for scheduling`);
   * nodes absent are tried. @default every node is tried
   */
  statuses?: ReadonlyMap<string, Status>;
  /** Re-runs every filter on a what-if NodeInfo. @default filtersPass with the default plugins */
  filter?: FilterRunner;
  /** Pods nominated to a node (waiting for their own victims to go): those of at least the preemptor's priority count as placed there. */
  nominatedPods?: (nodeName: string) => readonly Pod[];
  /** [0, 1): where the search for candidates starts. @default Math.random */
  random?: () => number;
  /** Start time of pods without status.startTime (assumed, not started). @default now */
  now?: () => Date;
}

/** Nodes where preemption makes the pod fit, and at what cost. */
export interface Candidate {
  nodeName: string;
  /** Most important first. */
  victims: Pod[];
}

export type PreemptionResult =
  | { nodeName: string; victims: Pod[]; message?: undefined }
  /** No node: the PostFilter part of the FailedScheduling message, e.g. `preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.` */
  | { nodeName?: undefined; victims?: undefined; message: string };

export const podPriority = (pod: Pod): number => pod.spec?.priority ?? 0;

const startTime = (pod: Pod, now: () => Date): number => {
  const t = pod.status?.startTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? now().getTime() : ms;
};

/** util.MoreImportantPod: higher priority, then the one that started first. */
export function moreImportant(a: Pod, b: Pod, now: () => Date = () => new Date()): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return startTime(a, now) < startTime(b, now);
}

/** PodEligibleToPreemptOthers: undefined when it may preempt, else why not. */
export function ineligibility(pod: Pod, snapshot: Snapshot, statuses?: ReadonlyMap<string, Status>): string | undefined {
  if (pod.spec?.preemptionPolicy === 'Never') return NOT_ELIGIBLE_NEVER;
  const nominated = pod.status?.nominatedNodeName;
  if (nominated) {
    // A nominated node the filters now reject outright is no reason to wait.
    if (statuses?.get(nominated)?.code === 'UnschedulableAndUnresolvable') return undefined;
    const ni = snapshot.get(nominated);
    const priority = podPriority(pod);
    if (ni?.pods.some((p) => podPriority(p) < priority && p.metadata?.deletionTimestamp)) return NOT_ELIGIBLE_TERMINATING;
  }
  return undefined;
}

/** calculateNumCandidates: 10 % of the nodes, at least 100, at most all. */
export function numCandidates(numNodes: number): number {
  const n = Math.max(Math.trunc((numNodes * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE);
  return Math.min(n, numNodes);
}

const keyOf = (p: Pod): string => p.metadata?.uid || `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

/**
 * SelectVictimsOnNode: the minimal set of lower-priority pods to evict from `node` for
 * `pod` to fit, most important first; or the status saying why no such set exists.
 */
export function selectVictimsOnNode(pod: Pod, node: NodeInfo, snapshot: Snapshot, options: PreemptionOptions = {}): { victims: Pod[] } | { status: Status } {
  const filter = options.filter ?? ((p, n, s) => filtersPass(p, n, s));
  const now = options.now ?? (() => new Date());
  const priority = podPriority(pod);
  const preemptorKey = keyOf(pod);
  let ni = node;
  // Nominated pods of at least the preemptor's priority hold their place (addNominatedPods).
  for (const p of options.nominatedPods?.(node.name) ?? []) {
    if (keyOf(p) !== preemptorKey && podPriority(p) >= priority && !ni.pods.some((q) => keyOf(q) === keyOf(p))) ni = addPod(ni, p);
  }
  const potential = ni.pods.filter((p) => podPriority(p) < priority);
  if (!potential.length) return { status: { code: 'UnschedulableAndUnresolvable', reasons: [NO_VICTIMS] } };
  for (const p of potential) ni = removePod(ni, p);
  const fits = (info: NodeInfo) => filter(pod, info, snapshotWith(snapshot, info));
  const without = fits(ni);
  if (without) return { status: without };
  potential.sort((a, b) => (moreImportant(a, b, now) ? -1 : moreImportant(b, a, now) ? 1 : 0));
  const victims: Pod[] = [];
  for (const p of potential) {
    const back = addPod(ni, p);
    if (fits(back) === undefined)
      ni = back; // reprieved
    else victims.push(p);
  }
  return { victims };
}

/** GetEarliestPodStartTime: the earliest start among the victims of the highest priority. */
function earliestStartOfMostImportant(victims: readonly Pod[], now: () => Date): number {
  let top = -Infinity;
  let earliest = Infinity;
  for (const v of victims) {
    const p = podPriority(v);
    const t = startTime(v, now);
    if (p > top) {
      top = p;
      earliest = t;
    } else if (p === top && t < earliest) earliest = t;
  }
  return earliest;
}

/** pickOneNodeForPreemption (PDB violations are all 0 here). */
export function pickOneNode(candidates: readonly Candidate[], now: () => Date = () => new Date()): Candidate | undefined {
  if (!candidates.length) return undefined;
  // Each criterion keeps the candidates that score lowest; the next breaks their tie.
  const OFFSET = 2 ** 31; // math.MaxInt32 + 1: negative priorities still add up sensibly
  const criteria: ((c: Candidate) => number)[] = [
    (c) => (c.victims.length ? podPriority(c.victims[0]!) : -Infinity),
    (c) => c.victims.reduce((s, v) => s + podPriority(v) + OFFSET, 0),
    (c) => c.victims.length,
    (c) => -earliestStartOfMostImportant(c.victims, now), // the latest start wins
  ];
  let left = [...candidates];
  for (const score of criteria) {
    if (left.length === 1) break;
    const scores = left.map(score);
    const best = Math.min(...scores);
    left = left.filter((_, i) => scores[i] === best);
  }
  return left[0];
}

/**
 * The whole PostFilter: a node and its victims, or the message to add to FailedScheduling.
 * `snapshot` is the failed cycle's.
 */
export function preempt(pod: Pod, snapshot: Snapshot, options: PreemptionOptions = {}): PreemptionResult {
  const now = options.now ?? (() => new Date());
  const why = ineligibility(pod, snapshot, options.statuses);
  if (why) return { message: `preemption: ${why}` };

  const statuses = new Map<string, Status>();
  const potential: NodeInfo[] = [];
  for (const ni of snapshot.nodes) {
    if (options.statuses?.get(ni.name)?.code === 'UnschedulableAndUnresolvable')
      statuses.set(ni.name, { code: 'UnschedulableAndUnresolvable', reasons: [NOT_HELPFUL] });
    else potential.push(ni);
  }

  const candidates: Candidate[] = [];
  if (potential.length) {
    const wanted = numCandidates(potential.length);
    const offset = Math.floor((options.random ?? Math.random)() * potential.length) % potential.length;
    for (let i = 0; i < potential.length && candidates.length < wanted; i++) {
      const ni = potential[(offset + i) % potential.length]!;
      const r = selectVictimsOnNode(pod, ni, snapshot, options);
      if ('victims' in r && r.victims.length) candidates.push({ nodeName: ni.name, victims: r.victims });
      else statuses.set(ni.name, 'status' in r ? r.status : { code: 'Error', reasons: [`expected at least one victim pod on node "${ni.name}"`] });
    }
  }

  const chosen = pickOneNode(candidates, now);
  if (chosen) return { nodeName: chosen.nodeName, victims: chosen.victims };
  return { message: `preemption: ${fitErrorMessage(snapshot.nodes.length, statuses)}` };
}
