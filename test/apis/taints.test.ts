// One ToleratesTaint for the scheduler and node lifecycle (two copies once disagreed on
// `operator: ""`: the scheduler placed a pod that node lifecycle then evicted).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { tolerates, toleratesTaint } from '../../src/apis/taints.ts';
import * as scheduler from '../../src/scheduler/plugins/helpers.ts';
import { matchingTolerations } from '../../src/controllers/node-lifecycle.ts';

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const dedicated: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

test("Kubernetes' ToleratesTaint: operator empty or Equal compares values, Exists matches any value, empty key and effect match all", () => {
  const cases: [Toleration, Taint, boolean][] = [
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, dedicated, true],
    [{ key: 'dedicated', operator: '', value: 'gpu', effect: 'NoSchedule' }, dedicated, true],
    [{ key: 'dedicated', value: 'gpu' }, dedicated, true],
    [{ key: 'dedicated', operator: '', value: 'cpu' }, dedicated, false],
    [{ key: 'dedicated', operator: 'Exists' }, dedicated, true],
    [{ operator: 'Exists' }, dedicated, true],
    [{ operator: 'Exists', effect: 'NoExecute' }, dedicated, false],
    [{ key: 'other', operator: 'Exists' }, dedicated, false],
    [{ key: 'dedicated', operator: 'Lt', value: 'gpu' }, dedicated, false],
    [{ key: 'node.kubernetes.io/unreachable', operator: '', effect: 'NoExecute', tolerationSeconds: 2 }, unreachable, true],
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Equal', value: 'x', effect: 'NoExecute' }, unreachable, false],
  ];
  for (const [toleration, taint, expected] of cases) assert.equal(toleratesTaint(toleration, taint), expected, JSON.stringify([toleration, taint]));
  assert.equal(tolerates(undefined, dedicated), false);
  assert.equal(tolerates([{ key: 'x', operator: 'Exists' }, { operator: 'Exists' }], dedicated), true);
});

test('the scheduler and node lifecycle share it, so a pod placed on a tainted node is never evicted for that taint', () => {
  assert.equal(scheduler.toleratesTaint, toleratesTaint);
  const tolerations: Toleration[] = [{ key: 'node.kubernetes.io/unreachable', operator: '', effect: 'NoExecute', tolerationSeconds: 300 }];
  assert.equal(scheduler.tolerates(tolerations, unreachable), true);
  assert.deepEqual(matchingTolerations([unreachable], tolerations), { all: true, used: tolerations });
});
