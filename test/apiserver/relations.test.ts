// Relations resolve in one round trip and are batched per request (no N+1).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let selects = 0;
before(async () => {
  t = await startTestServer();
  // Count the store's batched reads (the real store answers; this only counts).
  const store = t.server.store;
  const select = store.select.bind(store);
  store.select = (kind, selection) => {
    selects++;
    return select(kind, selection);
  };

  const node = (name: string) => ({
    metadata: { name, labels: { zone: 'a' } },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
  });
  for (const n of ['n1', 'n2', 'n3']) await t.ok(`mutation($n: NodeInput!) { createNode(node: $n) { metadata { name } } }`, { n: node(n) });
  const rs = await t.ok(`mutation($r: ReplicaSetInput!) { createReplicaSet(replicaSet: $r) { metadata { uid } } }`, {
    r: {
      metadata: { name: 'web-rs' },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    },
  });
  const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs', uid: rs.createReplicaSet.metadata.uid, controller: true }];
  for (let i = 0; i < 6; i++) {
    await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
      p: {
        metadata: { name: `web-${i}`, labels: { app: 'web' }, ownerReferences: owner },
        spec: { nodeName: `n${(i % 3) + 1}`, containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '250m', memory: '64Mi' } } }] },
      },
    });
  }
  await t.ok(`mutation($e: EventInput!) { createEvent(event: $e) { metadata { name } } }`, {
    e: {
      metadata: { name: 'web-0.1' },
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', uid: (await t.ok(`{ pod(name: "web-0") { metadata { uid } } }`)).pod.metadata.uid },
      reason: 'Scheduled',
      message: 'assigned',
      type: 'Normal',
    },
  });
});
after(() => t.stop());

test('Pod.node, Pod.owner and Pod.events, batched', async () => {
  selects = 0;
  const data = await t.ok(
    `{ pods(labelSelector: "app=web") { items { metadata { name } node { metadata { name labels } } owner { __typename ... on ReplicaSet { metadata { name } } } events { reason } } } }`,
  );
  const items = data.pods.items;
  assert.equal(items.length, 6);
  assert.equal(items[0].node.metadata.name, 'n1');
  assert.deepEqual(items[0].node.metadata.labels, { zone: 'a' });
  assert.equal(items[4].owner.__typename, 'ReplicaSet');
  assert.equal(items[4].owner.metadata.name, 'web-rs');
  assert.deepEqual(items[0].events, [{ reason: 'Scheduled' }]);
  assert.deepEqual(items[1].events, []);
  assert.equal(selects, 3, 'one batched read each for nodes, owners and events — not one per pod');
});

test('Node.pods and Node.allocated, batched', async () => {
  selects = 0;
  const data = await t.ok(`{ nodes { items { metadata { name } pods { metadata { name } } allocated } } }`);
  const n1 = data.nodes.items.find((n: { metadata: { name: string } }) => n.metadata.name === 'n1');
  assert.deepEqual(
    n1.pods.map((p: { metadata: { name: string } }) => p.metadata.name),
    ['web-0', 'web-3'],
  );
  assert.deepEqual(n1.allocated, { cpu: '500m', memory: '128Mi' });
  assert.equal(selects, 1);
});

test('ReplicaSet.pods and Namespace.pods with selectors', async () => {
  selects = 0;
  const data = await t.ok(
    `{ replicaSets { items { pods { metadata { name } } } } namespaces { items { metadata { name } pods(labelSelector: "app=web") { metadata { name } } } } }`,
  );
  assert.equal(data.replicaSets.items[0].pods.length, 6);
  const def = data.namespaces.items.find((n: { metadata: { name: string } }) => n.metadata.name === 'default');
  assert.equal(def.pods.length, 6);
  assert.equal(selects, 2);
});
