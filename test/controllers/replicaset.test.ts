// The ReplicaSet controller against a real apiserver (HTTP + WebSocket, RBAC on), running
// through the SDK as system:kube-controller-manager. The tests play scheduler and kubelet:
// they bind pods and post pod status themselves.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../../src/apimachinery/clock.ts';
import type { Client } from '../../src/client/client.ts';
import * as operations from '../../src/client/generated/graphql.ts';
import type { KubeObjectOf } from '../../src/client/resources.ts';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from '../../src/controllers/expectations.ts';
import { podsToDelete } from '../../src/controllers/pod-ordering.ts';
import { replicaSetController, slowStartBatch } from '../../src/controllers/replicaset.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';

type Pod = KubeObjectOf<'Pod'>;
type RS = KubeObjectOf<'ReplicaSet'>;

const NS = 'default';

function replicaSet(name: string, replicas: number, extra: { minReadySeconds?: number; labels?: Record<string, string> } = {}) {
  const labels = extra.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}),
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

const scale = (c: Client, name: string, replicas: number) => c.request(operations.ScaleReplicaSetDocument, { namespace: NS, name, replicas });

async function podsOf(c: Client, rs: RS): Promise<Pod[]> {
  const { items } = await c.resource('Pod').listAll({ namespace: NS });
  return items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
}

const active = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp);

async function rsNamed(c: Client, name: string): Promise<RS> {
  const rs = await c.resource('ReplicaSet').get(NS, name);
  assert.ok(rs, `ReplicaSet ${name} exists`);
  return rs;
}

/** The status, with Go's omitted zeros made explicit. */
const counters = (rs: RS) => ({
  replicas: rs.status?.replicas ?? 0,
  fullyLabeledReplicas: rs.status?.fullyLabeledReplicas ?? 0,
  readyReplicas: rs.status?.readyReplicas ?? 0,
  availableReplicas: rs.status?.availableReplicas ?? 0,
  observedGeneration: rs.status?.observedGeneration ?? 0,
});

/** As a kubelet would report a running pod (ready or not), with optional restarts and ready time. */
async function runPod(c: Client, pod: Pod, ready: boolean, options: { readySince?: string; restarts?: number } = {}): Promise<void> {
  const now = new Date().toISOString();
  const since = options.readySince ?? now;
  await c.resource('Pod').updateStatus(NS, pod.metadata.name, {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since },
    ],
    containerStatuses: [
      { name: 'c', image: 'nginx', imageID: '', ready, restartCount: options.restarts ?? 0, started: true, state: { running: { startedAt: now } } },
    ],
  });
}

const bind = (c: Client, pod: Pod, nodeName = 'node-1') => c.request(operations.BindPodDocument, { namespace: NS, name: pod.metadata.name, nodeName });

async function eventsAbout(c: Client, name: string) {
  const { items } = await c.resource('Event').list({ namespace: NS, fieldSelector: `involvedObject.name=${name}` });
  return items;
}

/**
 * A TCP proxy in front of the apiserver that holds every byte of WebSocket connections
 * (watches) from the apiserver for `lagMs` before passing it on, in order; plain HTTP
 * passes at once. A controller behind it writes at full speed and learns of its own
 * writes late: the cache lag that expectations exist for.
 */
