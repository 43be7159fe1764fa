// The SDK's typed client against a real apiserver: the generated operations are current
// with the schema, every kind goes through the same generic client, and errors arrive
// typed with the API's codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { GENERATED_FILE, KINDS_FILE, generateClient, generateKinds } from '../../scripts/generate-client.ts';
import { ApiError, Client, operations } from '../../src/client/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let client: Client;
before(async () => {
  t = await startTestServer();
  client = new Client({ server: t.url, token: t.adminToken });
});
after(async () => {
  await client.close();
  await t.stop();
});

test('the generated operations are current with schema/schema.graphql (npm run generate:client)', async () => {
  assert.equal(readFileSync(GENERATED_FILE, 'utf8'), await generateClient(), 'src/client/generated/graphql.ts is stale: run npm run generate:client');
  assert.equal(readFileSync(KINDS_FILE, 'utf8'), generateKinds(), 'src/client/generated/kinds.ts is stale: run npm run generate:client');
});

test('one generic client creates, reads, lists, patches, updates status and deletes objects of several kinds', async () => {
  const pods = client.resource('Pod');
  const created = await pods.create({
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  assert.equal(created.kind, 'Pod');
  assert.equal(created.spec?.containers[0].image, 'nginx');
  assert.ok(created.metadata.uid && created.metadata.resourceVersion);
  assert.equal((await pods.get('default', 'web'))?.metadata.uid, created.metadata.uid);
  assert.equal(await pods.get('default', 'absent'), null);
  const patched = await pods.patch('default', 'web', { metadata: { labels: { tier: 'front' } } });
  assert.deepEqual(patched.metadata.labels, { app: 'web', tier: 'front' });
  const status = await pods.updateStatus('default', 'web', { phase: 'Running' });
  assert.equal(status.status?.phase, 'Running');

  const nodes = client.resource('Node'); // cluster-scoped: no namespace
  await nodes.create({ metadata: { name: 'n1', labels: { zone: 'a' } } });
  const leases = client.resource('Lease');
  await leases.create({ metadata: { name: 'l1', namespace: 'kube-system' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });
  const replaced = await leases.replace({ ...(await leases.get('kube-system', 'l1'))!, spec: { holderIdentity: 'you', leaseDurationSeconds: 15 } });
  assert.equal(replaced.spec?.holderIdentity, 'you');

  assert.deepEqual(
    (await nodes.list({ labelSelector: 'zone=a' })).items.map((n) => n.metadata.name),
    ['n1'],
  );
  assert.deepEqual(
    (await leases.list({ allNamespaces: true, fieldSelector: 'metadata.name=l1' })).items.map((l) => l.metadata.namespace),
    ['kube-system'],
  );
  await pods.delete('default', 'web', { gracePeriodSeconds: 0 });
  await nodes.delete(undefined, 'n1');
  assert.equal(await pods.get('default', 'web'), null);
  assert.equal(await nodes.get(undefined, 'n1'), null);
});

test('listAll pages through a large list at one resourceVersion', async () => {
  const cms = client.resource('ServiceAccount');
  for (let i = 0; i < 12; i++) await cms.create({ metadata: { name: `sa-${i}`, namespace: 'default' } });
  const all = await cms.listAll({ namespace: 'default' }, 5);
  assert.equal(all.items.filter((s) => s.metadata.name.startsWith('sa-')).length, 12);
  assert.ok(Number(all.resourceVersion) > 0);
});

test('errors arrive as ApiError with the API code and causes; a stale replace is CONFLICT', async () => {
  const pods = client.resource('Pod');
  await assert.rejects(pods.create({ metadata: { name: 'Bad_Name', namespace: 'default' }, spec: { containers: [] } }), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 'BAD_USER_INPUT');
    assert.ok(e.causes.some((c) => c.field === 'metadata.name'));
    return true;
  });
  const lease = await client.resource('Lease').create({ metadata: { name: 'c1', namespace: 'default' }, spec: {} });
  await client.resource('Lease').patch('default', 'c1', { spec: { holderIdentity: 'x' } });
  await assert.rejects(client.resource('Lease').replace(lease), (e: unknown) => e instanceof ApiError && e.code === 'CONFLICT');
  const anonymous = new Client({ server: t.url });
  await assert.rejects(anonymous.resource('Pod').list(), (e: unknown) => e instanceof ApiError && e.code === 'UNAUTHENTICATED');
  const viewer = new Client({ server: t.url, token: await t.token('nobody') });
  await assert.rejects(viewer.resource('Pod').list(), (e: unknown) => e instanceof ApiError && e.code === 'FORBIDDEN');
  const gone = new Client({ server: 'http://127.0.0.1:1/graphql' });
  await assert.rejects(gone.resource('Pod').list(), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE');
});

test('any generated operation is typed and callable: whoami, can, bindPod', async () => {
  const me = await client.request(operations.WhoamiDocument);
  assert.equal(me.whoami.username, 'admin');
  const can = await client.request(operations.CanDocument, { verb: 'delete', resource: 'pods', namespace: 'default' });
  assert.equal(can.can, true);
  await client.resource('Pod').create({ metadata: { name: 'b', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const bound = await client.request(operations.BindPodDocument, { namespace: 'default', name: 'b', nodeName: 'n9' });
  assert.equal(bound.bindPod.manifest.spec && (bound.bindPod.manifest.spec as { nodeName: string }).nodeName, 'n9');
});
