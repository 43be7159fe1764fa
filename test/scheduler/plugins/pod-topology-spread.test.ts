import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { podTopologySpread } from '../../../src/scheduler/plugins/pod-topology-spread.ts';
import { cluster, mkNode, mkPod, runFilter, runScore } from './fixtures.ts';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const web = (name: string, spec = {}) => mkPod(name, spec, { labels: { app: 'web' } });
const spread = (topologyKey: string, maxSkew: number, whenUnsatisfiable = 'DoNotSchedule', extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  topologyKey,
  maxSkew,
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
});
const nodes = [mkNode('a1', { labels: { [ZONE]: 'a' } }), mkNode('a2', { labels: { [ZONE]: 'a' } }), mkNode('b1', { labels: { [ZONE]: 'b' } }), mkNode('nolabel')];
const NO = "Unschedulable: node(s) didn't match pod topology spread constraints";
const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

test('PodTopologySpread filter: zone maxSkew 1 — a zone with more matching pods is refused', () => {
  const snap = cluster(nodes, { a1: [web('w1')], a2: [web('w2')], b1: [web('w3')] });
  // a: 2, b: 1 → placing in a makes 3 − 1 = 2 > 1
  assert.deepEqual(runFilter(podTopologySpread, web('p', { topologySpreadConstraints: [spread(ZONE, 1)] }), snap), { a1: NO, a2: NO, b1: 'ok', nolabel: MISSING });
  // maxSkew 2 allows it
  assert.deepEqual(runFilter(podTopologySpread, web('p', { topologySpreadConstraints: [spread(ZONE, 2)] }), snap), { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: MISSING });
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
  assert.deepEqual(runFilter(podTopologySpread, web('p', { topologySpreadConstraints: [spread(HOST, 1, 'ScheduleAnyway')] }), snap), { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: 'ok' });
});

test('PodTopologySpread score: ScheduleAnyway — fewer matching pods in the domain scores higher; nodes without the key are ignored (0)', () => {
  const zoneOnly = runScore(podTopologySpread, web('p', { topologySpreadConstraints: [spread(ZONE, 1, 'ScheduleAnyway')] }), cluster(nodes, { a1: [web('w1')], b1: [] }));
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
