// The operations of API.md "Any kind, by name", through the real apiserver over HTTP and
// WebSocket: discovery, resource(s), table, watchResources and applyYaml.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KINDS } from '../../src/apis/kinds.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const APPLY_YAML = `mutation($yaml: String!, $ns: String, $dry: Boolean) {
  applyYaml(yaml: $yaml, namespace: $ns, dryRun: $dry) { action object { __typename ... on Deployment { manifest } ... on Service { manifest } ... on Namespace { manifest } ... on ServiceAccount { manifest } } }
}`;
const pod = (name: string, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});
const applyAll = (ms: unknown[]) => t.ok('mutation($ms: [JSON!]!) { applyAll(manifests: $ms) { __typename } }', { ms });

test('apiResources lists every kind with its names, scope, short names, verbs and GraphQL fields', async () => {
  const { apiResources } = await t.ok(
    `{ apiResources { group version kind name singularName namespaced shortNames categories verbs subresources graphql { type object list watch } } }`,
  );
  assert.equal(apiResources.length, KINDS.length);
  const by = new Map(apiResources.map((r: { kind: string }) => [r.kind, r]));
  assert.deepEqual(by.get('Deployment'), {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    name: 'deployments',
    singularName: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status', 'scale'],
    graphql: { type: 'Deployment', object: 'deployment', list: 'deployments', watch: 'watchDeployments' },
  });
  assert.equal((by.get('Node') as { namespaced: boolean }).namespaced, false);
  assert.deepEqual((by.get('Pod') as { subresources: string[] }).subresources, ['status', 'binding']);
  for (const [kind, short] of [
    ['Pod', 'po'],
    ['Service', 'svc'],
    ['ReplicaSet', 'rs'],
    ['Namespace', 'ns'],
    ['Node', 'no'],
    ['ServiceAccount', 'sa'],
    ['Event', 'ev'],
    ['PriorityClass', 'pc'],
  ]) {
    assert.ok((by.get(kind) as { shortNames: string[] }).shortNames.includes(short), `${kind} has short name ${short}`);
  }
  // Every field discovery names exists in the schema, with the type it names.
  const { __schema } = await t.ok('{ __schema { queryType { fields { name type { name ofType { name } } } } subscriptionType { fields { name } } } }');
  const queries = new Map(
    __schema.queryType.fields.map((f: { name: string; type: { name: string | null; ofType: { name: string } | null } }) => [
      f.name,
      f.type.name ?? f.type.ofType?.name,
    ]),
  );
  const subscriptions = new Set(__schema.subscriptionType.fields.map((f: { name: string }) => f.name));
  for (const r of apiResources) {
    assert.equal(queries.get(r.graphql.object), r.graphql.type, `${r.kind}: query ${r.graphql.object}`);
    assert.equal(queries.get(r.graphql.list), `${r.graphql.type}List`, `${r.kind}: query ${r.graphql.list}`);
    assert.ok(subscriptions.has(r.graphql.watch), `${r.kind}: subscription ${r.graphql.watch}`);
  }
});

test('resource and resources read any kind by apiVersion and kind, across namespaces and with selectors', async () => {
  await applyAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gen-a' } }, pod('one', 'gen-a'), pod('two', 'gen-a'), pod('three')]);
  const one = await t.ok(
    `{ resource(apiVersion: "v1", kind: "Pod", namespace: "gen-a", name: "one") { __typename ... on Pod { metadata { name namespace } spec { containers { image } } } } }`,
  );
  assert.deepEqual(one.resource, { __typename: 'Pod', metadata: { name: 'one', namespace: 'gen-a' }, spec: { containers: [{ image: 'nginx' }] } });
  const absent = await t.ok(`{ resource(apiVersion: "v1", kind: "Pod", namespace: "gen-a", name: "nope") { __typename } }`);
  assert.equal(absent.resource, null);
  const names = async (args: string) =>
    (
      await t.ok(`{ resources(apiVersion: "v1", kind: "Pod", ${args}) { items { ... on Pod { metadata { name } } } metadata { resourceVersion } } }`)
    ).resources.items
      .map((i: { metadata: { name: string } }) => i.metadata.name)
      .sort();
  assert.deepEqual(await names('namespace: "gen-a"'), ['one', 'two']);
  assert.deepEqual(await names('allNamespaces: true, labelSelector: "app in (one,three)"'), ['one', 'three']);
  assert.deepEqual(await names('namespace: "gen-a", fieldSelector: "metadata.name!=one"'), ['two']);
  const cluster = await t.ok(
    `{ resources(apiVersion: "v1", kind: "Namespace", labelSelector: "kubernetes.io/metadata.name=gen-a") { items { ... on Namespace { metadata { name } } } } }`,
  );
  assert.deepEqual(cluster.resources.items, [{ metadata: { name: 'gen-a' } }]);
});

test("an apiVersion Kubernetes no longer serves, or a kind it does not have, is refused with Kubernetes' words", async () => {
  for (const [apiVersion, kind] of [
    ['extensions/v1beta1', 'Deployment'],
    ['apps/v1beta1', 'Deployment'],
    ['policy/v1beta1', 'PodSecurityPolicy'],
    ['v1', 'Gadget'],
  ]) {
    const res = await t.gql(`{ resources(apiVersion: "${apiVersion}", kind: "${kind}") { items { __typename } } }`);
    assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(res.errors?.[0]?.message, `no matches for kind "${kind}" in version "${apiVersion}"`);
    const applied = await t.gql(APPLY_YAML, { yaml: `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: old\n` });
    assert.equal(applied.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(applied.errors));
    assert.match(applied.errors![0].message, new RegExp(`no matches for kind "${kind}"`));
  }
});

test("table prints kubectl's columns, -o wide's too, for a list and for one object", async () => {
  await applyAll([pod('tabled')]);
  const q = (args: string) =>
    t.ok(
      `{ table(apiVersion: "v1", kind: "Pod", ${args}) { columnDefinitions { name type priority } rows { cells object { ... on Pod { metadata { name } } } } metadata { resourceVersion } } }`,
    );
  const narrow = (await q('name: "tabled"')).table;
  assert.deepEqual(
    narrow.columnDefinitions.map((c: { name: string }) => c.name),
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  );
  assert.deepEqual(narrow.rows.length, 1);
  const [name, ready, status, restarts, age] = narrow.rows[0].cells;
  assert.deepEqual([name, ready, status, restarts], ['tabled', '0/1', 'Pending', '0']);
  assert.match(age, /^\d+s$/);
  const wide = (await q('labelSelector: "app=tabled", wide: true')).table;
  assert.deepEqual(
    wide.columnDefinitions.map((c: { name: string }) => c.name),
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  );
  assert.deepEqual(
    wide.columnDefinitions.map((c: { priority: number }) => c.priority),
    [0, 0, 0, 0, 0, 1, 1, 1, 1],
  );
  assert.deepEqual(wide.rows[0].cells.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  assert.equal(wide.rows[0].object.metadata.name, 'tabled');
  const missing = await t.gql('{ table(apiVersion: "apps/v1", kind: "Deployment", name: "ghost") { rows { cells } } }');
  assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  assert.equal(missing.errors?.[0]?.message, 'deployments.apps "ghost" not found');
});

test('watchResources: the current objects, then changes, of the kind and namespace asked for only', async () => {
  await applyAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gen-w' } }, pod('first', 'gen-w')]);
  const client = t.ws();
  const events: { type: string; object: { __typename: string; metadata?: { name: string; namespace: string } } }[] = [];
  let resolveSecond!: () => void;
  const second = new Promise<void>((r) => (resolveSecond = r));
  const stop = client.subscribe(
    {
      query:
        'subscription { watchResources(apiVersion: "v1", kind: "Pod", namespace: "gen-w") { type object { __typename ... on Pod { metadata { name namespace } } } } }',
    },
    {
      next: (m) => {
        events.push((m.data as { watchResources: (typeof events)[number] }).watchResources);
        if (events.some((e) => e.object.metadata?.name === 'second')) resolveSecond();
      },
      error: (e) => assert.fail(String(e)),
      complete: () => undefined,
    },
  );
  // A pod of another namespace and an object of another kind in the same namespace are not this watch's.
  await new Promise((r) => setTimeout(r, 200));
  await applyAll([pod('elsewhere'), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'second-sa', namespace: 'gen-w' } }, pod('second', 'gen-w')]);
  await second;
  stop();
  // The current state, the BOOKMARK that ends it (API.md), then the change.
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata?.name]),
    [
      ['ADDED', 'first'],
      ['BOOKMARK', ''],
      ['ADDED', 'second'],
    ],
  );
  assert.ok(events.every((e) => e.object.__typename === 'Pod' && (e.type === 'BOOKMARK' || e.object.metadata?.namespace === 'gen-w')));
});

test('applyYaml: documents and List items applied in order, YAML 1.1 scalars as kubectl reads them, created / unchanged / configured', async () => {
  const yaml = `# a comment, then an empty document
