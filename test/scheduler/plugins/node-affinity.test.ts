import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import { nodeAffinity } from '../../../src/scheduler/plugins/node-affinity.ts';
import { cluster, mkNode, mkPod, runFilter, runScore } from './fixtures.ts';

const NO = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
const required = (...terms: NodeSelectorTerm[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const labels = { zone: 'a', disk: 'ssd', cores: '8' };
const cases: { name: string; spec: Parameters<typeof mkPod>[1]; want: string }[] = [
  { name: 'no selector', spec: {}, want: 'ok' },
  { name: 'nodeSelector matches', spec: { nodeSelector: { zone: 'a', disk: 'ssd' } }, want: 'ok' },
  { name: 'nodeSelector value differs', spec: { nodeSelector: { zone: 'b' } }, want: NO },
  { name: 'nodeSelector key missing', spec: { nodeSelector: { gpu: 'true' } }, want: NO },
  { name: 'In', spec: { affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }) }, want: 'ok' },
  { name: 'NotIn', spec: { affinity: required({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }) }, want: NO },
  {
    name: 'NotIn on a missing key matches',
    spec: { affinity: required({ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }] }) },
    want: 'ok',
  },
  { name: 'Exists', spec: { affinity: required({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }) }, want: 'ok' },
  { name: 'DoesNotExist', spec: { affinity: required({ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }) }, want: NO },
  { name: 'Gt', spec: { affinity: required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }) }, want: 'ok' },
  { name: 'Lt', spec: { affinity: required({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }) }, want: NO },
  { name: 'Gt on a non-integer value', spec: { affinity: required({ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }) }, want: NO },
  {
    name: 'terms are ORed',
    spec: {
      affinity: required(
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] },
        { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
      ),
    },
    want: 'ok',
  },
  {
    name: 'expressions in a term are ANDed',
    spec: {
      affinity: required({
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['a'] },
          { key: 'disk', operator: 'In', values: ['hdd'] },
        ],
      }),
    },
    want: NO,
  },
  { name: 'an empty term matches nothing', spec: { affinity: required({}) }, want: NO },
  { name: 'matchFields metadata.name', spec: { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] }) }, want: 'ok' },
  { name: 'matchFields another name', spec: { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['m'] }] }) }, want: NO },
  {
    name: 'nodeSelector and affinity must both match',
    spec: { nodeSelector: { zone: 'b' }, affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }) },
    want: NO,
  },
];
for (const c of cases) {
  test(`NodeAffinity filter: ${c.name}`, () => {
    assert.equal(runFilter(nodeAffinity, mkPod('p', c.spec), cluster([mkNode('n', { labels })])).n, c.want);
  });
}

test('NodeAffinity score: sum of matching preferred weights, normalized to the best', () => {
  const snap = cluster([mkNode('a', { labels: { zone: 'a', disk: 'ssd' } }), mkNode('b', { labels: { zone: 'a' } }), mkNode('c')]);
  const pod = mkPod('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 2, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
          { weight: 6, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
        ],
      },
    },
  });
  assert.deepEqual(runScore(nodeAffinity, pod, snap), { a: 100, b: 25, c: 0 });
  assert.equal(runScore(nodeAffinity, mkPod('q'), snap), 'skip');
});
