// Events as the controllers record them (client-go's recorder): aggregated — the same
// reason and message about the same object bumps count and lastTimestamp of one Event —
// spam-filtered (25 per object, then one per 5 minutes), and found with the field
// selectors kubectl describe uses.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeClock, timestamp } from '../../src/apimachinery/clock.ts';
import { Client } from '../../src/client/index.ts';
import { eventRecorder } from '../../src/client/event-recorder.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let client: Client;
before(async () => {
  t = await startTestServer();
  client = new Client({ server: t.url, token: await t.token('system:kube-controller-manager') });
});
after(async () => {
  await client.close();
  await t.stop();
});

const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'uid-web' } };
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'uid-n1' } };
const events = (fieldSelector: string, namespace = 'default') =>
  client
    .resource('Event')
    .list({ namespace, fieldSelector })
    .then((l) => l.items);

test('the same event again bumps count and lastTimestamp of one Event; another message is another Event', async () => {
  const clock = new FakeClock(new Date('2026-12-01T10:00:00Z'));
  const recorder = eventRecorder(client, clock, 'replicaset-controller');
  recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-a');
  await recorder.flush();
  clock.step(60_000);
  recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-a');
  recorder.event(rs, 'Warning', 'FailedCreate', 'Error creating: quota');
  await recorder.flush();
  const created = await events('involvedObject.name=web,reason=SuccessfulCreate');
  assert.equal(created.length, 1);
  const [e] = created as unknown as {
    count: number;
    firstTimestamp: string;
    lastTimestamp: string;
    type: string;
    source: { component: string };
    involvedObject: { kind: string; uid: string };
  }[];
  assert.equal(e.count, 2);
  assert.equal(e.firstTimestamp, timestamp(new Date('2026-12-01T10:00:00Z')));
  assert.equal(e.lastTimestamp, timestamp(new Date('2026-12-01T10:01:00Z')));
  assert.equal(e.type, 'Normal');
  assert.equal(e.source.component, 'replicaset-controller');
  assert.deepEqual([e.involvedObject.kind, e.involvedObject.uid], ['ReplicaSet', 'uid-web']);
  assert.equal((await events('involvedObject.uid=uid-web,type=Warning')).length, 1);
  assert.equal((await events('involvedObject.kind=ReplicaSet')).length, 2);
  assert.equal((await events('involvedObject.kind=Pod')).length, 0);
});

test('an event about a cluster-scoped object lives in default', async () => {
  const recorder = eventRecorder(client, new FakeClock(), 'node-controller');
  recorder.event(node, 'Normal', 'NodeNotReady', 'Node n1 status is now: NodeNotReady');
  await recorder.flush();
  const [e] = await events('involvedObject.name=n1');
  assert.equal(e.reason, 'NodeNotReady');
  assert.equal(e.metadata.namespace, 'default');
});

test('spam filter: 25 events per object, then one per 5 minutes of cluster time', async () => {
  const clock = new FakeClock();
  const recorder = eventRecorder(client, clock, 'replicaset-controller');
  const spammy = { ...rs, metadata: { ...rs.metadata, name: 'spammy', uid: 'uid-spammy' } };
  for (let i = 0; i < 40; i++) recorder.event(spammy, 'Normal', 'SuccessfulCreate', `Created pod: spammy-${i}`);
  await recorder.flush();
  assert.equal((await events('involvedObject.name=spammy')).length, 25);
  clock.step(300_000);
  recorder.event(spammy, 'Normal', 'SuccessfulCreate', 'Created pod: spammy-late');
  recorder.event(spammy, 'Normal', 'SuccessfulCreate', 'Created pod: spammy-later');
  await recorder.flush();
  assert.equal((await events('involvedObject.name=spammy')).length, 26);
});
