import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { podTopologySpread } from '../../../src/scheduler/plugins/pod-topology-spread.ts';
import { cluster, mkNode, mkPod, runFilter, runScore } from './fixtures.ts';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const web = (name: string, spec = {}) => mkPod(name, spec, { labels: { app: 'web' } });
const spread = (
  topologyKey: string,
  maxSkew: number,
  whenUnsatisfiable = 'DoNotSchedule',
  extra: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint => ({
  topologyKey,
  maxSkew,
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
});
const nodes = [
  mkNode('a1', { labels: { [ZONE]: 'a' } }),
  mkNode('a2', { labels: { [ZONE]: 'a' } }),
  mkNode('b1', { labels: { [ZONE]: 'b' } }),
  mkNode('nolabel'),
];
const NO = "Unschedulable: node(s) didn't match pod topology spread constraints";
const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

test('PodTopologySpread filter: zone maxSkew 1 — a zone with more matching pods is refused', () => {
  const snap = cluster(nodes, { a1: [web('w1')], a2: [web('w2')], b1: [web('w3')] });
  // a: 2, b: 1 → placing in a makes 3 − 1 = 2 > 1
  assert.deepEqual(runFilter(podTopologySpread, web('p', { topologySpreadConstraints: [spread(ZONE, 1)] }), snap), {
    a1: NO,
    a2: NO,
    b1: 'ok',
    nolabel: MISSING,
  });
  // maxSkew 2 allows it
  assert.deepEqual(runFilter(podTopologySpread, web('p', { topologySpreadConstraints: [spread(ZONE, 2)] }), snap), {
    a1: 'ok',
    a2: 'ok',
    b1: 'ok',
    nolabel: MISSING,
  });
});

test('PodTopologySpread filter: hostname maxSkew 1; a pod that does not match its own selector adds nothing', () => {
  const snap = cluster(nodes.slice(0, 3), { a1: [web('w1')] });
  assert.deepEqual(runFilter(podTopologySpread, web('p', { topologySpreadConstraints: [spread(HOST, 1)] }), snap), { a1: NO, a2: 'ok', b1: 'ok' });
  const other = mkPod('p', { topologySpreadConstraints: [spread(HOST, 1)] }, { labels: { app: 'other' } });
  assert.deepEqual(runFilter(podTopologySpread, other, snap), { a1: 'ok', a2: 'ok', b1: 'ok' });
});

test('PodTopologySpread filter: nodes outside the pod node selector do not count (nodeAffinityPolicy Honor); minDomains', () => {
  const snap = cluster(nodes.slice(0, 3), { a1: [web('w1')] });
  // only zone a nodes count: a1 1, a2 0 → a1 refused
  const pod = web('p', { nodeSelector: { [ZONE]: 'a' }, topologySpreadConstraints: [spread(HOST, 1)] });
  assert.deepEqual(runFilter(podTopologySpread, pod, snap), { a1: NO, a2: 'ok', b1: 'ok' });
  // minDomains 3 with 2 zones: the global minimum counts as 0 → zone a (1 pod) + 1 > 1
  const md = web('p', { topologySpreadConstraints: [spread(ZONE, 1, 'DoNotSchedule', { minDomains: 3 })] });
  assert.deepEqual(runFilter(podTopologySpread, md, snap), { a1: NO, a2: NO, b1: 'ok' });
});

test('PodTopologySpread filter: ScheduleAnyway constraints and pods without constraints are not filtered', () => {
  const snap = cluster(nodes, { a1: [web('w1'), web('w2')] });
  assert.deepEqual(runFilter(podTopologySpread, web('p', { topologySpreadConstraints: [spread(HOST, 1, 'ScheduleAnyway')] }), snap), {
    a1: 'ok',
    a2: 'ok',
    b1: 'ok',
    nolabel: 'ok',
  });
});

test('PodTopologySpread score: ScheduleAnyway — fewer matching pods in the domain scores higher; nodes without the key are ignored (0)', () => {
  const zoneOnly = runScore(
    podTopologySpread,
    web('p', { topologySpreadConstraints: [spread(ZONE, 1, 'ScheduleAnyway')] }),
    cluster(nodes, { a1: [web('w1')], b1: [] }),
  );
  // zone a 1 pod, b 0; 2 zones → weight log(4): raw a round(1.386)=1, b 0 → a 0, b 100; nolabel ignored → 0
  assert.deepEqual(zoneOnly, { a1: 0, a2: 0, b1: 100, nolabel: 0 });
  const snap = cluster(nodes, { a1: [web('w1'), web('w2')], a2: [web('w3')] });
  const s = runScore(podTopologySpread, web('p', { topologySpreadConstraints: [spread(HOST, 1, 'ScheduleAnyway')] }), snap);
  // every node has a hostname: counts 2, 1, 0, 0 → weight log(4 + 2): raw round(3.58)=4, round(1.79)=2, 0, 0 → 100 × (4 + 0 − s) / 4
  assert.deepEqual(s, { a1: 0, a2: 50, b1: 100, nolabel: 100 });
});

test('PodTopologySpread score: system default constraints spread a ReplicaSet’s pods across hosts and zones', () => {
  const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true }];
  const rsPod = (name: string) => mkPod(name, {}, { labels: { app: 'web' }, ownerReferences: owner });
  const snap = cluster(nodes.slice(0, 3), { a1: [rsPod('r1'), rsPod('r2')], a2: [rsPod('r3')], b1: [mkPod('other', {}, { labels: { app: 'web' } })] });
  const s = runScore(podTopologySpread, rsPod('p'), snap) as Record<string, number>;
  assert.ok(s.b1! > s.a2! && s.a2! > s.a1!, JSON.stringify(s));
  assert.equal(s.b1, 100);
  // a pod without an owner has no default constraints
  assert.equal(runScore(podTopologySpread, mkPod('lonely', {}, { labels: { app: 'web' } }), snap), 'skip');
});

