// Watches through the real server over WebSocket, across kinds: a watch resumed from a
// resourceVersion delivers only its own kind — from the in-memory window and from the
// change log alike — relations in watch events are read afresh for every event, and a
// failure while serving a watch is masked exactly as on HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
const logged: Record<string, unknown>[] = [];
// A small window: a resume a few writes back is served from the change log.
before(async () => (t = await startTestServer({ store: { windowSize: 4 }, logger: { error: (_m, d) => logged.push(d) } })));
after(() => t.stop());

type Result = {
  data?: Record<
    string,
    { type: string; object: { __typename: string; kind: string; metadata: { name: string; namespace?: string | null; resourceVersion: string } } }
  >;
  errors?: { message: string; extensions?: { code?: string; requestId?: string } }[];
};

const manifests = (i: number) => ({
  Pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  Node: { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` }, spec: {} },
  Lease: {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: `lease-${i}`, namespace: 'default' },
    spec: { holderIdentity: 'x', leaseDurationSeconds: 40 },
  },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `role-${i}`, namespace: 'default' }, rules: [] },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${i}`, namespace: 'default' } },
});

const apply = (manifest: object) =>
  t.ok<{ apply: { metadata: { resourceVersion: string } } }>(
    `mutation($m: JSON!) { apply(manifest: $m) { ... on Pod { metadata { resourceVersion } } ... on Node { metadata { resourceVersion } } ... on Lease { metadata { resourceVersion } } ... on Role { metadata { resourceVersion } } ... on ServiceAccount { metadata { resourceVersion } } } }`,
    { m: manifest },
  );

const WATCHED = [
  { kind: 'Pod', field: 'watchPods', args: 'namespace: "default", ' },
  { kind: 'Node', field: 'watchNodes', args: '' },
  { kind: 'Lease', field: 'watchLeases', args: 'namespace: "default", ' },
] as const;

test('a resumed watch of Pods, Nodes or Leases delivers only its own kind, from the window and from the log', async () => {
  const rv = (await t.ok<{ pods: { metadata: { resourceVersion: string } } }>('{ pods { metadata { resourceVersion } } }')).pods.metadata.resourceVersion;
  // Five rounds of every kind: more writes than the window holds.
  const written: { kind: string; name: string; rv: string }[] = [];
  for (let i = 0; i < 5; i++) {
    for (const [kind, m] of Object.entries(manifests(i))) written.push({ kind, name: m.metadata.name, rv: (await apply(m)).apply.metadata.resourceVersion });
  }
  let sentinels = 0;
  for (const resume of ['from the log', 'from the window']) {
    for (const w of WATCHED) {
      let from = rv;
      if (resume === 'from the window') {
        // Resume from just before a Role and a ServiceAccount: all within the window.
        from = (await apply(manifests(2000 + sentinels).ServiceAccount)).apply.metadata.resourceVersion;
        for (const kind of ['Role', 'ServiceAccount'] as const) {
          const m = manifests(3000 + sentinels)[kind];
          written.push({ kind, name: m.metadata.name, rv: (await apply(m)).apply.metadata.resourceVersion });
        }
      }
      const want = written.filter((x) => x.kind === w.kind && Number(x.rv) > Number(from));
      const query = `subscription($rv: String) { ${w.field}(${w.args}resourceVersion: $rv) { type object { __typename kind metadata { name namespace resourceVersion } } } }`;
      const it = t.ws().iterate({ query, variables: { rv: from } }) as AsyncIterator<Result>;
      const got = await nextResults(it, want.length);
      // Then a new object of the watched kind must be the very next event: nothing else came in between.
      const sentinel = (manifests(1000 + sentinels++) as Record<string, { metadata: { name: string } }>)[w.kind];
      const sentinelRv = (await apply(sentinel)).apply.metadata.resourceVersion;
      got.push(...(await nextResults(it, 1)));
      await it.return!();
      want.push({ kind: w.kind, name: sentinel.metadata.name, rv: sentinelRv });
      const events = got.map((r) => r.data![w.field]);
      for (const e of events) {
        assert.equal(e.object.__typename, w.kind, `${w.field} ${resume} delivered a ${e.object.kind}`);
        assert.equal(e.object.kind, w.kind);
      }
      assert.deepEqual(
        events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion]),
        want.map((x) => ['ADDED', x.name, x.rv]),
        `${w.field} ${resume}`,
      );
      written.push(want[want.length - 1]);
    }
  }
});

