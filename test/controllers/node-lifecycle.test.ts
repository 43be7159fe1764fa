// The node lifecycle controller and its taint-based eviction against a real apiserver,
// running through the SDK as system:kube-controller-manager, at --time-scale 50 (the 50 s
// grace period is 1 s, the default 300 s toleration 6 s). The test plays the kubelets:
// it registers Nodes, renews their Leases with renewLease, and stops renewing one; and the
// scheduler: it binds the pods the ReplicaSet controller creates.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Toleration } from 'kubernetes-types/core/v1.js';
import { BindPodDocument, RenewLeaseDocument } from '../../src/client/generated/graphql.ts';
import { nodeLifecycle } from '../../src/controllers/node-lifecycle.ts';
import { replicaSetController } from '../../src/controllers/replicaset.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';

const UNREACHABLE = 'node.kubernetes.io/unreachable';
const NOT_READY = 'node.kubernetes.io/not-ready';

let c: TestCluster;
const heartbeats = new Map<string, NodeJS.Timeout>();

before(async () => {
  c = await startTestCluster({ controllers: [nodeLifecycle, replicaSetController], timeScale: 50 });
});
after(async () => {
  for (const h of heartbeats.values()) clearInterval(h);
  await c.stop();
});

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const renew = (name: string) => c.admin.request(RenewLeaseDocument, { namespace: 'kube-node-lease', name, holderIdentity: name, leaseDurationSeconds: 40 });

/** A kubelet: the Node registered Ready, its Lease renewed every 5 s of cluster time (100 ms here). */
async function kubelet(name: string) {
  const conditions = [
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now(), lastTransitionTime: now() },
  ];
  if (!(await c.admin.resource('Node').get(undefined, name))) {
    await c.admin.resource('Node').create({ metadata: { name }, status: { conditions, capacity: { cpu: '4', memory: '8Gi', pods: '110' } } });
  } else {
    const node = (await c.admin.resource('Node').get(undefined, name))!;
    await c.admin.resource('Node').updateStatus(undefined, name, { ...node.status, conditions });
  }
  await renew(name);
  heartbeats.set(
    name,
    setInterval(() => void renew(name).catch(() => undefined), 100),
  );
}

function crash(name: string) {
  clearInterval(heartbeats.get(name));
  heartbeats.delete(name);
}

async function podOn(name: string, node: string, tolerations?: Toleration[]) {
  const pod = await c.admin.resource('Pod').create({
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) },
  });
  await c.admin.request(BindPodDocument, { namespace: 'default', name, nodeName: node });
  await c.admin.resource('Pod').updateStatus('default', name, { phase: 'Running', podIP: '10.244.0.9', conditions: [{ type: 'Ready', status: 'True' }] });
  return pod;
}

const getPod = (name: string) => c.admin.resource('Pod').get('default', name);
const getNode = (name: string) => c.admin.resource('Node').get(undefined, name);
const evicted = async (name: string) => {
  const p = await getPod(name);
  return !p || Boolean(p.metadata.deletionTimestamp);
};
const eventsAbout = async (name: string, reason: string) =>
  (await c.admin.resource('Event').list({ namespace: 'default' })).items.filter((e) => e.involvedObject.name === name && e.reason === reason);

