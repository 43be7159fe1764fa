import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeUnschedulable } from '../../../src/scheduler/plugins/node-unschedulable.ts';
import { nodeName } from '../../../src/scheduler/plugins/node-name.ts';
import { cluster, mkNode, mkPod, runFilter } from './fixtures.ts';

const cases = [
  { name: 'schedulable node', unschedulable: false, tolerations: [], want: 'ok' },
  { name: 'cordoned node', unschedulable: true, tolerations: [], want: 'UnschedulableAndUnresolvable: node(s) were unschedulable' },
  {
    name: 'cordoned node, pod tolerates the unschedulable taint',
    unschedulable: true,
    tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    want: 'ok',
  },
  {
    name: 'cordoned node, toleration for another effect',
    unschedulable: true,
    tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
    want: 'UnschedulableAndUnresolvable: node(s) were unschedulable',
  },
];
for (const c of cases) {
  test(`NodeUnschedulable filter: ${c.name}`, () => {
    assert.equal(
      runFilter(nodeUnschedulable, mkPod('p', { tolerations: c.tolerations }), cluster([mkNode('n', { unschedulable: c.unschedulable })])).n,
      c.want,
    );
  });
}

test('NodeName filter: only the named node fits; no name fits all', () => {
  const snap = cluster([mkNode('a'), mkNode('b')]);
  assert.deepEqual(runFilter(nodeName, mkPod('p', { nodeName: 'b' }), snap), {
    a: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name",
    b: 'ok',
  });
  assert.deepEqual(runFilter(nodeName, mkPod('p'), snap), { a: 'ok', b: 'ok' });
});
