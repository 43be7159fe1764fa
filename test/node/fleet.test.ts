// Simulated node fleets against a real apiserver, with the controller-manager and the
// scheduler as `kubeql up` runs them (each a client under its own identity, time scale 50):
// nodes register with pod CIDRs from node IPAM; a Deployment's pods run, get ready and get
// addresses inside their nodes' ranges; graceful deletion; a fleet that dies has its nodes
// marked Unknown, its pods evicted and replaced on another fleet's nodes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realClock } from '../../src/apimachinery/clock.ts';
import { Client } from '../../src/client/index.ts';
import { ControllerManager } from '../../src/controllers/manager.ts';
import { NodeFleet, FLEET_USER } from '../../src/node/index.ts';
import { PodIPs } from '../../src/node/pod-ips.ts';
import { SchedulerServer } from '../../src/scheduler/index.ts';
import { eventually } from '../helpers/cluster.ts';
import { isReady } from '../helpers/kubelet.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SCALE = 50;
const quiet = { info: () => undefined, error: () => undefined };
let t: TestServer;
let admin: Client;
let manager: ControllerManager;
let scheduler: SchedulerServer;
let fleetA: NodeFleet;
let fleetB: NodeFleet;

before(async () => {
  t = await startTestServer();
  const clock = realClock(SCALE);
  admin = new Client({ server: t.url, token: t.adminToken });
  manager = new ControllerManager({ server: t.url, token: await t.token('system:kube-controller-manager'), clock, leaderElection: false, log: quiet });
  scheduler = new SchedulerServer({ server: t.url, token: await t.token('system:kube-scheduler'), clock, leaderElection: false, log: quiet });
  manager.start();
  scheduler.start();
  await Promise.all([manager.waitForSync(), scheduler.waitForSync()]);
  const token = await t.token(FLEET_USER);
  fleetA = new NodeFleet({ server: t.url, token, clock, count: 2, namePrefix: 'a', zones: 2, log: quiet });
  fleetB = new NodeFleet({ server: t.url, token, clock, count: 2, namePrefix: 'b', zones: 2, log: quiet });
  fleetA.start();
  fleetB.start();
  await Promise.all([fleetA.waitForReady(), fleetB.waitForReady()]);
});

after(async () => {
  await Promise.all([fleetA.stop(), fleetB.stop(), manager.stop(), scheduler.stop()]);
  await admin.close();
  await t.stop();
});

test('nodes register with capacity, labels, conditions, a Lease and a unique pod CIDR', async () => {
  const nodes = await eventually(
    async () => {
      const list = (await admin.resource('Node').list()).items;
      return list.length === 4 && list.every((n) => n.spec?.podCIDR) ? list : undefined;
    },
    60_000,
    'four nodes with pod CIDRs',
  );
  const cidrs = nodes.map((n) => n.spec!.podCIDR!);
  assert.equal(new Set(cidrs).size, 4);
  for (const n of nodes) {
    assert.match(n.spec!.podCIDR!, /^10\.244\.\d+\.0\/24$/);
    assert.equal(n.metadata.labels!['kubernetes.io/hostname'], n.metadata.name);
    assert.equal(n.metadata.labels!['kubernetes.io/os'], 'linux');
    assert.match(n.metadata.labels!['topology.kubernetes.io/zone'], /^zone-[ab]$/);
    assert.deepEqual({ ...n.status!.allocatable }, { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '0' });
    assert.deepEqual(n.status!.conditions!.map((c) => `${c.type}=${c.status}`).sort(), [
      'DiskPressure=False',
      'MemoryPressure=False',
      'PIDPressure=False',
      'Ready=True',
    ]);
    assert.equal(n.status!.addresses!.find((a) => a.type === 'InternalIP')!.address.split('.')[0], '172');
    assert.equal(n.status!.nodeInfo!.operatingSystem, 'linux');
    const lease = await admin.resource('Lease').get('kube-node-lease', n.metadata.name);
    assert.equal(lease?.spec?.holderIdentity, n.metadata.name);
    assert.equal(lease?.spec?.leaseDurationSeconds, 40);
  }
});