describe('DefaultTolerationSeconds admission', () => {
  test('pods get the not-ready and unreachable NoExecute tolerations for 300 s unless they already tolerate them', async () => {
    const plain = await c.admin
      .resource('Pod')
      .create({ metadata: { name: 'plain', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    assert.deepEqual(plain.spec?.tolerations, [
      { key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const own = await c.admin.resource('Pod').create({
      metadata: { name: 'own', namespace: 'default' },
      spec: {
        containers: [{ name: 'c', image: 'nginx' }],
        tolerations: [
          { key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
          { key: NOT_READY, operator: 'Exists', effect: 'NoSchedule' },
        ],
      },
    });
    assert.deepEqual(
      own.spec?.tolerations,
      [
        { key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
        { key: NOT_READY, operator: 'Exists', effect: 'NoSchedule' },
        { key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      'a NoSchedule toleration does not count; the NoExecute one is kept as given',
    );
    const everything = await c.admin.resource('Pod').create({
      metadata: { name: 'everything', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx' }], tolerations: [{ operator: 'Exists' }] },
    });
    assert.deepEqual(everything.spec?.tolerations, [{ operator: 'Exists' }], 'a toleration of every taint covers both');
    for (const n of ['plain', 'own', 'everything']) await c.admin.resource('Pod').delete('default', n, { gracePeriodSeconds: 0 });
  });
});

describe('node lifecycle', () => {
  test('an unreachable node gets Ready=Unknown and the unreachable taints; its pods are evicted after their toleration, and a node back loses the taints', async () => {
    await kubelet('node-a');
    await kubelet('node-b');
    await podOn('web-healthy', 'node-a');
    await podOn('web-default', 'node-b'); // 300 s, from admission
    await podOn('web-short', 'node-b', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
    await podOn('web-forever', 'node-b', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }]);

    crash('node-b');
    const node = await eventually(
      async () => {
        const n = await getNode('node-b');
        const taints = n?.spec?.taints ?? [];
        return taints.some((t) => t.key === UNREACHABLE && t.effect === 'NoExecute') && taints.some((t) => t.key === UNREACHABLE && t.effect === 'NoSchedule')
          ? n
          : undefined;
      },
      30_000,
      'node-b tainted unreachable',
    );
    const ready = node.status!.conditions!.find((x) => x.type === 'Ready')!;
    assert.deepEqual(
      { status: ready.status, reason: ready.reason, message: ready.message },
      { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' },
    );
    assert.ok(
      node.spec!.taints!.every((t) => t.timeAdded),
      'taints carry timeAdded',
    );
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      assert.equal(node.status!.conditions!.find((x) => x.type === type)?.reason, 'NodeStatusNeverUpdated');
    }
    const a = await getNode('node-a');
    assert.equal(a?.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True', 'the node that heartbeats stays Ready');
    assert.equal((a?.spec?.taints ?? []).length, 0);

    // Its pods are marked not ready, each with a NodeNotReady event; the node has one too.
    await eventually(
      async () => (await getPod('web-forever'))?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'False',
      20_000,
      'web-forever not ready',
    );
    const [notReady] = await eventually(() => eventsAbout('web-forever', 'NodeNotReady'), 20_000, 'NodeNotReady event on the pod');
    assert.deepEqual({ type: notReady.type, message: notReady.message }, { type: 'Warning', message: 'Node is not ready' });
    const [nodeEvent] = await eventually(() => eventsAbout('node-b', 'NodeNotReady'), 20_000, 'NodeNotReady event on the node');
    assert.equal(nodeEvent.message, 'Node node-b status is now: NodeNotReady');

    // tolerationSeconds 60 (1.2 s here) goes before the default 300 (6 s).
    await eventually(() => evicted('web-short'), 30_000, 'web-short evicted');
    assert.equal(await evicted('web-default'), false, 'web-default still within its 300 s');
    await eventually(() => evicted('web-default'), 60_000, 'web-default evicted');
    const [eviction] = await eventually(() => eventsAbout('web-default', 'TaintManagerEviction'), 20_000, 'TaintManagerEviction event');
    assert.equal(eviction.message, 'Marking for deletion Pod default/web-default');
    const disrupted = await getPod('web-default');
    if (disrupted) assert.equal(disrupted.status?.conditions?.find((x) => x.type === 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
    assert.equal(await evicted('web-forever'), false, 'a toleration without tolerationSeconds keeps the pod');
    assert.equal(await evicted('web-healthy'), false, 'pods of the healthy node stay');

    // The kubelet comes back: Ready again, the taints go.
    await kubelet('node-b');
    await eventually(async () => ((await getNode('node-b'))?.spec?.taints?.length ? undefined : true), 30_000, 'node-b untainted');
    assert.equal(await evicted('web-forever'), false);
  });

  test("an unreachable node's ReplicaSet pods are evicted after their toleration and replaced", async () => {
    const rs = await c.admin.resource('ReplicaSet').create({
      metadata: { name: 'api', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [{ name: 'c', image: 'nginx' }],
            tolerations: [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
          },
        },
      },
    });
    const owned = async () =>
      (await c.admin.resource('Pod').list({ namespace: 'default', labelSelector: 'app=api' })).items.filter((p) =>
        p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid),
      );
    /** Binds the ReplicaSet's unbound pods to `node` and reports them running (scheduler and kubelet). */
    const schedule = async (node: string) => {
      for (const p of await owned()) {
        if (p.spec?.nodeName || p.metadata.deletionTimestamp) continue;
        await c.admin.request(BindPodDocument, { namespace: 'default', name: p.metadata.name, nodeName: node });
        await c.admin
          .resource('Pod')
          .updateStatus('default', p.metadata.name, { phase: 'Running', podIP: '10.244.1.9', conditions: [{ type: 'Ready', status: 'True' }] });
      }
    };
    const first = await eventually(
      async () => {
        const p = await owned();
        return p.length === 2 ? p : undefined;
      },
      20_000,
      'two api pods',
    );
    await schedule('node-b');
    crash('node-b');
    await eventually(async () => (await Promise.all(first.map((p) => evicted(p.metadata.name)))).every(Boolean), 30_000, 'the first pods evicted');
    const replacements = await eventually(
      async () => {
        const live = (await owned()).filter((p) => !p.metadata.deletionTimestamp && !first.some((f) => f.metadata.uid === p.metadata.uid));
        return live.length === 2 ? live : undefined;
      },
      30_000,
      'two replacement pods',
    );
    await schedule('node-a');
    for (const p of replacements) assert.equal((await getPod(p.metadata.name))?.spec?.nodeName, 'node-a');
    await kubelet('node-b');
    await eventually(async () => ((await getNode('node-b'))?.spec?.taints?.length ? undefined : true), 30_000, 'node-b untainted');
    await c.admin.resource('ReplicaSet').patch('default', 'api', { spec: { replicas: 0 } });
  });

  test('when every node is unreachable the controller suspects itself: nodes go Unknown but no NoExecute taint evicts their pods', async () => {
    // node-a and node-b from the scenario above, plus node-c: all stop heartbeating.
    await kubelet('node-c');
    await podOn('lonely', 'node-c');
    for (const n of ['node-a', 'node-b', 'node-c']) crash(n);
    await eventually(
      async () => {
        const nodes = await Promise.all(['node-a', 'node-b', 'node-c'].map(getNode));
        return nodes.every(
          (n) =>
            n?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'Unknown' &&
            n.spec?.taints?.some((t) => t.key === UNREACHABLE && t.effect === 'NoSchedule'),
        );
      },
      30_000,
      'every node Unknown and unschedulable',
    );
    // Several monitor periods later, still no NoExecute taint and the pod is still there.
    await new Promise((r) => setTimeout(r, 1000));
    const nodes = await Promise.all(['node-a', 'node-b', 'node-c'].map(getNode));
    assert.ok(
      nodes.every((n) => !n?.spec?.taints?.some((t) => t.effect === 'NoExecute')),
      'no NoExecute taint in full disruption',
    );
    assert.equal(await evicted('lonely'), false);
  });
});
