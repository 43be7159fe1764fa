import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeResourcesFit, leastRequestedScore } from '../../../src/scheduler/plugins/node-resources-fit.ts';
import { cluster, mkNode, mkPod, req, runFilter, runScore } from './fixtures.ts';

const filled = (cpu: string, memory = '0') => mkPod('existing', { containers: req({ cpu, memory }) });

const cases: { name: string; pod: ReturnType<typeof mkPod>; node: ReturnType<typeof mkNode>; existing?: ReturnType<typeof mkPod>[]; want: string }[] = [
  { name: 'fits with room to spare', pod: mkPod('p', { containers: req({ cpu: '1', memory: '1Gi' }) }), node: mkNode('n'), want: 'ok' },
  { name: 'a pod requesting nothing always fits resources', pod: mkPod('p'), node: mkNode('n', { cpu: '0' }), want: 'ok' },
  {
    name: 'cpu short: Insufficient cpu (resolvable: preemption could help)',
    pod: mkPod('p', { containers: req({ cpu: '2' }) }),
    node: mkNode('n'),
    existing: [filled('3')],
    want: 'Unschedulable: Insufficient cpu',
  },
  {
    name: 'larger than the whole node: unresolvable',
    pod: mkPod('p', { containers: req({ cpu: '5' }) }),
    node: mkNode('n'),
    want: 'UnschedulableAndUnresolvable: Insufficient cpu',
  },
  {
    name: 'cpu and memory short: both reasons in Kubernetes order',
    pod: mkPod('p', { containers: req({ cpu: '2', memory: '5Gi' }) }),
    node: mkNode('n'),
    existing: [filled('3', '4Gi')],
    want: 'Unschedulable: Insufficient cpu, Insufficient memory',
  },
  { name: 'pod count: Too many pods', pod: mkPod('p'), node: mkNode('n', { pods: '1' }), existing: [mkPod('e')], want: 'Unschedulable: Too many pods' },
  {
    name: 'ephemeral-storage',
    pod: mkPod('p', { containers: req({ 'ephemeral-storage': '2Gi' }) }),
    node: mkNode('n', { extra: { 'ephemeral-storage': '1Gi' } }),
    want: 'UnschedulableAndUnresolvable: Insufficient ephemeral-storage',
  },
  {
    name: 'extended resource absent from the node',
    pod: mkPod('p', { containers: req({ 'nvidia.com/gpu': '1' }) }),
    node: mkNode('n'),
    want: 'UnschedulableAndUnresolvable: Insufficient nvidia.com/gpu',
  },
  {
    name: 'extended resource present',
    pod: mkPod('p', { containers: req({ 'nvidia.com/gpu': '1' }) }),
    node: mkNode('n', { extra: { 'nvidia.com/gpu': '2' } }),
    want: 'ok',
  },
  {
    name: 'init containers count at their max, not summed',
    pod: mkPod('p', { initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '3' } } }], containers: req({ cpu: '1' }) }),
    node: mkNode('n'),
    existing: [filled('1500m')],
    want: 'Unschedulable: Insufficient cpu',
  },
  {
    name: 'overhead counts',
    pod: mkPod('p', { containers: req({ cpu: '3' }), overhead: { cpu: '1500m' } }),
    node: mkNode('n'),
    want: 'UnschedulableAndUnresolvable: Insufficient cpu',
  },
];

for (const c of cases) {
  test(`NodeResourcesFit filter: ${c.name}`, () => {
    assert.equal(runFilter(nodeResourcesFit, c.pod, cluster([c.node], { n: c.existing ?? [] })).n, c.want);
  });
}

test('LeastAllocated: (capacity − requested) × 100 / capacity per resource, averaged; non-zero defaults for empty requests', () => {
  assert.equal(leastRequestedScore(3000, 4000), 25);
  assert.equal(leastRequestedScore(5000, 4000), 0);
  assert.equal(leastRequestedScore(1, 0), 0);
  // Kubernetes' least_allocated_test: node 4000m / 10000 bytes, pod 3000m + 5000 → cpu 25, memory 50 → 37
  const snap = cluster([mkNode('a', { cpu: '4', memory: '10000' }), mkNode('b', { cpu: '6', memory: '10000' })]);
  const pod = mkPod('p', { containers: req({ cpu: '3', memory: '5000' }) });
  assert.deepEqual(runScore(nodeResourcesFit, pod, snap), { a: 37, b: 50 });
  // A pod requesting nothing scores as 100m / 200Mi.
  const big = cluster([mkNode('a', { cpu: '1', memory: '400Mi' })]);
  assert.deepEqual(runScore(nodeResourcesFit, mkPod('p'), big), { a: Math.trunc((90 + 50) / 2) });
});
