// The ServiceAccounts controller against a real apiserver, through the SDK as
// system:kube-controller-manager: every active namespace has a `default` ServiceAccount.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { namespaceController } from '../../src/controllers/namespace.ts';
import { serviceAccountController } from '../../src/controllers/serviceaccount.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: [serviceAccountController, namespaceController], timeScale: 10 });
});
after(async () => {
  await c.stop();
});

const defaultAccount = (namespace: string) => c.admin.resource('ServiceAccount').get(namespace, 'default');

test('namespaces that exist at start, and new ones, get a default ServiceAccount', async () => {
  await eventually(() => defaultAccount('default'), 20_000, 'default/default');
  await eventually(() => defaultAccount('kube-system'), 20_000, 'kube-system/default');
  for (const name of ['team-a', 'team-b', 'team-c']) await c.admin.resource('Namespace').create({ metadata: { name } });
  for (const name of ['team-a', 'team-b', 'team-c']) await eventually(() => defaultAccount(name), 20_000, `${name}/default`);
  // only the one account: the controller makes no others
  const accounts = await c.admin.resource('ServiceAccount').list({ namespace: 'team-a' });
  assert.deepEqual(
    accounts.items.map((a) => a.metadata.name),
    ['default'],
  );
});

test('a deleted default ServiceAccount comes back, with a new uid', async () => {
  await c.admin.resource('Namespace').create({ metadata: { name: 'team-d' } });
  const before = await eventually(() => defaultAccount('team-d'));
  await c.admin.resource('ServiceAccount').delete('team-d', 'default');
  const again = await eventually(
    async () => {
      const now = await defaultAccount('team-d');
      return now && now.metadata.uid !== before.metadata.uid ? now : undefined;
    },
    20_000,
    'team-d/default made again',
  );
  assert.equal(again.metadata.name, 'default');
});

test('a namespace being deleted gets none back, and goes away', async () => {
  await c.admin.resource('Namespace').create({ metadata: { name: 'team-e' } });
  await eventually(() => defaultAccount('team-e'));
  await c.admin.resource('Namespace').delete(undefined, 'team-e');
  await eventually(async () => (await c.admin.resource('Namespace').get(undefined, 'team-e')) === null, 30_000, 'team-e gone');
  assert.equal(await defaultAccount('team-e'), null);
});
