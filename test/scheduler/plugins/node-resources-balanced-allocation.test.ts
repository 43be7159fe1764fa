import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedScore, nodeResourcesBalancedAllocation } from '../../../src/scheduler/plugins/node-resources-balanced-allocation.ts';
import { cluster, mkNode, mkPod, req, runScore } from './fixtures.ts';

test('BalancedAllocation: (1 − std of the cpu/memory fractions) × 100', () => {
  assert.equal(balancedScore([3000, 5000], [4000, 10000]), 87); // |0.75 − 0.5| / 2 = 0.125
  assert.equal(balancedScore([3000, 5000], [6000, 10000]), 100);
  assert.equal(balancedScore([5000, 0], [4000, 10000]), 50); // fractions capped at 1
  assert.equal(balancedScore([1, 1, 1], [2, 4, 4]), Math.trunc((1 - Math.sqrt(((0.5 - 1 / 3) ** 2 + 2 * (0.25 - 1 / 3) ** 2) / 3)) * 100));
  const snap = cluster([mkNode('a', { cpu: '4', memory: '10000' }), mkNode('b', { cpu: '6', memory: '10000' })]);
  assert.deepEqual(runScore(nodeResourcesBalancedAllocation, mkPod('p', { containers: req({ cpu: '3', memory: '5000' }) }), snap), { a: 87, b: 100 });
});
