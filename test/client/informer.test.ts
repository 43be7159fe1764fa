// Informers against a real apiserver: list-then-watch into an indexed cache across
// kinds and namespaces; a connection cut mid-stream resumes from the last resourceVersion
// with no event missed and none twice; a watch answered EXPIRED relists and reports what
// changed meanwhile (deletions included).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realClock } from '../../src/apimachinery/clock.ts';
import { Client, Informer, SharedInformers, type Kind } from '../../src/client/index.ts';
import { eventually } from '../helpers/cluster.ts';
import { startProxy, type CuttableProxy } from '../helpers/proxy.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let admin: Client;
before(async () => {
  t = await startTestServer();
  admin = new Client({ server: t.url, token: t.adminToken });
  await admin.resource('Namespace').create({ metadata: { name: 'other' } });
});
after(async () => {
  await admin.close();
  await t.stop();
});

const pod = (name: string, namespace = 'default', labels: Record<string, string> = {}, nodeName?: string) => ({
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...(nodeName ? { nodeName } : {}) },
});

/** Records what an informer reported, per key, in order. */
function recorder<K extends Kind>(informer: Informer<K>) {
  const log: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion}`),
    onUpdate: (_old, o) => log.push(`update ${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion}`),
    onDelete: (o) => log.push(`delete ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
  });
  return log;
}

test('an informer lists, then watches every namespace into an indexed cache; handlers hear each change once', async () => {
  await admin.resource('Pod').create(pod('pre', 'default', { app: 'a' }, 'node-1'));
  const client = new Client({ server: t.url, token: t.adminToken });
  const informer = new Informer(client.resource('Pod'), { clock: realClock() });
  const log = recorder(informer);
  informer.start();
  await informer.waitForSync();
  assert.ok(informer.hasSynced());
  assert.ok(log.some((l) => l.startsWith('add default/pre@')));
  await admin.resource('Pod').create(pod('x', 'other', { app: 'a' }, 'node-2'));
  await admin.resource('Pod').patch('other', 'x', { metadata: { labels: { app: 'b' } } });
  await admin.resource('Pod').delete('default', 'pre', { gracePeriodSeconds: 0 });
  await eventually(() => log.includes('delete default/pre'), 10_000, 'the delete');
  assert.deepEqual(
    informer.cache.byIndex('nodeName', 'node-2').map((p) => p.metadata.name),
    ['x'],
  );
  assert.deepEqual(
    informer.cache.byIndex('label', 'app=b').map((p) => p.metadata.name),
    ['x'],
  );
  assert.deepEqual(informer.cache.byIndex('label', 'app=a'), []);
  assert.deepEqual(
    informer.cache.byIndex('namespace', 'other').map((p) => p.metadata.name),
    ['x'],
  );
  assert.equal(informer.cache.get('default/pre'), undefined);
  assert.equal(log.filter((l) => l.startsWith('add other/x')).length, 1);
  assert.equal(log.filter((l) => l.startsWith('update other/x')).length, 1);
  await informer.stop();
  await client.close();
  await admin.resource('Pod').delete('other', 'x', { gracePeriodSeconds: 0 });
});

test('cut connections mid-stream: the informer resumes from its last resourceVersion — nothing missed, nothing twice', async () => {
  const proxy: CuttableProxy = await startProxy(t.url);
  const client = new Client({ server: proxy.url, token: t.adminToken });
  const informer = new Informer(client.resource('Lease'), { clock: realClock(), initialBackoffMs: 20, maxBackoffMs: 100 });
  const owner = new Informer(client.resource('Node'), { clock: realClock(), initialBackoffMs: 20, maxBackoffMs: 100 });
  const log = recorder(informer);
  const nodeLog = recorder(owner);
  informer.start();
  owner.start();
  await Promise.all([informer.waitForSync(), owner.waitForSync()]);
  const expected: string[] = [];
  const leases = admin.resource('Lease');
  for (let round = 0; round < 5; round++) {
    // writes while connected, then a cut, then writes while the informer is away
    for (let i = 0; i < 4; i++) {
      const ns = i % 2 ? 'default' : 'other';
      const made = await leases.create({ metadata: { name: `l-${round}-${i}`, namespace: ns }, spec: { holderIdentity: 'a' } });
      expected.push(`add ${ns}/l-${round}-${i}@${made.metadata.resourceVersion}`);
    }
    proxy.cut();
    const changed = await leases.patch('other', `l-${round}-0`, { spec: { holderIdentity: 'b' } });
    expected.push(`update other/l-${round}-0@${changed.metadata.resourceVersion}`);
    await leases.delete('default', `l-${round}-1`);
    expected.push(`delete default/l-${round}-1`);
    await admin.resource('Node').create({ metadata: { name: `n-${round}` } });
  }
  await eventually(() => log.length >= expected.length && nodeLog.length >= 5, 20_000, 'every change');
  await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive now
  assert.deepEqual(
    log.filter((l) => l.includes('/l-')),
    expected,
  );
  assert.deepEqual(
    nodeLog,
    Array.from({ length: 5 }, (_, i) => nodeLog.find((l) => l.startsWith(`add /n-${i}@`))),
  );
  assert.equal(informer.lastSyncResourceVersion !== '', true);
  await informer.stop();
  await owner.stop();
  await client.close();
  await proxy.close();
  for (let i = 0; i < 5; i++) await admin.resource('Node').delete(undefined, `n-${i}`);
});

