// Preemption (DefaultPreemption): table tests over in-memory snapshots with the default
// filter plugins, written from kube-scheduler's documented behaviour.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FitError, defaultPlugins, schedulePod } from '../../src/scheduler/algorithm.ts';
import type { Snapshot } from '../../src/scheduler/framework.ts';
import { pickOneNode, preempt, selectVictimsOnNode, type PreemptionResult } from '../../src/scheduler/preemption.ts';
import { cluster, mkNode, mkPod, req } from './plugins/fixtures.ts';

const NOW = new Date('2026-01-01T12:00:00Z');
const now = () => NOW;
const first = () => 0;

/** A pod asking for `cpu` at `priority`, started at `started` (ISO) when given. */
function pod(
  name: string,
  priority: number,
  cpu: string,
  o: { started?: string; policy?: 'Never' | 'PreemptLowerPriority'; nominated?: string; deleting?: boolean; nodeSelector?: Record<string, string> } = {},
): Pod {
  const p = mkPod(
    name,
    { priority, containers: req({ cpu }), preemptionPolicy: o.policy, nodeSelector: o.nodeSelector },
    o.deleting ? { deletionTimestamp: NOW.toISOString() } : {},
  );
  return { ...p, status: { ...(o.started ? { startTime: o.started } : {}), ...(o.nominated ? { nominatedNodeName: o.nominated } : {}) } };
}

/** Runs the scheduling cycle first, as the scheduler does, and preempts with its statuses. */
function cycle(preemptor: Pod, snapshot: Snapshot): { fit: FitError; result: PreemptionResult } {
  const fit = schedulePod(preemptor, snapshot, { ...defaultPlugins(), random: first, cursor: { next: 0 } });
  assert.ok(fit instanceof FitError, 'the pod must not fit before preemption');
  return { fit, result: preempt(preemptor, snapshot, { statuses: fit.statuses, random: first, now }) };
}

const names = (pods: readonly Pod[] | undefined) => (pods ?? []).map((p) => p.metadata!.name);

describe('victims on one node', () => {
  test('every lower-priority pod out, then reprieved from the most important down while the pod fits', () => {
    // 4 CPUs full: a (p1, 1), b (p2, 1), c (p3, 2). The preemptor (p10) asks for 2.
    const snapshot = cluster([mkNode('n1', { cpu: '4' })], { n1: [pod('a', 1, '1'), pod('b', 2, '1'), pod('c', 3, '2')] });
    const r = selectVictimsOnNode(pod('p', 10, '2'), snapshot.get('n1')!, snapshot, { now });
    assert.ok('victims' in r);
    // c goes back first (2 + 2 ≤ 4); then neither b nor a fits beside it.
    assert.deepEqual(names(r.victims), ['b', 'a']);
  });

  test('the reprieve keeps as many pods as fit: one victim is enough', () => {
    // c (2.5) and b (0.5) go back beside the preemptor (1): 4 of 4; a (1) would not fit.
    const snapshot = cluster([mkNode('n1', { cpu: '4' })], { n1: [pod('a', 1, '1'), pod('b', 2, '500m'), pod('c', 3, '2500m')] });
    const r = selectVictimsOnNode(pod('p', 10, '1'), snapshot.get('n1')!, snapshot, { now });
    assert.ok('victims' in r);
    assert.deepEqual(names(r.victims), ['a']);
  });

  test("the reprieve is greedy by importance, as Kubernetes' (not the smallest set by count)", () => {
    // c (3) goes back first, so both small pods must go although evicting c alone would do.
    const snapshot = cluster([mkNode('n1', { cpu: '4' })], { n1: [pod('a', 1, '500m'), pod('b', 2, '500m'), pod('c', 3, '3')] });
    const r = selectVictimsOnNode(pod('p', 10, '1'), snapshot.get('n1')!, snapshot, { now });
    assert.ok('victims' in r);
    assert.deepEqual(names(r.victims), ['b', 'a']);
  });

  test('pods of equal or higher priority are never victims', () => {
    const snapshot = cluster([mkNode('n1', { cpu: '2' })], { n1: [pod('same', 10, '1'), pod('higher', 11, '1')] });
    const r = selectVictimsOnNode(pod('p', 10, '1'), snapshot.get('n1')!, snapshot, { now });
    assert.deepEqual(r, { status: { code: 'UnschedulableAndUnresolvable', reasons: ['No preemption victims found for incoming pod'] } });
  });

  test('a node where even evicting every lower-priority pod is not enough reports its filter reason', () => {
    const snapshot = cluster([mkNode('n1', { cpu: '2' })], { n1: [pod('low', 1, '1'), pod('high', 20, '1')] });
    const r = selectVictimsOnNode(pod('p', 10, '2'), snapshot.get('n1')!, snapshot, { now });
    assert.ok('status' in r);
    assert.deepEqual(r.status.reasons, ['Insufficient cpu']);
  });

  test("a pod nominated to the node with at least the preemptor's priority keeps its place", () => {
    const snapshot = cluster([mkNode('n1', { cpu: '2' })], { n1: [pod('low', 1, '1')] });
    const waiting = pod('waiting', 15, '1', { nominated: 'n1' });
    const r = selectVictimsOnNode(pod('p', 10, '2'), snapshot.get('n1')!, snapshot, { now, nominatedPods: () => [waiting] });
    assert.ok('status' in r);
    assert.deepEqual(r.status.reasons, ['Insufficient cpu']);
  });
});

