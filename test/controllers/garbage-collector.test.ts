// The garbage collector (with the ReplicaSet controller, as in a cluster) against a real
// apiserver: background, foreground and orphan deletion of a ReplicaSet each leave exactly
// what Kubernetes leaves, and dangling owner references make garbage.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../src/client/client.ts';
import * as operations from '../../src/client/generated/graphql.ts';
import type { KubeObjectOf } from '../../src/client/resources.ts';
import { garbageCollector } from '../../src/controllers/garbage-collector.ts';
import { replicaSetController } from '../../src/controllers/replicaset.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';

type Pod = KubeObjectOf<'Pod'>;
type RS = KubeObjectOf<'ReplicaSet'>;

const NS = 'default';
const MISSING_UID = '00000000-0000-4000-8000-000000000000';

function replicaSet(name: string, replicas: number, ownerReferences?: unknown[]) {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
}

const pod = (name: string, ownerReferences?: unknown[], labels: Record<string, string> = { app: 'loose' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels, ...(ownerReferences ? { ownerReferences } : {}) },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

const rsRef = (rs: { metadata: { name: string; uid: string } }, extra: Record<string, unknown> = { controller: true, blockOwnerDeletion: true }) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: rs.metadata.name,
  uid: rs.metadata.uid,
  ...extra,
});

async function podsWithLabel(c: Client, app: string): Promise<Pod[]> {
  return (await c.resource('Pod').list({ namespace: NS, labelSelector: `app=${app}` })).items;
}

/** A ReplicaSet with its `n` pods created by the controller. */
async function runningReplicaSet(c: Client, name: string, n: number, ownerReferences?: unknown[]): Promise<{ rs: RS; pods: Pod[] }> {
  const rs = await c.resource('ReplicaSet').create(replicaSet(name, n, ownerReferences) as never);
  const pods = await eventually(
    async () => {
      const p = await podsWithLabel(c, name);
      return p.length === n ? p : undefined;
    },
    20_000,
    `${n} pods of ${name}`,
  );
  await eventually(async () => (await c.resource('ReplicaSet').get(NS, name))?.status?.replicas === n, 20_000, `status of ${name}`);
  return { rs, pods };
}