async function laggingProxy(targetUrl: string, lagMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    let websocket: boolean | undefined;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      websocket ??= /^upgrade: websocket/im.test(chunk.toString('latin1'));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (websocket) setTimeout(() => client.destroyed || client.write(chunk), lagMs);
      else client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => setTimeout(() => client.end(), websocket ? lagMs : 0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Watches the pods of `rs` and keeps the most that were ever active at once. */
function countPods(c: Client, rs: RS) {
  const alive = new Set<string>();
  const counter = {
    max: 0,
    get now() {
      return alive.size;
    },
    stop: () => undefined as void,
  };
  counter.stop = c.resource('Pod').watch(
    { namespace: NS },
    {
      next: (event) => {
        const pod = event.object;
        const ours = pod.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid);
        if (!ours || event.type === 'DELETED' || pod.metadata.deletionTimestamp) alive.delete(pod.metadata.uid);
        else if (event.type === 'ADDED' || event.type === 'MODIFIED') alive.add(pod.metadata.uid);
        counter.max = Math.max(counter.max, alive.size);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return counter;
}

describe('ReplicaSet controller', () => {
  let cluster: TestCluster;
  let admin: Client;
  before(async () => {
    cluster = await startTestCluster({ controllers: [replicaSetController], timeScale: 100 });
    admin = cluster.admin;
  });
  after(() => cluster.stop());

  test('scales 0 → 50 → 5 → 0 with exact pod counts, status counters and events', async () => {
    const created = await admin.resource('ReplicaSet').create(replicaSet('web', 0) as never);
    await eventually(
      async () => {
        const rs = await rsNamed(admin, 'web');
        return counters(rs).observedGeneration === 1 && rs.status?.replicas === 0;
      },
      20_000,
      'the status of an empty ReplicaSet',
    );

    await scale(admin, 'web', 50);
    const fifty = await eventually(
      async () => {
        const pods = await podsOf(admin, created);
        return pods.length === 50 ? pods : undefined;
      },
      60_000,
      '50 pods',
    );
    for (const pod of fifty) {
      assert.equal(pod.metadata.generateName, 'web-');
      assert.match(pod.metadata.name, /^web-[a-z0-9]{5}$/);
      assert.deepEqual(pod.metadata.labels, { app: 'web' });
      assert.deepEqual(pod.metadata.ownerReferences, [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    // Seven of them run and become ready.
    for (const pod of fifty.slice(0, 7)) await runPod(admin, pod, true);
    await eventually(
      async () => {
        const c = counters(await rsNamed(admin, 'web'));
        return c.replicas === 50 && c.fullyLabeledReplicas === 50 && c.readyReplicas === 7 && c.availableReplicas === 7 && c.observedGeneration === 2;
      },
      20_000,
      'status at 50',
    );
    assert.equal((await podsOf(admin, created)).length, 50, 'no pod beyond the 50');

    await scale(admin, 'web', 5);
    const five = await eventually(
      async () => {
        const pods = await podsOf(admin, created);
        return pods.length === 5 ? pods : undefined;
      },
      60_000,
      '5 pods',
    );
    // The ready pods are the last to go (not ready < ready).
    assert.deepEqual(new Set(five.map((p) => p.metadata.name)).size, 5);
    for (const p of five)
      assert.ok(
        fifty.slice(0, 7).some((r) => r.metadata.uid === p.metadata.uid),
        `${p.metadata.name} is one of the ready pods`,
      );
    await eventually(
      async () => {
        const c = counters(await rsNamed(admin, 'web'));
        return c.replicas === 5 && c.fullyLabeledReplicas === 5 && c.readyReplicas === 5 && c.availableReplicas === 5 && c.observedGeneration === 3;
      },
      20_000,
      'status at 5',
    );

    await scale(admin, 'web', 0);
    await eventually(async () => (await podsOf(admin, created)).length === 0, 60_000, '0 pods');
    await eventually(
      async () => {
        const rs = await rsNamed(admin, 'web');
        return JSON.stringify(rs.status) === JSON.stringify({ replicas: 0, observedGeneration: 4 });
      },
      20_000,
      'status at 0: zero counters omitted as Kubernetes writes them',
    );

    // Events with Kubernetes' wording, about the ReplicaSet, from the replicaset-controller;
    // client-go's spam filter lets 25 through for one object in a burst.
    const events = await eventually(
      async () => {
        const ev = await eventsAbout(admin, 'web');
        return ev.filter((e) => e.reason === 'SuccessfulCreate').length === 25 ? ev : undefined;
      },
      20_000,
      '25 SuccessfulCreate events',
    );
    const creates = events.filter((e) => e.reason === 'SuccessfulCreate');
    for (const e of creates) {
      assert.match(e.message ?? '', /^Created pod: web-[a-z0-9]{5}$/);
      assert.equal(e.type, 'Normal');
      assert.equal(e.involvedObject.kind, 'ReplicaSet');
      assert.equal(e.involvedObject.uid, created.metadata.uid);
      assert.equal(e.source?.component, 'replicaset-controller');
      assert.ok(
        fifty.some((p) => e.message === `Created pod: ${p.metadata.name}`),
        `${e.message} names a pod that was created`,
      );
    }
  });

  test('adopts matching orphans, leaves pods of other controllers, releases pods that stop matching', async () => {
    const labels = { app: 'adopt' };
    const orphan = (name: string, ownerReferences?: unknown[]) =>
      admin.resource('Pod').create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: NS, labels, ...(ownerReferences ? { ownerReferences } : {}) },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      } as never);
    await orphan('orphan-1');
    await orphan('orphan-2');
    const foreign = await orphan('foreign', [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'someone-else', uid: '00000000-0000-0000-0000-000000000001', controller: true },
    ]);
    const rs = await admin.resource('ReplicaSet').create(replicaSet('adopt', 3) as never);

    const owned = await eventually(
      async () => {
        const pods = await podsOf(admin, rs);
        return pods.length === 3 ? pods : undefined;
      },
      20_000,
      'adopted 2 and created 1',
    );
    const names = owned.map((p) => p.metadata.name).sort();
    assert.ok(names.includes('orphan-1') && names.includes('orphan-2'), `adopted both orphans: ${names.join(', ')}`);
    const adopted = owned.find((p) => p.metadata.name === 'orphan-1')!;
    assert.deepEqual(adopted.metadata.ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    const stillForeign = await admin.resource('Pod').get(NS, 'foreign');
    assert.deepEqual(stillForeign?.metadata.ownerReferences, foreign.metadata.ownerReferences, 'a pod another controller controls is not taken');

    // orphan-2 stops matching: it is released and replaced.
    await admin.resource('Pod').patch(NS, 'orphan-2', { metadata: { labels: { app: 'elsewhere' } } });
    await eventually(
      async () => {
        const released = await admin.resource('Pod').get(NS, 'orphan-2');
        const pods = await podsOf(admin, rs);
        return released && !released.metadata.ownerReferences && pods.length === 3 && !pods.some((p) => p.metadata.name === 'orphan-2');
      },
      20_000,
      'released and replaced',
    );
    await eventually(async () => counters(await rsNamed(admin, 'adopt')).replicas === 3, 20_000, 'status');
  });

  test("scale-down deletes in Kubernetes' order: unassigned, pending, not ready, ready most recently, most restarts, then the rest", async () => {
    const rs = await admin.resource('ReplicaSet').create(replicaSet('order', 6) as never);
    const pods = await eventually(
      async () => {
        const p = await podsOf(admin, rs);
        return p.length === 6 ? p : undefined;
      },
      20_000,
      '6 pods',
    );
    const [unassigned, pending, notReady, readyNew, readyRestarts, readyOld] = pods;
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    for (const p of pods.slice(1)) await bind(admin, p);
    await runPod(admin, notReady, false);
    await runPod(admin, readyNew, true);
    await runPod(admin, readyRestarts, true, { readySince: hourAgo, restarts: 3 });
    await runPod(admin, readyOld, true, { readySince: hourAgo });
    await eventually(async () => counters(await rsNamed(admin, 'order')).readyReplicas === 3, 20_000, '3 ready');
    void pending; // bound, phase Pending

    const expected = [unassigned, pending, notReady, readyNew, readyRestarts, readyOld];
    for (let i = 0; i < expected.length; i++) {
      await scale(admin, 'order', 5 - i);
      const gone = await eventually(
        async () => {
          const now = await podsOf(admin, rs);
          const remaining = active(now);
          const rsNow = await rsNamed(admin, 'order');
          // Bound pods terminate gracefully (kept with a deletionTimestamp) and no longer count.
          return remaining.length === 5 - i && rsNow.status?.replicas === 5 - i
            ? expected.filter((p) => !remaining.some((r) => r.metadata.uid === p.metadata.uid))
            : undefined;
        },
        20_000,
        `scaled to ${5 - i}`,
      );
      assert.deepEqual(
        gone.map((p) => p.metadata.name),
        expected.slice(0, i + 1).map((p) => p.metadata.name),
        `step ${i + 1} deleted ${expected[i].metadata.name}`,
      );
    }
    const terminating = (await podsOf(admin, rs)).filter((p) => p.metadata.deletionTimestamp);
    assert.equal(terminating.length, 5, 'the bound pods wait for their kubelet, and are not replaced');
    const deleted = await eventually(
      async () => {
        const ev = (await eventsAbout(admin, 'order')).filter((e) => e.reason === 'SuccessfulDelete');
        return ev.length === 6 ? ev : undefined;
      },
      20_000,
      '6 SuccessfulDelete events',
    );
    assert.deepEqual(deleted.map((e) => e.message).sort(), expected.map((p) => `Deleted pod: ${p.metadata.name}`).sort());
    assert.ok(deleted.every((e) => e.type === 'Normal' && e.involvedObject.uid === rs.metadata.uid));
  });

  test('availableReplicas counts pods ready for minReadySeconds (cluster time)', async () => {
    const rs = await admin.resource('ReplicaSet').create(replicaSet('slow', 2, { minReadySeconds: 300 }) as never);
    const pods = await eventually(
      async () => {
        const p = await podsOf(admin, rs);
        return p.length === 2 ? p : undefined;
      },
      20_000,
      '2 pods',
    );
    for (const p of pods) {
      await bind(admin, p);
      await runPod(admin, p, true);
    }
    const first = await eventually(
      async () => {
        const r = await rsNamed(admin, 'slow');
        return counters(r).readyReplicas === 2 ? r : undefined;
      },
      20_000,
      'ready',
    );
    assert.equal(counters(first).availableReplicas, 0, 'not yet available: 300 s (3 s at time scale 100) have not passed');
    await eventually(async () => counters(await rsNamed(admin, 'slow')).availableReplicas === 2, 20_000, 'available after minReadySeconds, by a timed requeue');
  });

  test('a burst, a controller-manager restart and a scale-down never leave more pods than desired', async () => {
    const rs = await admin.resource('ReplicaSet').create(replicaSet('burst', 0) as never);
    const alive = new Set<string>();
    let max = 0;
    const stopWatch = admin.resource('Pod').watch(
      { namespace: NS },
      {
        next: (event) => {
          const pod = event.object;
          if (!pod.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid)) {
            alive.delete(pod.metadata.uid);
            return;
          }
          if (event.type === 'DELETED' || pod.metadata.deletionTimestamp) alive.delete(pod.metadata.uid);
          else if (event.type === 'ADDED' || event.type === 'MODIFIED') alive.add(pod.metadata.uid);
          max = Math.max(max, alive.size);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      await scale(admin, 'burst', 120);
      await eventually(() => alive.size >= 20, 30_000, 'the burst under way');
      // Restart the controller-manager mid-burst: the new one starts from a fresh list.
      await cluster.manager.stop();
      const second = await startTestCluster({ apiserver: cluster.t, controllers: [replicaSetController], timeScale: 100 });
      try {
        await eventually(async () => (await podsOf(admin, rs)).length === 120 && alive.size === 120, 60_000, '120 pods');
        await eventually(async () => counters(await rsNamed(admin, 'burst')).replicas === 120, 20_000, 'status 120');
        // A scale down during which the cache lags must not delete more than asked either.
        await scale(admin, 'burst', 30);
        await eventually(async () => (await podsOf(admin, rs)).length === 30, 60_000, '30 pods');
        await second.manager.stop();
        const third = await startTestCluster({ apiserver: cluster.t, controllers: [replicaSetController], timeScale: 100 });
        await scale(admin, 'burst', 60);
        await eventually(async () => (await podsOf(admin, rs)).length === 60, 60_000, '60 pods');
        await eventually(async () => counters(await rsNamed(admin, 'burst')).replicas === 60, 20_000, 'status 60');
        assert.equal((await podsOf(admin, rs)).length, 60);
        await third.stop();
      } finally {
        await second.stop();
      }
      assert.ok(max <= 120, `never more than 120 pods at once (saw ${max})`);
      assert.equal(alive.size, 60);
    } finally {
      stopWatch();
    }
  });
});

describe('ReplicaSet controller behind a lagging watch', () => {
  test('expectations: with its cache 400 ms behind its own writes, it never creates or deletes more than asked, across restarts too', async () => {
    const base = await startTestCluster({ controllers: [], timeScale: 100 });
    const proxy = await laggingProxy(base.t.url, 400);
    const behind = { ...base.t, url: proxy.url };
    let manager = await startTestCluster({ apiserver: behind, controllers: [replicaSetController], timeScale: 100 });
    const admin = base.admin;
    try {
      const rs = await admin.resource('ReplicaSet').create(replicaSet('lagged', 0) as never);
      const pods = countPods(admin, rs);
      try {
        await scale(admin, 'lagged', 40);
        await eventually(() => pods.now >= 7, 20_000, 'the burst under way');
        // A new controller-manager starts from a fresh list (the old one finished its syncs).
        await manager.stop();
        manager = await startTestCluster({ apiserver: behind, controllers: [replicaSetController], timeScale: 100 });
        await eventually(async () => pods.now === 40 && (await rsNamed(admin, 'lagged')).status?.replicas === 40, 30_000, '40 pods');
        await scale(admin, 'lagged', 10);
        await eventually(async () => pods.now === 10 && (await rsNamed(admin, 'lagged')).status?.replicas === 10, 30_000, '10 pods');
        const lowest = { min: Infinity };
        const watchMin = setInterval(() => {
          lowest.min = Math.min(lowest.min, pods.now);
        }, 5);
        await new Promise((r) => setTimeout(r, 1_500)); // several lag periods: nothing more happens
        clearInterval(watchMin);
        assert.equal(pods.now, 10);
        assert.equal(lowest.min, 10, 'scale-down never went below 10');
        assert.equal((await podsOf(admin, rs)).length, 10);
        assert.ok(pods.max <= 40, `never more than 40 pods at once (saw ${pods.max})`);
      } finally {
        pods.stop();
      }
    } finally {
      await manager.stop();
      await proxy.close();
      await base.stop();
    }
  });
});

describe('ReplicaSet helpers', () => {
  test('slow start: batches of 1, 2, 4, … that stop after the first batch with a failure', async () => {
    const sizes: number[] = [];
    const ok = await slowStartBatch(20, 1, async (n) => {
      sizes.push(n);
      await new Promise((r) => setImmediate(r));
      return Array.from({ length: n }, () => undefined);
    });
    assert.deepEqual(ok, { successes: 20 });
    assert.deepEqual(sizes, [1, 2, 4, 8, 5]);

    let made = 0;
    sizes.length = 0;
    const failing = await slowStartBatch(500, 1, async (n) => {
      sizes.push(n);
      return Array.from({ length: n }, () => (++made > 3 ? new Error('refused') : undefined));
    });
    assert.equal(failing.successes, 3, 'batches of 1 and 2 succeeded');
    assert.deepEqual(sizes, [1, 2, 4], 'the batch of 4 was sent, then nothing more');
    assert.equal((failing.error as Error).message, 'refused');
  });

  test('expectations: satisfied once every expected create and deletion is observed, or after 5 minutes', () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations(clock);
    assert.ok(e.satisfied('ns/rs'), 'nothing recorded: satisfied');
    e.expectCreations('ns/rs', 2);
    assert.ok(!e.satisfied('ns/rs'));
    e.creationObserved('ns/rs');
    assert.ok(!e.satisfied('ns/rs'));
    e.creationObserved('ns/rs');
    assert.ok(e.satisfied('ns/rs'));
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    e.deletionObserved('ns/rs', 'ns/other'); // not one it asked for
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a'); // seen twice (terminating, then deleted): counts once
    assert.ok(!e.satisfied('ns/rs'));
    clock.step(EXPECTATIONS_TIMEOUT_MS + 1);
    assert.ok(e.satisfied('ns/rs'), 'expired');
  });

  test('deletion order ranks colocated pods first and compares ages on a logarithmic scale', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const pod = (name: string, node: string, created: string, uid = name) => ({
      metadata: { name, uid, creationTimestamp: created },
      spec: { nodeName: node, containers: [] },
      status: { phase: 'Running' },
    });
    const a = pod('a', 'n1', '2026-01-01T11:00:00Z');
    const b = pod('b', 'n2', '2026-01-01T11:59:00Z');
    const c = pod('c', 'n2', '2026-01-01T10:00:00Z');
    // n2 has two pods: one of them goes first, and of those the newer.
    assert.deepEqual(
      podsToDelete([a, b, c], [a, b, c], 1, now).map((p) => p.metadata.name),
      ['b'],
    );
    // Same node: 11:00 and 11:01 are within one power of two of age → the uid decides.
    const x = pod('x', 'n1', '2026-01-01T11:00:00Z', 'uid-2');
    const y = pod('y', 'n1', '2026-01-01T11:01:00Z', 'uid-1');
    assert.deepEqual(
      podsToDelete([x, y], [x, y], 1, now).map((p) => p.metadata.name),
      ['y'],
    );
    const cheap = {
      ...pod('cheap', 'n1', '2026-01-01T10:00:00Z'),
      metadata: { name: 'cheap', uid: 'cheap', creationTimestamp: '2026-01-01T10:00:00Z', annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-5' } },
    };
    assert.deepEqual(
      podsToDelete([a, b, cheap], [a, b, cheap], 1, now).map((p) => p.metadata.name),
      ['cheap'],
      'pod-deletion-cost before rank and age',
    );
  });
});