describe('choosing the node (pickOneNodeForPreemption)', () => {
  const t = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00Z`;
  const table: { name: string; nodes: Record<string, Pod[]>; want: string }[] = [
    {
      name: 'the lowest highest-priority victim',
      nodes: { n1: [pod('a', 5, '2')], n2: [pod('b', 3, '2')], n3: [pod('c', 4, '2')] },
      want: 'n2',
    },
    {
      name: 'then the smallest sum of priorities',
      nodes: { n1: [pod('a1', 3, '1'), pod('a2', 3, '1')], n2: [pod('b1', 3, '1'), pod('b2', 1, '1')] },
      want: 'n2',
    },
    {
      name: 'then the fewest victims (sums offset by 2^31 per victim, as Kubernetes adds them)',
      nodes: { n1: [pod('a1', 0, '1'), pod('a2', -2147483648, '1')], n2: [pod('b1', 0, '2')] },
      want: 'n2',
    },
    {
      name: 'then the latest start time of the most important victims',
      nodes: { n1: [pod('a', 3, '2', { started: t(9) })], n2: [pod('b', 3, '2', { started: t(11) })], n3: [pod('c', 3, '2', { started: t(10) })] },
      want: 'n2',
    },
    {
      name: 'a node with no lower-priority pods is no candidate',
      nodes: { n1: [pod('a', 50, '2')], n2: [pod('b', 8, '2')] },
      want: 'n2',
    },
  ];
  for (const c of table) {
    test(c.name, () => {
      const snapshot = cluster(
        Object.keys(c.nodes).map((n) => mkNode(n, { cpu: '2' })),
        c.nodes,
      );
      const { result } = cycle(pod('p', 10, '2'), snapshot);
      assert.equal(result.nodeName, c.want, JSON.stringify(result));
    });
  }

  test('ties go to the first candidate found', () => {
    const a = { nodeName: 'a', victims: [pod('x', 1, '1', { started: '2026-01-01T10:00:00Z' })] };
    const b = { nodeName: 'b', victims: [pod('y', 1, '1', { started: '2026-01-01T10:00:00Z' })] };
    assert.equal(pickOneNode([a, b], now)?.nodeName, 'a');
    assert.equal(pickOneNode([], now), undefined);
  });
});

describe('preempt: the answer and the FailedScheduling message', () => {
  test('a node and its victims', () => {
    const snapshot = cluster([mkNode('n1', { cpu: '2' }), mkNode('n2', { cpu: '2' })], {
      n1: [pod('keep', 100, '2')],
      n2: [pod('v1', 1, '1'), pod('v2', 2, '1')],
    });
    const { result } = cycle(pod('p', 10, '1'), snapshot);
    assert.equal(result.nodeName, 'n2');
    assert.deepEqual(names(result.victims), ['v1']);
  });

  test('nothing of lower priority anywhere: no candidates', () => {
    const snapshot = cluster(
      ['n1', 'n2', 'n3'].map((n) => mkNode(n, { cpu: '1' })),
      {
        n1: [pod('a', 10, '1')],
        n2: [pod('b', 10, '1')],
        n3: [pod('c', 20, '1')],
      },
    );
    const { fit, result } = cycle(pod('p', 10, '1'), snapshot);
    assert.equal(result.message, 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    assert.equal(
      fit.messageWith(result.message),
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });

  test('nodes the filters reject outright are not tried: Preemption is not helpful for scheduling', () => {
    const snapshot = cluster([mkNode('n1', { cpu: '1', labels: { disk: 'ssd' } }), mkNode('n2', { cpu: '1' }), mkNode('n3', { cpu: '1' })], {
      n1: [pod('a', 10, '1')],
      n2: [pod('b', 1, '1')],
      n3: [pod('c', 1, '1')],
    });
    const { result } = cycle(pod('p', 10, '1', { nodeSelector: { disk: 'ssd' } }), snapshot);
    assert.equal(
      result.message,
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  test('preemptionPolicy Never: not eligible, nothing evicted', () => {
    const snapshot = cluster([mkNode('n1', { cpu: '1' })], { n1: [pod('low', 1, '1')] });
    const { result } = cycle(pod('p', 10, '1', { policy: 'Never' }), snapshot);
    assert.deepEqual(result, { message: 'preemption: not eligible due to preemptionPolicy=Never.' });
  });

  test('a pod nominated where its victim still terminates waits instead of preempting again', () => {
    const snapshot = cluster([mkNode('n1', { cpu: '1' }), mkNode('n2', { cpu: '1' })], {
      n1: [pod('going', 1, '1', { deleting: true })],
      n2: [pod('other', 1, '1')],
    });
    const { result } = cycle(pod('p', 10, '1', { nominated: 'n1' }), snapshot);
    assert.deepEqual(result, { message: 'preemption: not eligible due to a terminating pod on the nominated node.' });
  });

  test('the snapshot is left as it was', () => {
    const snapshot = cluster([mkNode('n1', { cpu: '2' })], { n1: [pod('a', 1, '1'), pod('b', 2, '1')] });
    const before = snapshot.get('n1')!;
    const { result } = cycle(pod('p', 10, '2'), snapshot);
    assert.deepEqual(names(result.victims), ['b', 'a']);
    assert.equal(snapshot.get('n1'), before);
    assert.equal(before.pods.length, 2);
    assert.equal(before.requested.milliCPU, 2000);
  });
});