---
apiVersion: v1
kind: Namespace
metadata:
  name: gen-y
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        stdin: yes
        ports: [{containerPort: 8080}]
      volumes:
      - name: config
        configMap: {name: web, defaultMode: 0644}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports: [{port: 80, targetPort: 8080}]
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: web}
`;
  const first = (await t.ok(APPLY_YAML, { yaml, ns: 'gen-y' })).applyYaml;
  assert.deepEqual(
    first.map((r: { action: string; object: { __typename: string } }) => [r.action, r.object.__typename]),
    [
      ['CREATED', 'Namespace'],
      ['CREATED', 'Deployment'],
      ['CREATED', 'Service'],
      ['CREATED', 'ServiceAccount'],
    ],
  );
  const deployment = first[1].object.manifest;
  assert.equal(deployment.metadata.namespace, 'gen-y', 'namespaced objects without a namespace get the one given');
  assert.equal(deployment.spec.template.spec.volumes[0].configMap.defaultMode, 420, '0644 is octal in YAML 1.1');
  assert.equal(deployment.spec.template.spec.containers[0].stdin, true, 'yes is true in YAML 1.1');
  assert.equal(first[0].object.manifest.metadata.namespace, undefined, 'cluster-scoped objects get none');

  const again = (await t.ok(APPLY_YAML, { yaml, ns: 'gen-y' })).applyYaml;
  assert.deepEqual(
    again.map((r: { action: string }) => r.action),
    ['UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED'],
  );
  assert.equal(again[1].object.manifest.metadata.resourceVersion, deployment.metadata.resourceVersion);

  const changed = (await t.ok(APPLY_YAML, { yaml: yaml.replace('replicas: 2', 'replicas: 3'), ns: 'gen-y' })).applyYaml;
  assert.deepEqual(
    changed.map((r: { action: string }) => r.action),
    ['UNCHANGED', 'CONFIGURED', 'UNCHANGED', 'UNCHANGED'],
  );
  assert.equal(changed[1].object.manifest.spec.replicas, 3);
});

test('applyYaml: a failing document is refused with its index, and nothing of the text is applied', async () => {
  const before = await t.server.store.currentRevision();
  const good = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: kept-out, namespace: default}\n';
  const cases: [string, number, RegExp][] = [
    [`${good}---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: default}\nspec: {containers: [{name: c}]}\n`, 1, /image/],
    [`${good}---\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p\n`, 2, /./],
    [`${good}---\n- just\n- a list\n`, 1, /mapping/],
    [`${good}---\napiVersion: v1\nkind: Pod\nmetadata: {name: dup, name: dup2}\n`, 1, /./],
  ];
  for (const [yaml, document, message] of cases) {
    const res = await t.gql(APPLY_YAML, { yaml });
    assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(res.errors));
    assert.equal(res.errors?.[0]?.extensions?.document, document, JSON.stringify(res.errors));
    assert.match(JSON.stringify(res.errors?.[0]), message);
  }
  assert.equal(await t.server.store.currentRevision(), before, 'nothing was written');
  assert.equal(await t.server.registry.get('ServiceAccount', 'default', 'kept-out'), undefined);
  const empty = await t.gql(APPLY_YAML, { yaml: '---\n# nothing\n' });
  assert.equal(empty.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
});

test('applyYaml is authorized per object: create for new ones, patch for existing ones', async () => {
  const token = await t.token('nobody');
  const res = await t.gql(
    APPLY_YAML,
    { yaml: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sneaky, namespace: default}\n' },
    { authorization: `Bearer ${token}` },
  );
  assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  assert.equal(await t.server.registry.get('ServiceAccount', 'default', 'sneaky'), undefined);
});

test('scale<Kind> for every scalable kind sets its replicas; a negative count is refused', async () => {
  await t.ok(APPLY_YAML, {
    yaml: 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: scaled}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: s}}\n  template:\n    metadata: {labels: {app: s}}\n    spec: {containers: [{name: c, image: nginx}]}\n',
  });
  const scaled = await t.ok('mutation { scaleReplicaSet(name: "scaled", replicas: 4) { spec { replicas } } }');
  assert.equal(scaled.scaleReplicaSet.spec.replicas, 4);
  const bad = await t.gql('mutation { scaleReplicaSet(name: "scaled", replicas: -1) { spec { replicas } } }');
  assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.equal((await t.server.registry.get('ReplicaSet', 'default', 'scaled'))!.spec!.replicas, 4);
});

test("the cost model sizes an EndpointSlice's endpoints as an embedded list, a Service's endpoints and a table's rows as relations", async () => {
  const res = await t.gql('{ services(limit: 10) { items { endpoints { endpoints { addresses conditions { ready } } } } } }');
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  const { buildApiSchema } = await import('../../src/apiserver/graphql/schema.ts');
  const schema = await buildApiSchema();
  const fields = (type: string) => (schema.getType(type) as import('graphql').GraphQLObjectType).getFields();
  assert.equal(fields('EndpointSlice').endpoints!.extensions.listSize, 10);
  assert.equal(fields('Service').endpoints!.extensions.listSize, undefined);
  assert.equal(fields('Table').rows!.extensions.listSize, undefined);
});