test("PodTopologySpread score: the system defaults' zone totals kept between cycles equal a fresh count, whatever changed in between (property)", async () => {
  const { default: fc } = await import('fast-check');
  const { SchedulerCache } = await import('../../../src/scheduler/cache.ts');
  const { snapshotOf } = await import('../../../src/scheduler/snapshot.ts');
  const owners = ['rs-1', 'rs-2'].map((uid) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true }]);
  const op = fc.oneof(
    fc.record({ kind: fc.constant('bind' as const), owner: fc.integer({ min: 0, max: 1 }), node: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('terminate' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('removeNode' as const), node: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('addNode' as const), node: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('score' as const), owner: fc.integer({ min: 0, max: 1 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
      const cache = new SchedulerCache();
      const node = (i: number) => mkNode(`n${i}`, { labels: { 'kubernetes.io/hostname': `n${i}`, 'topology.kubernetes.io/zone': `z${i % 3}` } });
      for (let i = 0; i < 6; i++) cache.setNode(node(i));
      const pods: Pod[] = [];
      let seq = 0;
      for (const o of ops) {
        if (o.kind === 'bind') {
          const p = mkPod(`p${seq}`, { nodeName: `n${o.node}` }, { uid: `u${seq++}`, labels: { app: 'web' }, ownerReferences: owners[o.owner] });
          pods.push(p);
          cache.setPod(p);
        } else if (o.kind === 'remove' && pods.length) {
          cache.removePod(pods.splice(o.pick % pods.length, 1)[0]!);
        } else if (o.kind === 'terminate' && pods.length) {
          const i = o.pick % pods.length;
          pods[i] = { ...pods[i]!, metadata: { ...pods[i]!.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
          cache.setPod(pods[i]!);
        } else if (o.kind === 'removeNode') {
          cache.removeNode(node(o.node));
        } else if (o.kind === 'addNode') {
          cache.setNode(node(o.node));
        } else if (o.kind === 'score') {
          const snap = cache.snapshot();
          const incoming = mkPod(`new${seq++}`, {}, { labels: { app: 'web' }, ownerReferences: owners[o.owner] });
          const kept = runScore(podTopologySpread, incoming, snap);
          const fresh = runScore(podTopologySpread, incoming, snapshotOf([...snap.nodes])); // a new node list: counted afresh
          assert.deepEqual(kept, fresh);
        }
      }
    }),
    { numRuns: 200 },
  );
});
