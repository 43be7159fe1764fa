import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taintToleration } from '../../../src/scheduler/plugins/taint-toleration.ts';
import { cluster, mkNode, mkPod, runFilter, runScore } from './fixtures.ts';

const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };
const cases = [
  { name: 'no taints', taints: [], tolerations: [], want: 'ok' },
  {
    name: 'untolerated NoSchedule (the unreachable taint: how not-ready nodes are avoided)',
    taints: [unreachable],
    tolerations: [],
    want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
  },
  {
    name: 'untolerated NoExecute with a value',
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }],
    tolerations: [],
    want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}',
  },
  { name: 'PreferNoSchedule does not filter', taints: [{ key: 'k', effect: 'PreferNoSchedule' }], tolerations: [], want: 'ok' },
  {
    name: 'Equal toleration with the same value',
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    want: 'ok',
  },
  {
    name: 'Equal toleration with another value',
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    tolerations: [{ key: 'dedicated', value: 'cpu' }],
    want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}',
  },
  {
    name: 'Exists toleration for the key, any effect',
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }],
    tolerations: [{ key: 'dedicated', operator: 'Exists' }],
    want: 'ok',
  },
  {
    name: 'empty key with Exists tolerates everything',
    taints: [unreachable, { key: 'x', effect: 'NoExecute' }],
    tolerations: [{ operator: 'Exists' }],
    want: 'ok',
  },
  {
    name: 'effect mismatch',
    taints: [unreachable],
    tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }],
    want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
  },
];
for (const c of cases) {
  test(`TaintToleration filter: ${c.name}`, () => {
    const snap = cluster([mkNode('n', { taints: c.taints })]);
    assert.equal(runFilter(taintToleration, mkPod('p', { tolerations: c.tolerations }), snap).n, c.want);
  });
}

test('TaintToleration score: fewer untolerated PreferNoSchedule taints score higher (normalized, reversed)', () => {
  const pref = (k: string) => ({ key: k, value: 'v', effect: 'PreferNoSchedule' });
  const snap = cluster([
    mkNode('a'),
    mkNode('b', { taints: [pref('x')] }),
    mkNode('c', { taints: [pref('x'), pref('y')] }),
    mkNode('d', { taints: [{ key: 'z', effect: 'NoSchedule' }] }),
  ]);
  assert.deepEqual(runScore(taintToleration, mkPod('p'), snap), { a: 100, b: 50, c: 0, d: 100 });
  assert.deepEqual(runScore(taintToleration, mkPod('p', { tolerations: [{ key: 'x', operator: 'Exists', effect: 'PreferNoSchedule' }] }), snap), {
    a: 100,
    b: 100,
    c: 0,
    d: 100,
  });
  // a toleration for NoSchedule does not count against PreferNoSchedule
  assert.deepEqual(runScore(taintToleration, mkPod('p', { tolerations: [{ key: 'x', operator: 'Exists', effect: 'NoSchedule' }] }), snap), {
    a: 100,
    b: 50,
    c: 0,
    d: 100,
  });
});
