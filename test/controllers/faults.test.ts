// Faults between the controller-manager and its apiserver, in process: a partition long
// enough that the history it would resume from is compacted (the watch answers EXPIRED)
// while the world changes — the controller relists and converges on the right state
// rather than acting on a stale cache.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realClock } from '../../src/apimachinery/clock.ts';
import { Client } from '../../src/client/index.ts';
import { ControllerManager } from '../../src/controllers/manager.ts';
import { replicaSetController } from '../../src/controllers/replicaset.ts';
import { eventually } from '../helpers/cluster.ts';
import { startProxy, type CuttableProxy } from '../helpers/proxy.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let admin: Client;
let proxy: CuttableProxy;
before(async () => {
  t = await startTestServer();
  admin = new Client({ server: t.url, token: t.adminToken });
  proxy = await startProxy(t.url);
});
after(async () => {
  await admin.close();
  await proxy.close();
  await t.stop();
});

test('a watch EXPIRED mid-run (partition + compaction) makes the controller relist and converge: no pod too many, none missing', async () => {
  const errors: string[] = [];
  const manager = new ControllerManager({
    server: proxy.url,
    token: await t.token('system:kube-controller-manager'),
    clock: realClock(),
    leaderElection: false,
    controllers: [replicaSetController],
    log: { info: () => undefined, error: (m, f) => void errors.push(`${m} ${JSON.stringify(f)}`) },
  });
  manager.start();
  await manager.waitForSync();
  const live = new Set<string>();
  let max = 0;
  const stop = admin.resource('Pod').watch(
    { namespace: 'default' },
    {
      next: ({ type, object }) => {
        if (type === 'BOOKMARK') return;
        if (type === 'DELETED' || object.metadata.deletionTimestamp) live.delete(object.metadata.name);
        else live.add(object.metadata.name);
        max = Math.max(max, live.size);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  await admin.resource('ReplicaSet').create({
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
  await eventually(() => live.size === 5, 20_000, '5 pods');

  // The controller-manager is cut off; meanwhile pods go, the ReplicaSet grows, history is compacted.
  proxy.partition();
  const pods = (await admin.resource('Pod').list({ namespace: 'default', labelSelector: 'app=web' })).items;
  for (const p of pods.slice(0, 2)) await admin.resource('Pod').delete('default', p.metadata.name, { gracePeriodSeconds: 0 });
  await admin.resource('ReplicaSet').patch('default', 'web', { spec: { replicas: 7 } });
  await t.server.store.compact(Number(await t.server.store.currentRevision()));
  proxy.heal();

  await eventually(
    async () => {
      const rs = await admin.resource('ReplicaSet').get('default', 'web');
      return live.size === 7 && rs?.status?.replicas === 7 && rs.status.observedGeneration === rs.metadata.generation;
    },
    30_000,
    '7 pods after the relist',
  );
  await new Promise((r) => setTimeout(r, 300)); // an over-create would show now
  assert.equal(live.size, 7);
  assert.equal(max, 7, 'never more pods than desired');
  assert.ok(
    errors.some((e) => e.includes('EXPIRED') || e.includes('too old')),
    `the informers' watches were answered EXPIRED: ${errors.join('; ')}`,
  );
  assert.equal((await admin.resource('Pod').list({ namespace: 'default', labelSelector: 'app=web' })).items.length, 7);
  stop();
  await manager.stop();
});
