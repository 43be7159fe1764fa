import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { interPodAffinity } from '../../../src/scheduler/plugins/inter-pod-affinity.ts';
import { cluster, mkNode, mkPod, runFilter, runScore } from './fixtures.ts';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const term = (app: string, topologyKey: string): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const labelled = (name: string, app: string, spec = {}) => mkPod(name, spec, { labels: { app } });
const nodes = [mkNode('a1', { labels: { [ZONE]: 'a' } }), mkNode('a2', { labels: { [ZONE]: 'a' } }), mkNode('b1', { labels: { [ZONE]: 'b' } })];

const AFF = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

test('InterPodAffinity filter: required affinity by zone follows the matching pod into its zone', () => {
  const snap = cluster(nodes, { a2: [labelled('db', 'db')] });
  const pod = mkPod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } } });
  assert.deepEqual(runFilter(interPodAffinity, pod, snap), { a1: 'ok', a2: 'ok', b1: AFF });
});

test('InterPodAffinity filter: required affinity by hostname, and the first pod of a self-affine group may go anywhere', () => {
  const self = labelled('p', 'web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', HOST)] } } });
  assert.deepEqual(runFilter(interPodAffinity, self, cluster(nodes)), { a1: 'ok', a2: 'ok', b1: 'ok' });
  assert.deepEqual(runFilter(interPodAffinity, self, cluster(nodes, { b1: [labelled('w', 'web')] })), { a1: AFF, a2: AFF, b1: 'ok' });
  // not self-matching and nothing to follow: nowhere
  const other = mkPod('q', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', HOST)] } } });
  assert.deepEqual(runFilter(interPodAffinity, other, cluster(nodes)), { a1: AFF, a2: AFF, b1: AFF });
});

test('InterPodAffinity filter: required anti-affinity by hostname and by zone', () => {
  const snap = cluster(nodes, { a1: [labelled('w', 'web')] });
  const byHost = labelled('p', 'web', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', HOST)] } } });
  assert.deepEqual(runFilter(interPodAffinity, byHost, snap), { a1: ANTI, a2: 'ok', b1: 'ok' });
  const byZone = labelled('p', 'web', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } } });
  assert.deepEqual(runFilter(interPodAffinity, byZone, snap), { a1: ANTI, a2: ANTI, b1: 'ok' });
});

test("InterPodAffinity filter: an existing pod's required anti-affinity keeps matching pods out of its domain (symmetry)", () => {
  const guard = labelled('g', 'guard', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } } });
  const snap = cluster(nodes, { a1: [guard] });
  assert.deepEqual(runFilter(interPodAffinity, labelled('p', 'web'), snap), { a1: EXISTING, a2: EXISTING, b1: 'ok' });
  assert.deepEqual(runFilter(interPodAffinity, labelled('p', 'other'), snap), { a1: 'ok', a2: 'ok', b1: 'ok' });
  // other namespaces are not matched unless named
  assert.deepEqual(runFilter(interPodAffinity, mkPod('p', {}, { namespace: 'x', labels: { app: 'web' } }), snap), { a1: 'ok', a2: 'ok', b1: 'ok' });
});

test('InterPodAffinity: nothing to do (skip) when neither the pod nor any placed pod has terms', () => {
  const snap = cluster(nodes, { a1: [labelled('w', 'web')] });
  assert.deepEqual(runFilter(interPodAffinity, labelled('p', 'web'), snap), { a1: 'ok', a2: 'ok', b1: 'ok' });
  assert.equal(runScore(interPodAffinity, labelled('p', 'web'), snap), 'skip');
});

test('InterPodAffinity score: preferred affinity and anti-affinity by zone, min–max normalized', () => {
  const snap = cluster(nodes, { a1: [labelled('c', 'cache')], b1: [labelled('n', 'noisy')] });
  const pod = mkPod('p', {
    affinity: {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('cache', ZONE) }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('noisy', HOST) }] },
    },
  });
  // raw: a1 10, a2 10, b1 −5 → (s − min) × 100 / (max − min)
  assert.deepEqual(runScore(interPodAffinity, pod, snap), { a1: 100, a2: 100, b1: 0 });
});

test("InterPodAffinity score: an existing pod's required affinity to the incoming pod attracts it (hardPodAffinityWeight 1)", () => {
  const follower = labelled('f', 'f', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('leader', HOST)] } } });
  const snap = cluster(nodes, { a2: [follower] });
  assert.deepEqual(runScore(interPodAffinity, labelled('p', 'leader'), snap), { a1: 0, a2: 100, b1: 0 });
});