test('a user who may watch pods but not roles never receives a role from a resumed pod watch', async () => {
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-watcher', namespace: 'default' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  });
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'pod-watcher', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-watcher' },
    subjects: [{ kind: 'User', name: 'pod-watcher', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  const rv = (await apply(manifests(100).Pod)).apply.metadata.resourceVersion;
  await apply({ ...manifests(100).Role, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] });
  await apply(manifests(100).ServiceAccount);
  const last = (await apply(manifests(101).Pod)).apply.metadata.resourceVersion;
  const it = t.ws(await t.token('pod-watcher')).iterate({
    query:
      'subscription($rv: String) { watchPods(namespace: "default", resourceVersion: $rv) { type object { __typename kind metadata { name resourceVersion } } } }',
    variables: { rv },
  }) as AsyncIterator<Result>;
  const [first] = await nextResults(it, 1);
  await it.return!();
  assert.equal(first.errors, undefined, JSON.stringify(first.errors));
  assert.deepEqual(
    [first.data!.watchPods.object.__typename, first.data!.watchPods.object.metadata.name, first.data!.watchPods.object.metadata.resourceVersion],
    ['Pod', 'pod-101', last],
  );
});

test('relations in watch events are read afresh for every event', async () => {
  await t.ok('mutation { createNode(node: { metadata: { name: "rel-node", labels: { v: "1" } } }) { metadata { name } } }');
  await t.ok(
    'mutation { createPod(pod: { metadata: { name: "rel-pod", namespace: "default" }, spec: { nodeName: "rel-node", containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }',
  );
  const it = t.ws().iterate({
    query:
      'subscription { watchPods(namespace: "default", fieldSelector: "metadata.name=rel-pod") { type object { metadata { name labels } node { metadata { labels } } } } }',
  }) as AsyncIterator<{
    data?: {
      watchPods: { type: string; object: { metadata: { labels?: Record<string, string> }; node: { metadata: { labels: Record<string, string> } } | null } };
    };
  }>;
  const initial = await nextResults(it, 2); // ADDED, BOOKMARK
  assert.equal(initial[0].data!.watchPods.object.node?.metadata.labels.v, '1');
  await t.ok('mutation { patchNode(name: "rel-node", patch: { metadata: { labels: { v: "2" } } }) { metadata { name } } }');
  await t.ok('mutation { patchPod(namespace: "default", name: "rel-pod", patch: { metadata: { labels: { touched: "yes" } } }) { metadata { name } } }');
  const [modified] = await nextResults(it, 1);
  await it.return!();
  assert.equal(modified.data!.watchPods.type, 'MODIFIED');
  assert.equal(modified.data!.watchPods.object.node?.metadata.labels.v, '2', 'the node as it is now, not as the first event read it');
});

test('an internal failure while serving a watch is masked and logged with the request id, as on HTTP', async () => {
  const it = t.ws().iterate({ query: 'subscription { watchPods(namespace: "default") { type object { metadata { name } } } }' }) as AsyncIterator<Result>;
  // The database breaks underneath the apiserver before the watch lists.
  const prisma = t.server.store.db.prisma;
  await prisma.$executeRawUnsafe('ALTER TABLE kubeql_resource RENAME TO kubeql_resource_gone');
  try {
    const error = await nextResults(it, 1).then(
      (r) => r[0]?.errors?.[0],
      (e: unknown) => (Array.isArray(e) ? e[0] : e) as Result['errors'] extends (infer E)[] | undefined ? E : never,
    );
    assert.equal(error?.extensions?.code, 'INTERNAL_SERVER_ERROR');
    assert.match(error!.message, /^Internal server error \(request id [0-9a-f-]+\)$/);
    assert.equal(error!.message, `Internal server error (request id ${error!.extensions!.requestId})`);
    assert.doesNotMatch(JSON.stringify(error), /SELECT|kubeql_|stack|at \//);
    assert.ok(
      logged.some((d) => d.requestId === error!.extensions!.requestId),
      'the real error was logged with that request id',
    );
  } finally {
    await prisma.$executeRawUnsafe('ALTER TABLE kubeql_resource_gone RENAME TO kubeql_resource');
  }
});

test("subscribers of one document share an event's execution; where it read relations, only with their own identity: relations stay authorized per caller", async () => {
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'pod-and-node-reader' },
    rules: [{ apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
  });
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'pod-and-node-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-and-node-reader' },
    subjects: [{ kind: 'User', name: 'node-reader', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'pod-only' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  });
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'pod-only' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-only' },
    subjects: [{ kind: 'User', name: 'pod-only', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  await t.ok('mutation { createNode(node: { metadata: { name: "shared-node" } }) { metadata { name } } }');
  const rv = (await t.ok<{ pods: { metadata: { resourceVersion: string } } }>('{ pods { metadata { resourceVersion } } }')).pods.metadata.resourceVersion;
  const query =
    'subscription($rv: String) { watchPods(namespace: "default", resourceVersion: $rv) { type object { metadata { name } node { metadata { name } } } } }';
  type NodeResult = {
    data?: { watchPods: { object: { metadata: { name: string }; node: { metadata: { name: string } } | null } } };
    errors?: { extensions?: { code?: string } }[];
  };
  const subscribers = [
    { who: 'node-reader', it: t.ws(await t.token('node-reader')).iterate({ query, variables: { rv } }) as AsyncIterator<NodeResult> },
    { who: 'pod-only', it: t.ws(await t.token('pod-only')).iterate({ query, variables: { rv } }) as AsyncIterator<NodeResult> },
    { who: 'node-reader (second socket)', it: t.ws(await t.token('node-reader')).iterate({ query, variables: { rv } }) as AsyncIterator<NodeResult> },
  ];
  await new Promise((r) => setTimeout(r, 200)); // every subscription is live before the write
  await t.ok(
    'mutation { createPod(pod: { metadata: { name: "shared-pod", namespace: "default" }, spec: { nodeName: "shared-node", containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }',
  );
  const results = await Promise.all(subscribers.map(async (s) => (await nextResults(s.it, 1))[0]));
  await Promise.all(subscribers.map((s) => s.it.return!()));
  for (const [i, r] of results.entries()) assert.equal(r.data?.watchPods.object.metadata.name, 'shared-pod', subscribers[i].who);
  assert.equal(results[0].data!.watchPods.object.node?.metadata.name, 'shared-node');
  assert.equal(results[2].data!.watchPods.object.node?.metadata.name, 'shared-node');
  assert.equal(results[1].data!.watchPods.object.node, null, 'pod-only may not get nodes');
  assert.equal(results[1].errors?.[0]?.extensions?.code, 'FORBIDDEN');
});

test('an execution error inside a watch event is masked as on HTTP, never passed on as a validation error', async () => {
  // A stored object that no longer fits its GraphQL type (written behind the API's back).
  const rv = (await t.ok<{ pods: { metadata: { resourceVersion: string } } }>('{ pods { metadata { resourceVersion } } }')).pods.metadata.resourceVersion;
  await t.server.store.create({ kind: 'Pod', namespace: 'default', name: 'misfit' }, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'misfit', namespace: 'default', uid: crypto.randomUUID() },
    spec: { containers: 5 },
  } as never);
  const selection = 'metadata { name } spec { containers { name } }';
  const http = await t.gql(`{ pod(namespace: "default", name: "misfit") { ${selection} } }`);
  const it = t.ws().iterate({
    query: `subscription($rv: String) { watchPods(namespace: "default", resourceVersion: $rv) { type object { ${selection} } } }`,
    variables: { rv },
  }) as AsyncIterator<Result>;
  const [event] = await nextResults(it, 1);
  await it.return!();
  for (const [path, error] of [
    ['HTTP', http.errors?.[0]],
    ['WebSocket', event.errors?.[0]],
  ] as const) {
    assert.equal(error?.extensions?.code, 'INTERNAL_SERVER_ERROR', `${path}: ${JSON.stringify(error)}`);
    assert.match(error!.message, /^Internal server error \(request id [^)]+\)$/, path);
    assert.doesNotMatch(JSON.stringify({ message: error!.message, extensions: error!.extensions }), /Iterable/, path);
  }
});