test("a Deployment's pods reach Running and Ready with IPs inside their nodes' pod CIDRs", async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'web' } });
  await admin.resource('Deployment').create({
    metadata: { name: 'web', namespace: 'web' },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'sim.kubeql.io/pull-seconds': '10', 'sim.kubeql.io/ready-after-seconds': '5' } },
        spec: { containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  });
  const pods = await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ namespace: 'web' })).items;
      return items.length === 6 && items.every((p) => p.status?.phase === 'Running' && isReady(p)) ? items : undefined;
    },
    90_000,
    'six pods Running and Ready',
  );
  const nodes = new Map((await admin.resource('Node').list()).items.map((n) => [n.metadata.name, n]));
  const ips = new Set<string>();
  for (const p of pods) {
    const node = nodes.get(p.spec!.nodeName!)!;
    assert.ok(new PodIPs(node.spec!.podCIDR!).contains(p.status!.podIP!), `${p.status!.podIP} in ${node.spec!.podCIDR}`);
    assert.equal(p.status!.hostIP, node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address);
    assert.ok(p.status!.startTime);
    const cs = p.status!.containerStatuses![0];
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.ok(cs.state!.running!.startedAt);
    assert.deepEqual(
      p
        .status!.conditions!.filter((c) => ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].includes(c.type))
        .map((c) => `${c.type}=${c.status}`)
        .sort(),
      ['ContainersReady=True', 'Initialized=True', 'PodScheduled=True', 'Ready=True'],
    );
    ips.add(p.status!.podIP!);
  }
  assert.equal(ips.size, 6);
  // the kubelet's events, as `kubectl describe pod` shows them
  const events = await eventually(
    async () => {
      const items = (await admin.resource('Event').list({ namespace: 'web', fieldSelector: `involvedObject.name=${pods[0].metadata.name}` })).items;
      const reasons = new Set(items.filter((e) => e.source?.component === 'kubelet').map((e) => e.reason));
      return ['Pulled', 'Created', 'Started'].every((r) => reasons.has(r)) ? items : undefined;
    },
    60_000,
    'Pulled, Created and Started events',
  );
  const started = events.find((e) => e.reason === 'Started')!;
  assert.equal(started.message, 'Started container web');
  assert.equal(started.source!.host, pods[0].spec!.nodeName);
  await eventually(async () => (await admin.resource('Deployment').get('web', 'web'))?.status?.readyReplicas === 6, 60_000, 'deployment readyReplicas 6');
});

test('graceful delete: the kubelet stops the containers and finishes the delete', async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'grace' } });
  // the container takes 20 s (0.4 s scaled) to stop on SIGTERM, within the 30 s grace period
  await admin.resource('Pod').create({
    metadata: { name: 'p', namespace: 'grace', annotations: { 'sim.kubeql.io/stop-seconds': '20' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  await eventually(async () => isReady((await admin.resource('Pod').get('grace', 'p')) ?? {}), 60_000, 'pod ready');
  const left = await admin.resource('Pod').delete('grace', 'p');
  assert.ok(left?.metadata.deletionTimestamp, 'deleted gracefully (still there, terminating)');
  let lastSeen = left;
  await eventually(
    async () => {
      const p = await admin.resource('Pod').get('grace', 'p');
      if (p) lastSeen = p;
      return p === null;
    },
    60_000,
    'pod gone',
  );
  assert.ok(lastSeen.metadata.deletionTimestamp);
});

test('a readiness gate holds Ready until its condition is set True by its owner', async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'gates' } });
  await admin.resource('Pod').create({
    metadata: { name: 'g', namespace: 'gates' },
    spec: { readinessGates: [{ conditionType: 'example.com/lb' }], containers: [{ name: 'c', image: 'nginx' }] },
  });
  const running = await eventually(
    async () => {
      const p = await admin.resource('Pod').get('gates', 'g');
      return p?.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status === 'True' ? p : undefined;
    },
    60_000,
    'containers ready',
  );
  assert.equal(running.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'False');
  assert.equal(running.status!.conditions!.find((c) => c.type === 'Ready')!.reason, 'ReadinessGatesNotReady');
  await admin
    .resource('Pod')
    .updateStatus('gates', 'g', { ...running.status, conditions: [...running.status!.conditions!, { type: 'example.com/lb', status: 'True' }] });
  await eventually(async () => isReady((await admin.resource('Pod').get('gates', 'g')) ?? {}), 60_000, 'Ready once the gate is True');
});

