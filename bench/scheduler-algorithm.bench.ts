// Micro-benchmark of the scheduling algorithm alone (not in CI): 10,000 pods placed one by
// one on 5,000 synthetic nodes in memory with the default plugins, each decision assumed
// on its node (addPod + snapshotWith) before the next, as the scheduler's cache does.
//   npx tsx bench/scheduler-algorithm.bench.ts [nodes] [pods] [--owned]
// --owned gives the pods a ReplicaSet owner, so the default topology spread constraints apply.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { defaultPlugins, FitError, schedulePod } from '../src/scheduler/algorithm.ts';
import { addPod, nodeInfo } from '../src/scheduler/node-info.ts';
import { snapshotOf, snapshotWith } from '../src/scheduler/snapshot.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const owned = process.argv.includes('--owned');
const numNodes = Number(args[0] ?? 5000);
const numPods = Number(args[1] ?? 10000);

const nodes: Node[] = Array.from({ length: numNodes }, (_, i) => ({
  metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
  status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' }, capacity: { cpu: '4', memory: '32Gi', pods: '110' } },
}));
const pods: Pod[] = Array.from({ length: numPods }, (_, i) => ({
  metadata: {
    name: `pod-${i}`,
    namespace: 'default',
    uid: `uid-${i}`,
    labels: { app: `app-${i % 10}` },
    ...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${i % 10}`, uid: `rs-${i % 10}`, controller: true }] } : {}),
  },
  spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] },
}));

let snapshot = snapshotOf(nodes.map((n) => nodeInfo(n)));
const plugins = defaultPlugins();
const cursor = { next: 0 };
let failed = 0;
let evaluated = 0;
const t0 = performance.now();
for (const pod of pods) {
  const r = schedulePod(pod, snapshot, { ...plugins, cursor });
  if (r instanceof FitError) {
    failed++;
    continue;
  }
  evaluated += r.evaluated;
  snapshot = snapshotWith(snapshot, addPod(snapshot.get(r.node)!, pod));
}
const ms = performance.now() - t0;
console.log(
  `${numPods} pods on ${numNodes} nodes${owned ? ' (ReplicaSet-owned: default spreading)' : ''}: ${(numPods / (ms / 1000)).toFixed(0)} pods/s, ` +
    `${((ms * 1000) / numPods).toFixed(1)} µs/pod, ${(evaluated / (numPods - failed)).toFixed(0)} nodes evaluated/pod, ${failed} unschedulable`,
);
