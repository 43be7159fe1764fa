// The Namespace controller against a real apiserver, running through the SDK as
// system:kube-controller-manager: a deleted namespace is emptied, then finalized away.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BindPodDocument } from '../../src/client/generated/graphql.ts';
import { namespaceController } from '../../src/controllers/namespace.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: [namespaceController], timeScale: 10 });
});
after(async () => {
  await c.stop();
});

const container = { name: 'c', image: 'nginx' };

/** 100 objects of eight kinds in `ns`. */
async function fill(ns: string): Promise<number> {
  const a = c.admin;
  let n = 0;
  for (let i = 0; i < 30; i++, n++)
    await a.resource('Pod').create({ metadata: { name: `pod-${i}`, namespace: ns, labels: { app: 'x' } }, spec: { containers: [container] } });
  for (let i = 0; i < 10; i++, n++) await a.resource('Service').create({ metadata: { name: `svc-${i}`, namespace: ns }, spec: { ports: [{ port: 80 }] } });
  for (let i = 0; i < 10; i++, n++) await a.resource('ServiceAccount').create({ metadata: { name: `sa-${i}`, namespace: ns } });
  for (let i = 0; i < 10; i++, n++)
    await a.resource('Role').create({ metadata: { name: `role-${i}`, namespace: ns }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
  for (let i = 0; i < 10; i++, n++) {
    await a.resource('RoleBinding').create({
      metadata: { name: `rb-${i}`, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role-${i}` },
      subjects: [{ kind: 'User', name: `u${i}`, apiGroup: 'rbac.authorization.k8s.io' }],
    });
  }
  for (let i = 0; i < 10; i++, n++)
    await a.resource('Lease').create({ metadata: { name: `lease-${i}`, namespace: ns }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });
  const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [container] } };
  for (let i = 0; i < 10; i++, n++)
    await a
      .resource('Deployment')
      .create({ metadata: { name: `deploy-${i}`, namespace: ns }, spec: { replicas: 0, selector: { matchLabels: { app: 'x' } }, template } });
  for (let i = 0; i < 10; i++, n++)
    await a
      .resource('ReplicaSet')
      .create({ metadata: { name: `rs-${i}`, namespace: ns }, spec: { replicas: 0, selector: { matchLabels: { app: 'x' } }, template } });
  return n;
}

const KINDS = ['Pod', 'Service', 'ServiceAccount', 'Role', 'RoleBinding', 'Lease', 'Deployment', 'ReplicaSet', 'EndpointSlice', 'Event'] as const;

async function count(ns: string): Promise<number> {
  let total = 0;
  for (const kind of KINDS) total += (await c.admin.resource(kind).list({ namespace: ns })).items.length;
  return total;
}

describe('namespace deletion', () => {
  test('a namespace with 100 objects of several kinds empties and disappears', async () => {
    await c.admin.resource('Namespace').create({ metadata: { name: 'team-a' } });
    assert.equal(await fill('team-a'), 100);
    assert.equal(await count('team-a'), 100);
    const deleting = await c.admin.resource('Namespace').delete(undefined, 'team-a');
    assert.equal(deleting?.status?.phase, 'Terminating');
    assert.deepEqual(deleting?.spec?.finalizers, ['kubernetes']);
    await eventually(async () => (await c.admin.resource('Namespace').get(undefined, 'team-a')) === null, 60_000, 'namespace team-a gone');
    assert.equal(await count('team-a'), 0);
    // Other namespaces are untouched.
    assert.ok(await c.admin.resource('Namespace').get(undefined, 'default'));
  });

  test('content held by a finalizer or a graceful pod deletion keeps the namespace Terminating, with conditions saying why', async () => {
    const a = c.admin;
    await a.resource('Namespace').create({ metadata: { name: 'team-b' } });
    await a.resource('ServiceAccount').create({ metadata: { name: 'held', namespace: 'team-b', finalizers: ['example.com/hold'] } });
    // A pod a kubelet runs: its deletion is graceful and completes when the kubelet says so.
    await a
      .resource('Pod')
      .create({ metadata: { name: 'running', namespace: 'team-b' }, spec: { containers: [container], terminationGracePeriodSeconds: 600 } });
    await a.request(BindPodDocument, { namespace: 'team-b', name: 'running', nodeName: 'node-1' });

    await a.resource('Namespace').delete(undefined, 'team-b');
    const ns = await eventually(
      async () => {
        const n = await a.resource('Namespace').get(undefined, 'team-b');
        const remaining = n?.status?.conditions?.find((x) => x.type === 'NamespaceContentRemaining');
        return remaining?.status === 'True' && n?.status?.conditions?.find((x) => x.type === 'NamespaceFinalizersRemaining')?.status === 'True' ? n : undefined;
      },
      30_000,
      'conditions on team-b',
    );
    const cond = (type: string) => ns.status!.conditions!.find((x) => x.type === type)!;
    assert.equal(cond('NamespaceContentRemaining').reason, 'SomeResourcesRemain');
    assert.equal(
      cond('NamespaceContentRemaining').message,
      'Some resources are remaining: pods. has 1 resource instances, serviceaccounts. has 1 resource instances',
    );
    assert.equal(cond('NamespaceFinalizersRemaining').reason, 'SomeFinalizerRemain');
    assert.equal(cond('NamespaceFinalizersRemaining').message, 'Some finalizers are remaining: example.com/hold in 1 resource instances');
    assert.deepEqual(
      { status: cond('NamespaceDeletionContentFailure').status, reason: cond('NamespaceDeletionContentFailure').reason },
      { status: 'False', reason: 'ContentDeleted' },
    );
    assert.equal(ns.status?.phase, 'Terminating');

    const pod = await a.resource('Pod').get('team-b', 'running');
    assert.ok(pod?.metadata.deletionTimestamp, 'the pod is terminating, not gone');
    // The kubelet finishes the pod; the finalizer's owner lets the ServiceAccount go.
    await a.resource('Pod').delete('team-b', 'running', { gracePeriodSeconds: 0 });
    await a.resource('ServiceAccount').patch('team-b', 'held', { metadata: { finalizers: null } });
    await eventually(async () => (await a.resource('Namespace').get(undefined, 'team-b')) === null, 30_000, 'namespace team-b gone');
  });

  test('a namespace that is not being deleted is left alone', async () => {
    await c.admin.resource('Namespace').create({ metadata: { name: 'team-c' } });
    await c.admin.resource('ServiceAccount').create({ metadata: { name: 'sa', namespace: 'team-c' } });
    // Something for the controller to have looked at meanwhile: another namespace deleted and gone.
    await c.admin.resource('Namespace').create({ metadata: { name: 'team-d' } });
    await c.admin.resource('Namespace').delete(undefined, 'team-d');
    await eventually(async () => (await c.admin.resource('Namespace').get(undefined, 'team-d')) === null, 30_000, 'team-d gone');
    assert.ok(await c.admin.resource('ServiceAccount').get('team-c', 'sa'));
    assert.equal((await c.admin.resource('Namespace').get(undefined, 'team-c'))?.status?.phase, 'Active');
  });
});