test('crash-looping container: back-off and restartCount climbing; Never and OnFailure semantics', async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'crash' } });
  const make = (name: string, restartPolicy: string, code: string) =>
    admin.resource('Pod').create({
      metadata: { name, namespace: 'crash', annotations: { 'sim.kubeql.io/exit-after-seconds': '1', 'sim.kubeql.io/exit-code': code } },
      spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] },
    });
  await make('loop', 'Always', '1');
  await make('never-fails', 'Never', '2');
  await make('onfailure-ok', 'OnFailure', '0');
  const loop = await eventually(
    async () => {
      const p = await admin.resource('Pod').get('crash', 'loop');
      const cs = p?.status?.containerStatuses?.[0];
      return cs && cs.restartCount! >= 2 && cs.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    },
    60_000,
    'CrashLoopBackOff with restarts',
  );
  assert.equal(loop.status!.phase, 'Running');
  assert.equal(loop.status!.containerStatuses![0].lastState!.terminated!.exitCode, 1);
  const failed = await eventually(
    async () => {
      const p = await admin.resource('Pod').get('crash', 'never-fails');
      return p?.status?.phase === 'Failed' ? p : undefined;
    },
    60_000,
    'Never → Failed',
  );
  assert.equal(failed.status!.containerStatuses![0].state!.terminated!.exitCode, 2);
  assert.equal(failed.status!.containerStatuses![0].restartCount, 0);
  const done = await eventually(
    async () => {
      const p = await admin.resource('Pod').get('crash', 'onfailure-ok');
      return p?.status?.phase === 'Succeeded' ? p : undefined;
    },
    60_000,
    'OnFailure exit 0 → Succeeded',
  );
  assert.equal(done.status!.containerStatuses![0].state!.terminated!.reason, 'Completed');
});

test("a fleet that dies: its nodes go Ready=Unknown, its pods are evicted and recreated on the other fleet's nodes", async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'move' } });
  await admin.resource('Deployment').create({
    metadata: { name: 'mover', namespace: 'move' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'mover' } },
      template: {
        metadata: { labels: { app: 'mover' } },
        spec: {
          containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }],
          tolerations: [
            { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
          ],
        },
      },
    },
  });
  const before = await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ namespace: 'move' })).items;
      return items.length === 4 && items.every((p) => isReady(p)) ? items : undefined;
    },
    90_000,
    'four movers ready',
  );
  const onA = before.filter((p) => p.spec!.nodeName!.startsWith('a-')).length;
  assert.ok(onA > 0, 'the scheduler spread some movers onto fleet a');
  await fleetA.stop({ crash: true });
  await eventually(
    async () => {
      const nodes = (await admin.resource('Node').list()).items.filter((n) => n.metadata.name.startsWith('a-'));
      return nodes.every((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown');
    },
    90_000,
    "fleet a's nodes Ready=Unknown",
  );
  await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ namespace: 'move' })).items.filter((p) => !p.metadata.deletionTimestamp);
      return items.length === 4 && items.every((p) => p.spec?.nodeName?.startsWith('b-') && isReady(p)) ? items : undefined;
    },
    120_000,
    `all four movers Ready on fleet b (${onA} were on fleet a)`,
  );
  // fleet b's nodes stayed Ready throughout
  for (const n of (await admin.resource('Node').list()).items.filter((x) => x.metadata.name.startsWith('b-'))) {
    assert.equal(n.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
  }
});

test('a fleet restarted (its process replaced) takes its pods back: same IPs, startTime kept, one restart counted', async () => {
  const before = (await admin.resource('Pod').list({ namespace: 'move' })).items.filter((p) => !p.metadata.deletionTimestamp);
  assert.equal(before.length, 4);
  await fleetB.stop();
  fleetB = new NodeFleet({ server: t.url, token: await t.token(FLEET_USER), clock: realClock(SCALE), count: 2, namePrefix: 'b', zones: 2, log: quiet });
  fleetB.start();
  await fleetB.waitForReady();
  await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ namespace: 'move' })).items.filter((p) => !p.metadata.deletionTimestamp);
      return (
        items.length === 4 &&
        items.every(
          (p) =>
            isReady(p) &&
            p.status?.containerStatuses?.[0].restartCount ===
              (before.find((b) => b.metadata.uid === p.metadata.uid)?.status?.containerStatuses?.[0].restartCount ?? -9) + 1,
        )
      );
    },
    90_000,
    'every mover Ready again with one more restart',
  );
  const after = (await admin.resource('Pod').list({ namespace: 'move' })).items.filter((p) => !p.metadata.deletionTimestamp);
  for (const p of after) {
    const was = before.find((b) => b.metadata.uid === p.metadata.uid)!;
    assert.equal(p.status!.podIP, was.status!.podIP);
    assert.equal(p.status!.startTime, was.status!.startTime);
    assert.equal(p.status!.containerStatuses![0].lastState!.terminated!.reason, 'Unknown');
  }
});
