// applyAll is one atomic write: every manifest is applied, or none is.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const APPLY_ALL = `mutation($ms: [JSON!]!, $dry: Boolean) { applyAll(manifests: $ms, dryRun: $dry) { __typename ... on Namespace { metadata { name resourceVersion } } ... on Pod { metadata { name namespace resourceVersion labels } } ... on ServiceAccount { metadata { name resourceVersion } } ... on Service { metadata { name resourceVersion } } } }`;
const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const pod = (name: string, namespace: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});
const sa = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
const svc = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ port: 80 }] } });
const exists = async (kind: string, namespace: string | undefined, name: string) => Boolean(await t.server.registry.get(kind, namespace, name));

test('a namespace and its contents in one batch: created together, consecutive revisions', async () => {
  const res = await t.ok(APPLY_ALL, { ms: [ns('team-a'), pod('web', 'team-a'), sa('robot', 'team-a')] });
  const rvs = res.applyAll.map((o: { metadata: { resourceVersion: string } }) => Number(o.metadata.resourceVersion));
  assert.deepEqual(
    res.applyAll.map((o: { __typename: string }) => o.__typename),
    ['Namespace', 'Pod', 'ServiceAccount'],
  );
  assert.deepEqual(rvs, [rvs[0], rvs[0] + 1, rvs[0] + 2]);
});

test('a batch refused by authorization at its last manifest writes nothing', async () => {
  await t.ok(APPLY_ALL, { ms: [ns('team-b')] });
  // This user may create and patch pods in team-b, but not services.
  await t.ok(APPLY_ALL, {
    ms: [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'pods', namespace: 'team-b' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'create', 'patch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'pods', namespace: 'team-b' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pods' },
        subjects: [{ kind: 'User', name: 'pod-maker', apiGroup: 'rbac.authorization.k8s.io' }],
      },
    ],
  });
  const token = await t.token('pod-maker');
  const res = await t.gql(APPLY_ALL, { ms: [pod('one', 'team-b'), pod('two', 'team-b'), svc('web', 'team-b')] }, { authorization: `Bearer ${token}` });
  assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(res.errors));
  assert.equal(await exists('Pod', 'team-b', 'one'), false, 'nothing of the batch was written');
  assert.equal(await exists('Pod', 'team-b', 'two'), false);
  // The same user's batch of pods alone goes through.
  const ok = await t.gql(APPLY_ALL, { ms: [pod('one', 'team-b'), pod('two', 'team-b')] }, { authorization: `Bearer ${token}` });
  assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
});

test('a batch with an invalid manifest writes nothing and names the manifest', async () => {
  await t.ok(APPLY_ALL, { ms: [ns('team-c'), pod('kept', 'team-c', { v: '1' })] });
  const before = await t.server.store.currentRevision();
  const bad = { ...pod('broken', 'team-c'), spec: { containers: [{ name: 'c' }] } }; // no image
  const res = await t.gql(APPLY_ALL, { ms: [pod('kept', 'team-c', { v: '2' }), pod('new', 'team-c'), bad] });
  assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.ok(
    (res.errors![0].extensions!.causes as { field: string }[]).some((c) => c.field.startsWith('manifests[2].spec.containers[0].image')),
    JSON.stringify(res.errors),
  );
  assert.equal(await t.server.store.currentRevision(), before, 'not even the revision moved');
  assert.equal((await t.server.registry.get('Pod', 'team-c', 'kept'))!.metadata.labels!.v, '1');
});

test('updates, creates and unchanged objects in one batch; the same object twice is refused', async () => {
  await t.ok(APPLY_ALL, { ms: [ns('team-d'), pod('same', 'team-d'), pod('changed', 'team-d', { v: '1' })] });
  const res = await t.ok(APPLY_ALL, { ms: [pod('same', 'team-d'), pod('changed', 'team-d', { v: '2' }), pod('added', 'team-d')] });
  const [same, changed, added] = res.applyAll as { metadata: { resourceVersion: string; labels: Record<string, string> } }[];
  assert.deepEqual(changed.metadata.labels, { v: '2' });
  assert.equal(Number(added.metadata.resourceVersion), Number(changed.metadata.resourceVersion) + 1);
  assert.ok(Number(same.metadata.resourceVersion) < Number(changed.metadata.resourceVersion), 'an unchanged manifest writes nothing');
  const twice = await t.gql(APPLY_ALL, { ms: [pod('x', 'team-d'), pod('x', 'team-d', { v: '3' })] });
  assert.equal(twice.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.equal(await exists('Pod', 'team-d', 'x'), false);
});

test('a dry run returns what would be written and writes nothing', async () => {
  const before = await t.server.store.currentRevision();
  const res = await t.ok(APPLY_ALL, { ms: [ns('team-e'), pod('p', 'team-e')], dry: true });
  assert.deepEqual(
    res.applyAll.map((o: { metadata: { name: string } }) => o.metadata.name),
    ['team-e', 'p'],
  );
  assert.equal(await t.server.store.currentRevision(), before);
  assert.equal(await exists('Namespace', undefined, 'team-e'), false);
});

test('a dry-run create answers with an empty resourceVersion, never an internal error', async () => {
  const one = await t.gql(`mutation($m: JSON!) { apply(manifest: $m, dryRun: true) { ... on Pod { metadata { name resourceVersion } } } }`, {
    m: pod('dry', 'default'),
  });
  assert.equal(one.errors, undefined, JSON.stringify(one.errors));
  assert.deepEqual(one.data!.apply.metadata, { name: 'dry', resourceVersion: '' });
  assert.equal(await exists('Pod', 'default', 'dry'), false);
});