describe('garbage collector', () => {
  let cluster: TestCluster;
  let restarted: TestCluster | undefined;
  let admin: Client;
  before(async () => {
    cluster = await startTestCluster({ controllers: [replicaSetController, garbageCollector], timeScale: 100 });
    admin = cluster.admin;
  });
  after(async () => {
    await restarted?.stop(); // shares cluster's apiserver
    await cluster.stop();
  });

  test('background deletion: the ReplicaSet goes at once, then its pods', async () => {
    const { pods } = await runningReplicaSet(admin, 'bg', 3);
    const left = await admin.resource('ReplicaSet').delete(NS, 'bg'); // BACKGROUND is the default
    assert.equal(left?.metadata.deletionTimestamp, undefined, 'no finalizer holds the owner');
    assert.equal(await admin.resource('ReplicaSet').get(NS, 'bg'), null, 'the owner is deleted immediately');
    await eventually(async () => (await podsWithLabel(admin, 'bg')).length === 0, 20_000, 'pods collected');
    for (const p of pods) assert.equal(await admin.resource('Pod').get(NS, p.metadata.name), null);
  });

  test('foreground deletion: dependents first — the ReplicaSet stays with the foregroundDeletion finalizer until its blocking pods are gone', async () => {
    const { rs, pods } = await runningReplicaSet(admin, 'fg', 3);
    // One pod runs on a node: its deletion is graceful and waits for the kubelet.
    await admin.request(operations.BindPodDocument, { namespace: NS, name: pods[0].metadata.name, nodeName: 'node-1' });
    const left = await admin.resource('ReplicaSet').delete(NS, 'fg', { propagationPolicy: 'FOREGROUND' });
    assert.ok(left?.metadata.deletionTimestamp);
    assert.deepEqual(left?.metadata.finalizers, ['foregroundDeletion']);

    const terminating = await eventually(
      async () => {
        const p = await podsWithLabel(admin, 'fg');
        return p.length === 1 && p[0].metadata.deletionTimestamp ? p[0] : undefined;
      },
      20_000,
      'unbound pods deleted, the bound one terminating',
    );
    assert.equal(terminating.metadata.uid, pods[0].metadata.uid);
    // The ReplicaSet controller does not replace pods of a ReplicaSet being deleted, and the owner waits.
    const waiting = await admin.resource('ReplicaSet').get(NS, 'fg');
    assert.equal(waiting?.metadata.uid, rs.metadata.uid);
    assert.deepEqual(waiting?.metadata.finalizers, ['foregroundDeletion']);
    assert.equal((await podsWithLabel(admin, 'fg')).length, 1);

    // The kubelet confirms the pod stopped.
    await admin.resource('Pod').delete(NS, terminating.metadata.name, { gracePeriodSeconds: 0 });
    await eventually(async () => (await admin.resource('ReplicaSet').get(NS, 'fg')) === null, 20_000, 'the owner goes last');
    assert.equal((await podsWithLabel(admin, 'fg')).length, 0);
  });

  test('orphan deletion: the ReplicaSet goes, its pods stay without the owner reference', async () => {
    const { pods } = await runningReplicaSet(admin, 'or', 3);
    const left = await admin.resource('ReplicaSet').delete(NS, 'or', { propagationPolicy: 'ORPHAN' });
    assert.deepEqual(left?.metadata.finalizers, ['orphan']);
    await eventually(async () => (await admin.resource('ReplicaSet').get(NS, 'or')) === null, 20_000, 'the owner goes once orphaning is done');
    const remaining = await podsWithLabel(admin, 'or');
    assert.deepEqual(remaining.map((p) => p.metadata.uid).sort(), pods.map((p) => p.metadata.uid).sort(), 'the same three pods');
    for (const p of remaining) {
      assert.equal(p.metadata.ownerReferences, undefined, `${p.metadata.name} has no owner`);
      assert.equal(p.metadata.deletionTimestamp, undefined);
    }
    // Nothing collects them later either.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await podsWithLabel(admin, 'or')).length, 3);
  });

  test('foreground through a chain: Deployment → ReplicaSet → pods, each owner after its dependents', async () => {
    const deployment = await admin.resource('Deployment').create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'chain', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'chain-d' } },
        template: { metadata: { labels: { app: 'chain-d' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    } as never);
    const owner = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'chain', uid: deployment.metadata.uid, controller: true, blockOwnerDeletion: true }];
    await runningReplicaSet(admin, 'chain', 2, owner);
    const seen: string[] = [];
    const stop = admin.resource('ReplicaSet').watch(
      { namespace: NS },
      {
        next: (e) => {
          if (e.object.metadata.name === 'chain') seen.push(`${e.type}:${(e.object.metadata.finalizers ?? []).join(',')}`);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      await admin.resource('Deployment').delete(NS, 'chain', { propagationPolicy: 'FOREGROUND' });
      await eventually(async () => (await admin.resource('Deployment').get(NS, 'chain')) === null, 20_000, 'the Deployment goes last');
      assert.equal(await admin.resource('ReplicaSet').get(NS, 'chain'), null);
      assert.equal((await podsWithLabel(admin, 'chain')).length, 0);
      await eventually(() => seen.some((s) => s.startsWith('DELETED')), 5_000, 'the ReplicaSet deletion seen');
      assert.ok(seen.includes('MODIFIED:foregroundDeletion'), `the ReplicaSet, having dependents, was deleted in the foreground too: ${seen.join(' ')}`);
    } finally {
      stop();
    }
  });

  test('a dangling owner reference makes garbage; a live owner keeps its dependent and loses only the dangling reference', async () => {
    const keeper = await admin.resource('ReplicaSet').create(replicaSet('keeper', 0) as never);
    const ghost = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: MISSING_UID };
    await admin.resource('Pod').create(pod('dangling', [ghost]) as never);
    // A uid mismatch is as absent as a missing name: "keeper" exists, with another uid.
    await admin.resource('Pod').create(pod('stale-uid', [{ ...ghost, name: 'keeper' }]) as never);
    await admin.resource('Pod').create(pod('half', [ghost, rsRef(keeper, { controller: false })]) as never);
    await eventually(
      async () => !(await admin.resource('Pod').get(NS, 'dangling')) && !(await admin.resource('Pod').get(NS, 'stale-uid')),
      20_000,
      'garbage collected',
    );
    const half = await eventually(
      async () => {
        const p = await admin.resource('Pod').get(NS, 'half');
        return p?.metadata.ownerReferences?.length === 1 ? p : undefined;
      },
      20_000,
      'the dangling reference removed',
    );
    assert.deepEqual(half.metadata.ownerReferences, [rsRef(keeper, { controller: false })]);
    assert.equal(half.metadata.deletionTimestamp, undefined);
  });

  test('foreground deletion does not wait for dependents that do not block, but still deletes them', async () => {
    const owner = await admin.resource('ReplicaSet').create(replicaSet('nb', 0) as never);
    await admin.resource('Pod').create(pod('nb-1', [rsRef(owner, { blockOwnerDeletion: false })], { app: 'nb-free' }) as never);
    await admin.request(operations.BindPodDocument, { namespace: NS, name: 'nb-1', nodeName: 'node-1' }); // graceful: stays terminating
    await admin.resource('ReplicaSet').delete(NS, 'nb', { propagationPolicy: 'FOREGROUND' });
    await eventually(async () => (await admin.resource('ReplicaSet').get(NS, 'nb')) === null, 20_000, 'the owner went without waiting');
    const p = await eventually(
      async () => {
        const x = await admin.resource('Pod').get(NS, 'nb-1');
        return x?.metadata.deletionTimestamp ? x : undefined;
      },
      20_000,
      'the dependent deleted too',
    );
    assert.ok(p);
  });

  test('a restarted garbage collector finishes what a deleted owner left', async () => {
    await cluster.manager.stop();
    try {
      const orphanOwner = await admin.resource('ReplicaSet').create(replicaSet('later', 0) as never);
      await admin.resource('Pod').create(pod('later-1', [rsRef(orphanOwner)], { app: 'later-x' }) as never);
      await admin.resource('ReplicaSet').delete(NS, 'later');
      assert.ok(await admin.resource('Pod').get(NS, 'later-1'), 'nothing collects while no collector runs');
    } finally {
      restarted = await startTestCluster({ apiserver: cluster.t, controllers: [replicaSetController, garbageCollector], timeScale: 100 });
    }
    await eventually(async () => (await admin.resource('Pod').get(NS, 'later-1')) === null, 20_000, 'collected after the restart');
  });
});
