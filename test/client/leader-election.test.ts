// Leader election on a Lease against a real apiserver, on a fake clock: one of two
// candidates leads; a leader that dies (stops renewing without releasing) is replaced
// only after the lease duration has passed on the standby's clock; a leader that shuts
// down releases and the standby takes over at its next retry; a leader cut off from the
// apiserver stops leading before its lease can have expired for anyone else.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeClock } from '../../src/apimachinery/clock.ts';
import { Client, LeaderElector } from '../../src/client/index.ts';
import { eventually } from '../helpers/cluster.ts';
import { startProxy } from '../helpers/proxy.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let admin: Client;
before(async () => {
  t = await startTestServer();
  admin = new Client({ server: t.url, token: t.adminToken });
});
after(async () => {
  await admin.close();
  await t.stop();
});

/** Moves the fake clock in steps, letting the candidates' requests finish between them. */
async function advance(clock: FakeClock, ms: number, step = 500): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.step(Math.min(step, ms - done));
    await new Promise((r) => setTimeout(r, 30));
  }
}

function candidate(name: string, identity: string, clock: FakeClock, server = t.url, releaseOnCancel = true) {
  const client = new Client({ server, token: t.adminToken });
  const events: string[] = [];
  const elector = new LeaderElector({
    client,
    clock,
    name,
    identity,
    releaseOnCancel,
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: () => events.push('stopped'),
    onNewLeader: (who) => events.push(`leader ${who}`),
  });
  return { client, elector, events };
}

const holder = async (name: string) => (await admin.resource('Lease').get('kube-system', name))?.spec;

test('two candidates: exactly one leads; the Lease names it with Kubernetes defaults (15 s)', async () => {
  const clock = new FakeClock();
  const a = candidate('le-one', 'a', clock);
  const b = candidate('le-one', 'b', clock);
  a.elector.start();
  await eventually(() => a.elector.isLeader(), 5_000, 'a leads');
  b.elector.start();
  await advance(clock, 10_000);
  assert.equal(a.elector.isLeader(), true);
  assert.equal(b.elector.isLeader(), false);
  assert.deepEqual(b.events, ['leader a']);
  const spec = await holder('le-one');
  assert.equal(spec?.holderIdentity, 'a');
  assert.equal(spec?.leaseDurationSeconds, 15);
  assert.match(String(spec?.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  await b.elector.stop();
  await a.elector.stop();
  await a.client.close();
  await b.client.close();
});

test("a dead leader (no release) is replaced only once the lease duration has passed on the standby's clock", async () => {
  const clock = new FakeClock();
  const a = candidate('le-two', 'a', clock, t.url, false);
  a.elector.start();
  await eventually(() => a.elector.isLeader(), 5_000, 'a leads');
  const b = candidate('le-two', 'b', clock);
  b.elector.start();
  await advance(clock, 4_000);
  await a.elector.stop(); // a dies: it renews no more, and its Lease stays as it was (no release)
  const lastRenew = (await holder('le-two'))?.renewTime;
  await advance(clock, 11_000);
  assert.equal(b.elector.isLeader(), false, 'not before 15 s without a renewal');
  assert.equal((await holder('le-two'))?.renewTime, lastRenew);
  await advance(clock, 6_000);
  await eventually(() => b.elector.isLeader(), 5_000, 'b takes over');
  const spec = await holder('le-two');
  assert.equal(spec?.holderIdentity, 'b');
  assert.equal(spec?.leaseTransitions, 1);
  await b.elector.stop();
  await a.client.close();
  await b.client.close();
});

test('a leader that shuts down releases the Lease: the standby leads at its next retry', async () => {
  const clock = new FakeClock();
  const a = candidate('le-three', 'a', clock);
  const b = candidate('le-three', 'b', clock);
  a.elector.start();
  await eventually(() => a.elector.isLeader(), 5_000, 'a leads');
  b.elector.start();
  await advance(clock, 3_000);
  await a.elector.stop();
  assert.deepEqual(a.events, ['started', 'stopped']);
  assert.equal((await holder('le-three'))?.holderIdentity, '');
  await advance(clock, 3_000);
  await eventually(() => b.elector.isLeader(), 5_000, 'b leads');
  await b.elector.stop();
  await a.client.close();
  await b.client.close();
});

test('a leader cut off from the apiserver stops leading within the renew deadline (10 s), before anyone may take over (15 s)', async () => {
  const proxy = await startProxy(t.url);
  const clock = new FakeClock();
  const a = candidate('le-four', 'a', clock, proxy.url);
  a.elector.start();
  await eventually(() => a.elector.isLeader(), 5_000, 'a leads');
  await proxy.close(); // no more connections for a
  await advance(clock, 11_000);
  assert.equal(a.elector.isLeader(), false);
  assert.deepEqual(a.events, ['started', 'stopped']);
  const b = candidate('le-four', 'b', clock);
  b.elector.start();
  await advance(clock, 4_000);
  assert.equal(b.elector.isLeader(), false, 'b has not yet seen the lease unrenewed for 15 s');
  await advance(clock, 14_000);
  await eventually(() => b.elector.isLeader(), 5_000, 'b leads');
  await a.elector.stop();
  await b.elector.stop();
  await a.client.close();
  await b.client.close();
});

test('the timings must make sense: lease > renew deadline > 1.2 × retry period', () => {
  const client = admin;
  assert.throws(
    () => new LeaderElector({ client, clock: new FakeClock(), name: 'x', identity: 'a', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
    RangeError,
  );
  assert.throws(
    () => new LeaderElector({ client, clock: new FakeClock(), name: 'x', identity: 'a', renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }),
    RangeError,
  );
});
