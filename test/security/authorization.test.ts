// Authorization beyond the matrix: NodeRestriction, escalation prevention, relations
// that must not leak, and watches that end when their right to watch does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
const pod = (name: string, namespace: string, nodeName?: string) => ({
  metadata: { name, namespace },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] },
});
const createPod = (p: unknown) => t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p });
const bind = (name: string, namespace: string, role: string, user: string) =>
  t.ok(`mutation($b: RoleBindingInput!) { createRoleBinding(roleBinding: $b) { metadata { name } } }`, {
    b: {
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }],
    },
  });

before(async () => {
  t = await startTestServer();
  for (const ns of ['a', 'b']) await t.ok(`mutation($n: String!) { createNamespace(namespace: { metadata: { name: $n } }) { metadata { name } } }`, { n: ns });
  for (const n of ['node-1', 'node-2']) await t.ok(`mutation($n: String!) { createNode(node: { metadata: { name: $n } }) { metadata { name } } }`, { n });
  await createPod(pod('on-1', 'a', 'node-1'));
  await createPod(pod('on-2', 'a', 'node-2'));
  await createPod(pod('b-on-1', 'b', 'node-1'));
});
after(() => t.stop());

describe('NodeRestriction', () => {
  let node1: Record<string, string>;
  before(async () => (node1 = as(await t.token('system:node:node-1', ['system:nodes']))));

  test('a node may update its own Node and Lease, and the status of its own pods only', async () => {
    assert.equal(
      code(await t.gql(`mutation { patchNode(name: "node-1", patch: { metadata: { labels: { ready: "yes" } } }) { metadata { name } } }`, undefined, node1)),
      undefined,
    );
    assert.equal(
      code(await t.gql(`mutation { patchNode(name: "node-2", patch: { metadata: { labels: { ready: "no" } } }) { metadata { name } } }`, undefined, node1)),
      'FORBIDDEN',
    );
    assert.equal(code(await t.gql(`mutation { renewLease(name: "node-1", holderIdentity: "node-1") { metadata { name } } }`, undefined, node1)), undefined);
    assert.equal(code(await t.gql(`mutation { renewLease(name: "node-2", holderIdentity: "node-1") { metadata { name } } }`, undefined, node1)), 'FORBIDDEN');
    assert.equal(
      code(await t.gql(`mutation { updatePodStatus(namespace: "a", name: "on-1", status: { phase: "Running" }) { status { phase } } }`, undefined, node1)),
      undefined,
    );
    assert.equal(
      code(await t.gql(`mutation { updatePodStatus(namespace: "a", name: "on-2", status: { phase: "Running" }) { status { phase } } }`, undefined, node1)),
      'FORBIDDEN',
    );
    const before = await t.server.store.currentRevision();
    assert.equal(
      code(await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: pod('sneaky', 'a', 'node-1') }, node1)),
      'FORBIDDEN',
    );
    assert.equal(await t.server.store.currentRevision(), before);
  });
});

