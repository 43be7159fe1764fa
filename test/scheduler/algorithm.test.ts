import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Status } from '../../src/scheduler/framework.ts';
import { defaultPlugins, filtersPass, FitError, fitErrorMessage, numFeasibleNodesToFind, schedulePod, selectHost } from '../../src/scheduler/algorithm.ts';
import { addPod, removePod } from '../../src/scheduler/node-info.ts';
import { snapshotWith } from '../../src/scheduler/snapshot.ts';
import { cluster, mkNode, mkPod, req } from './plugins/fixtures.ts';

test('numFeasibleNodesToFind: all below 100 nodes; adaptive 50 − n/125 %, at least 5 %, at least 100 nodes', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(99), 99);
  assert.equal(numFeasibleNodesToFind(100), 100); // 50 % of 100 = 50 → raised to 100
  assert.equal(numFeasibleNodesToFind(500), 230); // (50 − 4) %
  assert.equal(numFeasibleNodesToFind(1000), 420); // 42 %
  assert.equal(numFeasibleNodesToFind(5000), 500); // 10 %
  assert.equal(numFeasibleNodesToFind(6000), 300); // 50 − 48 = 2 → 5 %
  assert.equal(numFeasibleNodesToFind(5000, 20), 1000);
  assert.equal(numFeasibleNodesToFind(5000, 100), 5000);
  assert.equal(numFeasibleNodesToFind(1000, 1), 100);
});

test('schedulePod: stops after enough feasible nodes, starting where the last search stopped (fair rotation)', () => {
  const snap = cluster(Array.from({ length: 1000 }, (_, i) => mkNode(`n${i}`)));
  const cursor = { next: 0 };
  const r1 = schedulePod(mkPod('p'), snap, { ...defaultPlugins(), cursor });
  assert.ok(!(r1 instanceof FitError));
  assert.deepEqual([r1.feasible, r1.evaluated, cursor.next], [420, 420, 420]);
  const r2 = schedulePod(mkPod('q'), snap, { ...defaultPlugins(), cursor, percentageOfNodesToScore: 70 });
  assert.ok(!(r2 instanceof FitError));
  assert.deepEqual([r2.feasible, cursor.next], [700, 120]); // wrapped around
});

test('schedulePod: the highest weighted score wins (resources, taints, affinity together)', () => {
  const snap = cluster(
    [mkNode('busy'), mkNode('free'), mkNode('tainted', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }), mkNode('small', { cpu: '1' })],
    { busy: [mkPod('e', { containers: req({ cpu: '3', memory: '6Gi' }) })] },
  );
  const r = schedulePod(mkPod('p', { containers: req({ cpu: '2', memory: '1Gi' }) }), snap, { ...defaultPlugins(), random: () => 0 });
  assert.ok(!(r instanceof FitError));
  assert.equal(r.node, 'free');
  assert.equal(r.evaluated, 4);
});

test('selectHost: ties broken uniformly at random (reservoir sampling)', () => {
  assert.equal(selectHost([1, 5, 3]), 1);
  const counts = [0, 0, 0, 0];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 3000; i++) counts[selectHost([7, 9, 9, 9], random)]!++;
  assert.equal(counts[0], 0);
  for (const c of counts.slice(1)) assert.ok(c > 850 && c < 1150, String(counts));
  // random() → 0 always takes the latest tie, → 0.99 keeps the first
  assert.equal(
    selectHost([9, 9, 9], () => 0),
    2,
  );
  assert.equal(
    selectHost([9, 9, 9], () => 0.99),
    0,
  );
});