test('a watch answered EXPIRED relists: the cache ends equal to the apiserver, deletions made meanwhile reported', async () => {
  const proxy = await startProxy(t.url);
  const client = new Client({ server: proxy.url, token: t.adminToken });
  const errors: unknown[] = [];
  const informer = new Informer(client.resource('ServiceAccount'), {
    clock: realClock(),
    namespace: 'other',
    initialBackoffMs: 300,
    maxBackoffMs: 300,
    onError: (e) => errors.push(e),
  });
  const log = recorder(informer);
  const sas = admin.resource('ServiceAccount');
  await sas.create({ metadata: { name: 'keep', namespace: 'other' } });
  await sas.create({ metadata: { name: 'gone', namespace: 'other' } });
  informer.start();
  await informer.waitForSync();
  const seenAt = informer.lastSyncResourceVersion;
  proxy.cut();
  // While it waits to resume: a delete, a create, and the history compacted past where it was.
  await sas.delete('other', 'gone');
  await sas.create({ metadata: { name: 'new', namespace: 'other' } });
  await sas.create({ metadata: { name: 'elsewhere', namespace: 'default' } }); // another namespace: not this informer's
  await t.server.store.compact(Number(await t.server.store.currentRevision()));
  await eventually(() => informer.cache.get('other/new') && !informer.cache.get('other/gone'), 20_000, 'the relist');
  assert.ok(Number(informer.lastSyncResourceVersion) > Number(seenAt));
  assert.ok(log.includes('delete other/gone'));
  assert.deepEqual(informer.cache.keys().sort(), (await sas.list({ namespace: 'other' })).items.map((s) => `other/${s.metadata.name}`).sort());
  assert.equal(informer.cache.get('default/elsewhere'), undefined);
  await informer.stop();
  await client.close();
  await proxy.close();
});

test('shared informers: one informer per kind for every controller of a process, synced together', async () => {
  const client = new Client({ server: t.url, token: t.adminToken });
  const informers = new SharedInformers(client, { clock: realClock() });
  const a = informers.informerFor('Pod');
  assert.equal(informers.informerFor('Pod'), a);
  const nodes = informers.informerFor('Node');
  informers.start();
  await informers.waitForSync();
  assert.ok(informers.hasSynced() && a.hasSynced() && nodes.hasSynced());
  const late = informers.informerFor('Service'); // asked for after start: starts at once
  await late.waitForSync();
  await informers.stop();
  await client.close();
});

test('an informer with a field selector sees only its objects (a kubelet watching its node)', async () => {
  const client = new Client({ server: t.url, token: t.adminToken });
  const informer = new Informer(client.resource('Pod'), { clock: realClock(), fieldSelector: 'spec.nodeName=node-7' });
  informer.start();
  await informer.waitForSync();
  await admin.resource('Pod').create(pod('on7', 'default', {}, 'node-7'));
  await admin.resource('Pod').create(pod('on8', 'default', {}, 'node-8'));
  await eventually(() => informer.cache.get('default/on7'), 10_000, 'the pod on node-7');
  await admin.resource('Pod').create(pod('on7b', 'other', {}, 'node-7'));
  await eventually(() => informer.cache.get('other/on7b'), 10_000, 'the second pod on node-7');
  assert.equal(informer.cache.get('default/on8'), undefined);
  await informer.stop();
  await client.close();
});