describe('escalation prevention', () => {
  test('an admin of a namespace cannot grant what they do not hold, nor bind cluster-admin', async () => {
    await bind('ns-admin', 'a', 'admin', 'alice');
    const alice = as(await t.token('alice'));
    const ok = await t.gql(
      `mutation($r: RoleInput!) { createRole(role: $r) { metadata { name } } }`,
      {
        r: { metadata: { name: 'pod-reader', namespace: 'a' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
      },
      alice,
    );
    assert.equal(code(ok), undefined, JSON.stringify(ok.errors));
    const nodes = await t.gql(
      `mutation($r: RoleInput!) { createRole(role: $r) { metadata { name } } }`,
      {
        r: { metadata: { name: 'everything', namespace: 'a' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
      },
      alice,
    );
    assert.equal(code(nodes), 'FORBIDDEN');
    assert.match(nodes.errors![0].message, /attempting to grant RBAC permissions not currently held/);
    const bindAdmin = await t.gql(
      `mutation($b: RoleBindingInput!) { createRoleBinding(roleBinding: $b) { metadata { name } } }`,
      {
        b: {
          metadata: { name: 'me-root', namespace: 'a' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
        },
      },
      alice,
    );
    assert.equal(code(bindAdmin), 'FORBIDDEN');
    assert.equal((await t.ok(`{ role(namespace: "a", name: "everything") { metadata { name } } }`)).role, null);
  });
});

describe('relations and watches do not leak', () => {
  test('Node.pods shows only pods of namespaces the caller may list', async () => {
    await bind('viewer', 'a', 'view', 'bob');
    const nodeReader = { metadata: { name: 'node-reader' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }] };
    await t.ok(`mutation($r: ClusterRoleInput!) { createClusterRole(clusterRole: $r) { metadata { name } } }`, { r: nodeReader });
    await t.ok(`mutation($b: ClusterRoleBindingInput!) { createClusterRoleBinding(clusterRoleBinding: $b) { metadata { name } } }`, {
      b: {
        metadata: { name: 'bob-node-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-reader' },
        subjects: [{ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }],
      },
    });
    const bob = as(await t.token('bob'));
    const res = await t.gql(`{ node(name: "node-1") { pods { metadata { name namespace } } } }`, undefined, bob);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(res.data!.node.pods, [{ metadata: { name: 'on-1', namespace: 'a' } }], 'the pod in namespace b is not shown');
    const admin = await t.ok(`{ node(name: "node-1") { pods { metadata { name } } } }`);
    assert.equal(admin.node.pods.length, 2);
  });

  test('a watch ends with FORBIDDEN when its caller loses the right to watch', async () => {
    await bind('carol-view', 'b', 'view', 'carol');
    const it = t.ws(await t.token('carol')).iterate({ query: 'subscription { watchPods(namespace: "b") { type object { metadata { name } } } }' });
    const initial = await nextResults(it, 2);
    assert.deepEqual(
      initial.map((r) => (r.data as { watchPods: { type: string } }).watchPods.type),
      ['ADDED', 'BOOKMARK'],
    );
    await t.ok(`mutation { deleteRoleBinding(namespace: "b", name: "carol-view") { metadata { name } } }`);
    await createPod(pod('after-revoke', 'b'));
    // graphql-ws delivers the subscription's terminal error by rejecting the iterator.
    const ended = await nextResults(it, 1).then(
      (r) => r,
      (err: unknown) => err,
    );
    assert.equal((ended as { extensions?: { code?: string } }[])[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(ended));
  });
});

describe('service accounts', () => {
  test('a token requested for a ServiceAccount authenticates as it, and RBAC binds it by ServiceAccount subject', async () => {
    await t.ok(`mutation { createServiceAccount(serviceAccount: { metadata: { name: "robot", namespace: "a" } }) { metadata { name } } }`);
    await t.ok(`mutation($b: RoleBindingInput!) { createRoleBinding(roleBinding: $b) { metadata { name } } }`, {
      b: {
        metadata: { name: 'robot-view', namespace: 'a' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'a' }],
      },
    });
    const { createServiceAccountToken: tr } = await t.ok(`mutation { createServiceAccountToken(namespace: "a", name: "robot") { token expirationTimestamp } }`);
    assert.ok(Date.parse(tr.expirationTimestamp) > Date.now());
    const robot = as(tr.token);
    const me = await t.gql('{ whoami { username groups } }', undefined, robot);
    assert.deepEqual(me.data!.whoami, {
      username: 'system:serviceaccount:a:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:a', 'system:authenticated'],
    });
    assert.equal(code(await t.gql('{ pods(namespace: "a") { metadata { resourceVersion } } }', undefined, robot)), undefined);
    assert.equal(code(await t.gql('{ pods(namespace: "b") { metadata { resourceVersion } } }', undefined, robot)), 'FORBIDDEN');
    assert.equal(
      code(await t.gql(`mutation { createServiceAccountToken(namespace: "a", name: "robot") { token } }`, undefined, robot)),
      'FORBIDDEN',
      'view may not mint tokens',
    );
    assert.equal(code(await t.gql(`mutation { createServiceAccountToken(namespace: "a", name: "nobody") { token } }`)), 'NOT_FOUND');
  });
});