test("FailedScheduling message: Kubernetes' format, reasons counted and sorted as strings, then the preemption message", () => {
  const statuses = new Map<string, Status>([
    ['a', { code: 'Unschedulable', reasons: ['Insufficient cpu'] }],
    ['b', { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }'] }],
    ['c', { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }'] }],
  ]);
  assert.equal(
    fitErrorMessage(3, statuses, 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'),
    '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  );
  assert.equal(
    fitErrorMessage(
      3,
      new Map([
        ['a', { code: 'Unschedulable', reasons: ['Insufficient cpu'] }],
        ['b', { code: 'Unschedulable', reasons: ['Insufficient cpu'] }],
        ['c', { code: 'Unschedulable', reasons: ['Insufficient cpu'] }],
      ]),
    ),
    '0/3 nodes are available: 3 Insufficient cpu.',
  );
  // a node failing two resources counts in both; "10 x" sorts before "2 x" as strings do
  const many = new Map<string, Status>([['a', { code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] }]]);
  for (let i = 0; i < 10; i++) many.set(`t${i}`, { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] });
  assert.equal(
    fitErrorMessage(11, many),
    "0/11 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 10 node(s) didn't match Pod's node affinity/selector.",
  );
  assert.equal(fitErrorMessage(2, new Map(), undefined, 'some prefilter reason'), '0/2 nodes are available: some prefilter reason.');
});

test('schedulePod: a FitError with every evaluated node’s status when nothing fits', () => {
  const snap = cluster([
    mkNode('a', { cpu: '1' }),
    mkNode('b', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] }),
    mkNode('c', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] }),
  ]);
  const r = schedulePod(mkPod('p', { containers: req({ cpu: '2' }) }), snap, defaultPlugins());
  assert.ok(r instanceof FitError);
  assert.equal(r.statuses.size, 3);
  assert.equal(r.statuses.get('a')!.plugin, 'NodeResourcesFit');
  assert.equal(r.statuses.get('b')!.plugin, 'TaintToleration');
  assert.equal(r.message, '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.');
  assert.equal(
    r.messageWith('preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'),
    '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  );
  const none = schedulePod(mkPod('p'), cluster([]), defaultPlugins());
  assert.ok(none instanceof FitError && none.message === 'no nodes available to schedule pods');
});

test('filtersPass: re-runs every filter on one node, e.g. with victims removed (for preemption)', () => {
  const victim = mkPod('v', { containers: req({ cpu: '3' }) });
  const snap = cluster([mkNode('a')], { a: [victim] });
  const pod = mkPod('p', { containers: req({ cpu: '2' }) });
  assert.deepEqual(filtersPass(pod, snap.get('a')!, snap), { code: 'Unschedulable', reasons: ['Insufficient cpu'], plugin: 'NodeResourcesFit' });
  const without = removePod(snap.get('a')!, victim);
  assert.equal(filtersPass(pod, without, snapshotWith(snap, without)), undefined);
});

test('node-info: addPod / removePod keep requested, non-zero requested, ports and the affinity lists', () => {
  const snap = cluster([mkNode('a'), mkNode('b')]);
  const anti = mkPod('x', {
    containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: 80 }] }],
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: {} }] } },
  });
  const a = addPod(snap.get('a')!, anti);
  assert.equal(a.requested.pods, 1);
  assert.equal(a.nonZeroRequested.milliCPU, 100);
  assert.equal(a.nonZeroRequested.memory, 200 * 1024 * 1024);
  assert.deepEqual([...a.usedPorts], ['TCP/0.0.0.0/80']);
  const s2 = snapshotWith(snap, a);
  assert.deepEqual(
    s2.nodesWithAffinityPods.map((n) => n.name),
    ['a'],
  );
  assert.deepEqual(
    s2.nodesWithRequiredAntiAffinityPods!.map((n) => n.name),
    ['a'],
  );
  assert.equal(snap.nodesWithAffinityPods.length, 0); // the older snapshot is unchanged
  const back = removePod(a, anti);
  assert.deepEqual([back.requested.milliCPU, back.nonZeroRequested.milliCPU, back.pods.length, back.usedPorts.size], [0, 0, 0, 0]);
  assert.equal(snapshotWith(s2, back).nodesWithAffinityPods.length, 0);
});
