// Small builders for the scheduler's plugin and algorithm tests.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { CycleState, FilterPlugin, NodeInfo, ScorePlugin, Snapshot, Status } from '../../../src/scheduler/framework.ts';
import { nodeInfo } from '../../../src/scheduler/node-info.ts';
import { snapshotOf } from '../../../src/scheduler/snapshot.ts';

type NodeOpts = {
  labels?: Record<string, string>;
  taints?: NonNullable<Node['spec']>['taints'];
  unschedulable?: boolean;
  cpu?: string;
  memory?: string;
  pods?: string;
  extra?: Record<string, string>;
  images?: { names: string[]; sizeBytes: number }[];
};

export function mkNode(name: string, o: NodeOpts = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.extra }, images: o.images },
  };
}

let uid = 0;
export function mkPod(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}-${uid++}`, ...meta },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
  };
}

export const req = (requests: Record<string, string>, image = 'nginx'): NonNullable<Pod['spec']>['containers'] => [
  { name: 'c', image, resources: { requests } },
];

export function cluster(nodes: Node[], pods: Record<string, Pod[]> = {}): Snapshot {
  return snapshotOf(nodes.map((n) => nodeInfo(n, pods[n.metadata!.name!] ?? [])));
}

/** Runs a filter plugin's preFilter and filter for every node: node → status (reasons and code). */
export function runFilter(plugin: FilterPlugin, pod: Pod, snapshot: Snapshot): Record<string, string> {
  const state: CycleState = new Map();
  const pre = plugin.preFilter?.(state, pod, snapshot);
  const out: Record<string, string> = {};
  for (const ni of snapshot.nodes) {
    const st: Status = pre?.code === 'Skip' ? { code: 'Success', reasons: [] } : pre && pre.code !== 'Success' ? pre : plugin.filter(state, pod, ni, snapshot);
    out[ni.name] = st.code === 'Success' ? 'ok' : `${st.code}: ${st.reasons.join(', ')}`;
  }
  return out;
}

/** Runs a score plugin's preScore, score and normalize over every node: node → score (or 'skip'). */
export function runScore(plugin: ScorePlugin, pod: Pod, snapshot: Snapshot, nodes: readonly NodeInfo[] = snapshot.nodes): Record<string, number> | 'skip' {
  const state: CycleState = new Map();
  const pre = plugin.preScore?.(state, pod, nodes, snapshot);
  if (pre?.code === 'Skip') return 'skip';
  const m = new Map<string, number>();
  for (const ni of nodes) m.set(ni.name, plugin.score(state, pod, ni, snapshot));
  plugin.normalize?.(state, pod, m);
  return Object.fromEntries(m);
}
