// Scenarios through real processes, as a user runs kubeql: `kubeql up` (apiserver,
// controller-manager, scheduler and 2 simulated nodes, node-0 and node-1) and a separate
// `kubeql node` fleet (b-0, b-1), each its own process, at time scale 20; the test talks to
// them only through the SDK. On PGlite (the embedded store), or on a fresh PostgreSQL
// database of its own when DATABASE_URL is set (dropped afterwards).
//
// In order, each leaving the cluster usable for the next: a Deployment's pods get addresses
// from their nodes' pod CIDRs; a crash-looping container's back-off doubles; restart
// policies end pods as Kubernetes does; a graceful delete waits for the containers within
// the grace period; a Service resolves to ready backends (round robin, ClientIP affinity,
// scale-down); and last, kill -9 of the `kubeql node` process is a node crash whose pods are
// evicted after their tolerationSeconds and replaced on up's own nodes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { ResolveServiceDocument } from '../../src/client/generated/graphql.ts';
import type { Kind, KubeObjectOf, WatchEventType, WatchOptions } from '../../src/client/resources.ts';
import { eventually } from '../helpers/cluster.ts';
import { processDatabaseUrl } from '../helpers/database.ts';
import { isReady } from '../helpers/kubelet.ts';
import { mintToken, spawnKubeql, type KubeqlProcess } from '../helpers/process.ts';

/** Every wait of the cluster divided by this: Kubernetes' seconds below are 1/20 of that in wall time. */
const SCALE = 20;
const wallMs = (clusterSeconds: number) => (clusterSeconds * 1000) / SCALE;

const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-up-scenarios-'));
const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
let up: KubeqlProcess;
let fleet: KubeqlProcess;
let admin: Client;

before(async () => {
  const databaseUrl = await processDatabaseUrl(cleanups);
  up = await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--data-dir', dataDir, '--nodes', '2', '--time-scale', String(SCALE)], {
    KUBEQL_LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
  });
  cleanups.push(() => up.stop('SIGKILL'));
  admin = new Client({ server: up.url, token: mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir]) });
  cleanups.push(() => admin.close());
  fleet = await spawnKubeql(
    'node',
    ['bin/kubeql.js', 'node', '--count', '2', '--name-prefix', 'b', '--data-dir', dataDir, '--time-scale', String(SCALE), '--zones', '2'],
    { KUBEQL_LOG_LEVEL: 'warn' },
    /kubeql node: (\d+) simulated nodes/,
  );
  cleanups.push(() => fleet.stop('SIGKILL'));
  await eventually(
    async () => {
      const nodes = (await admin.resource('Node').list()).items;
      return nodes.length === 4 && nodes.every((n) => readyStatus(n) === 'True' && n.spec?.podCIDR);
    },
    60_000,
    'node-0, node-1, b-0 and b-1 Ready with pod CIDRs',
  );
});

after(async () => {
  // processes first (SIGKILL), then the database and the data directory
  for (const c of cleanups.reverse()) await c();
});

// ---- helpers ------------------------------------------------------------------------------

const readyStatus = (n: KubeObjectOf<'Node'>) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const internalIP = (n: KubeObjectOf<'Node'>) => n.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;

function ipToInt(ip: string): number {
  const octets = ip.split('.').map(Number);
  assert.equal(octets.length, 4, `${ip} is an IPv4 address`);
  assert.ok(
    octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255),
    `${ip} is an IPv4 address`,
  );
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** `ip` is inside `cidr` (a.b.c.d/n). */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(base) / size) * size;
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

/** Go's time.Duration text for whole seconds (10s, 1m20s, 5m0s) → seconds. */
function durationSeconds(text: string): number {
  const m = /^(?:(\d+)m)?(\d+)s$/.exec(text);
  assert.ok(m, `${text} reads as a Go duration`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

interface Seen<K extends Kind> {
  type: WatchEventType;
  object: KubeObjectOf<K>;
  /** When the test received it (performance.now()). */
  at: number;
}

/** A watch that records every event (with its arrival time); `synced` once the current state has arrived. */
function record<K extends Kind>(kind: K, options: WatchOptions) {
  const events: Seen<K>[] = [];
  const errors: unknown[] = [];
  let synced!: () => void;
  const isSynced = new Promise<void>((resolve) => (synced = resolve));
  const stop = admin.resource(kind).watch(
    { ...options, allowBookmarks: true },
    {
      next: (e) => {
        if (e.type === 'BOOKMARK') synced();
        else events.push({ ...e, at: performance.now() });
      },
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  cleanups.push(stop);
  return {
    events,
    errors,
    stop,
    /** Resolves once the watch's initial state (ADDED for what exists, then a BOOKMARK) has arrived. */
    synced: () => Promise.race([isSynced, new Promise((_, reject) => setTimeout(() => reject(new Error(`watch ${kind} did not sync`)), 30_000))]),
    of: (name: string) => events.filter((e) => e.object.metadata.name === name),
  };
}

const live = (pods: KubeObjectOf<'Pod'>[]) => pods.filter((p) => !p.metadata.deletionTimestamp);

const resolve = async (namespace: string, name: string, fromNode: string) =>
  (await admin.request(ResolveServiceDocument, { namespace, name, port: 80, fromNode })).resolveService;

// ---- scenarios ----------------------------------------------------------------------------

test("a Deployment's pods run Ready on all four nodes with unique podIPs inside their node's podCIDR, hostIP and startTime set", async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'web' } });
  const created = await admin.resource('Deployment').create({
    metadata: { name: 'web', namespace: 'web' },
    spec: {
      replicas: 8,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'sim.kubeql.io/pull-seconds': '5', 'sim.kubeql.io/ready-after-seconds': '5' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '100m' } } }],
          // two per node: every node runs some, b's included
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } },
          ],
        },
      },
    },
  });
  const pods = await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ namespace: 'web' })).items;
      return items.length === 8 && items.every((p) => p.status?.phase === 'Running' && isReady(p)) ? items : undefined;
    },
    60_000,
    'eight pods Running and Ready',
  );
  const nodes = new Map((await admin.resource('Node').list()).items.map((n) => [n.metadata.name, n]));
  const cidrs = [...nodes.values()].map((n) => n.spec!.podCIDR!);
  assert.equal(new Set(cidrs).size, 4, `four distinct pod CIDRs: ${cidrs}`);
  const perNode = new Map<string, number>();
  for (const p of pods) {
    const node = nodes.get(p.spec!.nodeName!);
    assert.ok(node, `${p.metadata.name} is on a known node (${p.spec!.nodeName})`);
    perNode.set(node.metadata.name, (perNode.get(node.metadata.name) ?? 0) + 1);
    const ip = p.status!.podIP!;
    assert.ok(inCidr(ip, node.spec!.podCIDR!), `${p.metadata.name}: podIP ${ip} inside ${node.metadata.name}'s podCIDR ${node.spec!.podCIDR}`);
    for (const other of nodes.values()) {
      if (other !== node) assert.ok(!inCidr(ip, other.spec!.podCIDR!), `${ip} not inside ${other.metadata.name}'s ${other.spec!.podCIDR}`);
    }
    assert.deepEqual(p.status!.podIPs, [{ ip }]);
    assert.equal(p.status!.hostIP, internalIP(node));
    assert.ok(p.status!.startTime, 'startTime set');
    const started = Date.parse(p.status!.startTime!);
    assert.ok(
      started >= Date.parse(created.metadata.creationTimestamp!) - 1000 && started <= Date.now() + 1000,
      `startTime ${p.status!.startTime} is when the pod started`,
    );
    const cs = p.status!.containerStatuses![0];
    assert.equal(cs.ready, true);
    assert.equal(cs.restartCount, 0);
    assert.ok(cs.state!.running!.startedAt);
    assert.deepEqual(
      p
        .status!.conditions!.filter((c) => ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].includes(c.type))
        .map((c) => `${c.type}=${c.status}`)
        .sort(),
      ['ContainersReady=True', 'Initialized=True', 'PodScheduled=True', 'Ready=True'],
    );
  }
  assert.deepEqual([...perNode.entries()].sort(), [
    ['b-0', 2],
    ['b-1', 2],
    ['node-0', 2],
    ['node-1', 2],
  ]);
  const ips = pods.map((p) => p.status!.podIP!);
  assert.equal(new Set(ips).size, 8, `unique pod IPs: ${ips}`);
  await eventually(async () => (await admin.resource('Deployment').get('web', 'web'))?.status?.readyReplicas === 8, 30_000, 'deployment readyReplicas 8');
});

test('a crash-looping container: CrashLoopBackOff with back-off 10s, 20s, 40s… doubling, restartCount climbing', async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'crash' } });
  const watch = record('Pod', { namespace: 'crash' });
  await watch.synced();
  const pod = await admin.resource('Pod').create({
    metadata: { name: 'loop', namespace: 'crash', annotations: { 'sim.kubeql.io/exit-after-seconds': '1', 'sim.kubeql.io/exit-code': '1' } },
    spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'busybox' }] },
  });
  const messages = () => {
    const out: string[] = [];
    for (const e of watch.of('loop')) {
      const waiting = e.object.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason === 'CrashLoopBackOff' && waiting.message && !out.includes(waiting.message)) out.push(waiting.message);
    }
    return out;
  };
  // 10 s, 20 s, 40 s and 80 s of back-off are reached 75 s (cluster time) after the start
  await eventually(() => messages().length >= 4, 60_000, 'four back-off messages');
  watch.stop();
  const pattern = new RegExp(`^back-off (\\S+) restarting failed container=c pod=loop_crash\\(${pod.metadata.uid}\\)$`);
  const delays = messages().map((m) => {
    const match = pattern.exec(m);
    assert.ok(match, `the kubelet's message: ${m}`);
    return durationSeconds(match[1]);
  });
  assert.deepEqual(delays.slice(0, 3), [10, 20, 40], `back-offs ${delays}`);
  for (let i = 1; i < delays.length; i++) assert.equal(delays[i], Math.min(delays[i - 1] * 2, 300), `back-offs double up to 5m: ${delays}`);

  let last = 0;
  let backoffs = 0;
  for (const e of watch.of('loop')) {
    const cs = e.object.status?.containerStatuses?.[0];
    if (!cs) continue;
    assert.ok(cs.restartCount >= last, `restartCount never goes down (${last} → ${cs.restartCount})`);
    last = cs.restartCount;
    const waiting = cs.state?.waiting;
    if (waiting?.reason !== 'CrashLoopBackOff') continue;
    backoffs++;
    // the n-th back-off follows the n-th restart (the first restart is at once)
    const delay = durationSeconds(pattern.exec(waiting.message!)![1]);
    assert.equal(cs.restartCount, delays.indexOf(delay) + 1, `restartCount during the ${waiting.message} back-off`);
    assert.equal(cs.lastState?.terminated?.exitCode, 1);
    assert.equal(cs.lastState?.terminated?.reason, 'Error');
    assert.equal(cs.ready, false);
    assert.equal(e.object.status!.phase, 'Running');
  }
  assert.ok(last >= 4, `restartCount reached ${last}`);
  assert.ok(backoffs >= 4, `${backoffs} statuses in CrashLoopBackOff checked`);
  await admin.resource('Pod').delete('crash', 'loop', { gracePeriodSeconds: 0 });
});

test('restart policies: Never + exit 2 → Failed (Error, no restart); OnFailure + exit 0 → Succeeded; OnFailure + exit 1 → restarts, stays Running', async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'policies' } });
  const watch = record('Pod', { namespace: 'policies' });
  await watch.synced();
  const make = (name: string, restartPolicy: 'Never' | 'OnFailure', code: string) =>
    admin.resource('Pod').create({
      metadata: { name, namespace: 'policies', annotations: { 'sim.kubeql.io/exit-after-seconds': '2', 'sim.kubeql.io/exit-code': code } },
      spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] },
    });
  await make('never-fails', 'Never', '2');
  await make('onfailure-ok', 'OnFailure', '0');
  await make('onfailure-fails', 'OnFailure', '1');
  const latest = (name: string) => watch.of(name).at(-1)?.object;

  const failed = await eventually(
    () => (latest('never-fails')?.status?.phase === 'Failed' ? latest('never-fails') : undefined),
    30_000,
    'Never + exit 2 → Failed',
  );
  const fcs = failed.status!.containerStatuses![0];
  assert.equal(fcs.state!.terminated!.exitCode, 2);
  assert.equal(fcs.state!.terminated!.reason, 'Error');
  assert.equal(fcs.restartCount, 0);
  assert.equal(failed.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'False');

  const done = await eventually(
    () => (latest('onfailure-ok')?.status?.phase === 'Succeeded' ? latest('onfailure-ok') : undefined),
    30_000,
    'OnFailure + exit 0 → Succeeded',
  );
  const dcs = done.status!.containerStatuses![0];
  assert.equal(dcs.state!.terminated!.exitCode, 0);
  assert.equal(dcs.state!.terminated!.reason, 'Completed');
  assert.equal(dcs.restartCount, 0);

  const restarting = await eventually(
    () => {
      const p = latest('onfailure-fails');
      return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined;
    },
    30_000,
    'OnFailure + exit 1 restarted twice',
  );
  assert.equal(restarting.status!.containerStatuses![0].lastState!.terminated!.exitCode, 1);
  assert.equal(restarting.status!.containerStatuses![0].lastState!.terminated!.reason, 'Error');

  // every status written: Never and the clean exit never restarted, the failing one never left Running once there
  for (const name of ['never-fails', 'onfailure-ok']) {
    for (const e of watch.of(name)) assert.equal(e.object.status?.containerStatuses?.[0]?.restartCount ?? 0, 0, `${name} never restarted`);
  }
  const phases = watch
    .of('onfailure-fails')
    .map((e) => e.object.status?.phase)
    .filter(Boolean);
  const firstRunning = phases.indexOf('Running');
  assert.ok(firstRunning >= 0, `phases ${phases}`);
  assert.ok(
    phases.slice(0, firstRunning).every((p) => p === 'Pending'),
    `phases ${phases}`,
  );
  assert.ok(
    phases.slice(firstRunning).every((p) => p === 'Running'),
    `stays Running through its restarts: ${phases}`,
  );
  watch.stop();
  for (const name of ['never-fails', 'onfailure-ok', 'onfailure-fails']) await admin.resource('Pod').delete('policies', name, { gracePeriodSeconds: 0 });
});

test('graceful delete: deletionTimestamp first, then the kubelet stops the container (or kills it at the grace period) and removes the pod', async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'grace' } });
  const GRACE = 60;
  // `quick` stops 20 s after SIGTERM, within its grace period; `slow` would take 1000 s and is killed when the 60 s run out
  const cases = [
    { name: 'quick', stopSeconds: 20 },
    { name: 'slow', stopSeconds: 1000 },
  ] as const;
  for (const c of cases) {
    await admin.resource('Pod').create({
      metadata: { name: c.name, namespace: 'grace', annotations: { 'sim.kubeql.io/stop-seconds': String(c.stopSeconds) } },
      spec: { terminationGracePeriodSeconds: GRACE, containers: [{ name: 'c', image: 'nginx' }] },
    });
  }
  await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ namespace: 'grace' })).items;
      return items.length === 2 && items.every((p) => isReady(p));
    },
    30_000,
    'both pods Ready',
  );
  const watch = record('Pod', { namespace: 'grace' });
  await watch.synced();

  for (const c of cases) {
    const t0 = performance.now();
    const left = await admin.resource('Pod').delete('grace', c.name); // the pod's own grace period
    assert.ok(left?.metadata.deletionTimestamp, `${c.name}: still there, terminating`);
    assert.equal(left.metadata.deletionGracePeriodSeconds, GRACE);
    const gone = await eventually(() => watch.of(c.name).find((e) => e.type === 'DELETED'), 60_000, `${c.name} DELETED`);
    const took = gone.at - t0;
    const seen = watch.of(c.name);
    const terminatingAt = seen.findIndex((e) => e.object.metadata.deletionTimestamp);
    assert.ok(terminatingAt >= 0 && seen[terminatingAt].type === 'MODIFIED', `${c.name}: a MODIFIED with deletionTimestamp came first`);
    assert.ok(
      seen.slice(terminatingAt, -1).every((e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp),
      `${c.name}: terminating until DELETED`,
    );
    // the last status the kubelet wrote before it deleted the pod
    const final = gone.object.status!.containerStatuses![0];
    const stopMs = wallMs(Math.min(c.stopSeconds, GRACE));
    if (c.stopSeconds < GRACE) {
      assert.deepEqual(
        { code: final.state!.terminated?.exitCode, reason: final.state!.terminated?.reason },
        { code: 0, reason: 'Completed' },
        `${c.name} exited on SIGTERM`,
      );
    } else {
      assert.deepEqual(
        { code: final.state!.terminated?.exitCode, reason: final.state!.terminated?.reason },
        { code: 137, reason: 'Error' },
        `${c.name} killed at the grace period`,
      );
    }
    assert.ok(took >= stopMs - 50, `${c.name}: gone after ${Math.round(took)} ms, not before its container stopped (${stopMs} ms)`);
    assert.ok(took <= stopMs + 5_000, `${c.name}: gone after ${Math.round(took)} ms, within ${stopMs} ms and the kubelet's round trips`);
  }
  watch.stop();
});

test('a Service: clusterIP in 10.96.0.0/12; resolveService null until a pod is Ready, then round robin over ready pods, ClientIP affinity, and only the remaining pod after a scale-down', async () => {
  const NS = 'svc';
  await admin.resource('Namespace').create({ metadata: { name: NS } });
  const service = (name: string, sticky: boolean) =>
    admin.resource('Service').create({
      metadata: { name, namespace: NS },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...(sticky ? { sessionAffinity: 'ClientIP' } : {}) },
    });
  const web = await service('web', false);
  const sticky = await service('web-sticky', true);
  for (const s of [web, sticky]) assert.ok(inCidr(s.spec!.clusterIP!, '10.96.0.0/12'), `${s.metadata.name}: clusterIP ${s.spec!.clusterIP} in 10.96.0.0/12`);
  assert.notEqual(web.spec!.clusterIP, sticky.spec!.clusterIP);
  assert.equal(await resolve(NS, 'web', 'node-0'), null, 'no pods: no backend');

  await admin.resource('Deployment').create({
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'sim.kubeql.io/ready-after-seconds': '100' } },
        spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
      },
    },
  });
  const slice = async (name: string) => {
    const slices = (await admin.resource('EndpointSlice').list({ namespace: NS, labelSelector: `kubernetes.io/service-name=${name}` })).items;
    return slices.flatMap((s) =>
      (s.endpoints ?? []).map((e) => ({ ip: e.addresses[0], ready: e.conditions?.ready, pod: e.targetRef?.name, port: s.ports?.[0]?.port })),
    );
  };
  const pods = async () => live((await admin.resource('Pod').list({ namespace: NS })).items);

  // running, not yet ready (100 s = 5 s here): the slice lists them not ready, and nothing resolves
  await eventually(
    async () => {
      const eps = await slice('web');
      return eps.length === 3 && eps.every((e) => e.ip && e.ready === false && e.port === 8080);
    },
    30_000,
    'three endpoints listed, not ready',
  );
  const unready = await resolve(NS, 'web', 'node-0');
  const readyAfter = (await pods()).filter((p) => isReady(p)).length;
  assert.equal(unready, null, 'no ready pod: resolveService is null');
  assert.equal(readyAfter, 0, 'no pod was ready yet when resolveService answered null (ready-after-seconds too short for this check)');

  // the first answer is a ready pod at the target port
  const first = await eventually(() => resolve(NS, 'web', 'node-0'), 30_000, 'a backend once a pod is Ready');
  const firstPod = (await pods()).find((p) => p.status?.podIP === first.ip);
  assert.ok(firstPod && isReady(firstPod), `${first.ip} is a Ready pod's IP`);
  assert.deepEqual(
    { port: first.port, protocol: first.protocol, pod: first.targetRef?.name, kind: first.targetRef?.kind, node: first.nodeName },
    { port: 8080, protocol: 'TCP', pod: firstPod.metadata.name, kind: 'Pod', node: firstPod.spec!.nodeName },
  );

  // all three ready: round robin from one node covers every pod, in turn
  const all = await eventually(
    async () => {
      const ps = await pods();
      return ps.length === 3 && ps.every((p) => isReady(p)) ? ps : undefined;
    },
    30_000,
    'three pods Ready',
  );
  const podIPs = all.map((p) => p.status!.podIP!).sort();
  assert.equal(new Set(podIPs).size, 3);
  await eventually(
    async () => {
      const eps = await slice('web');
      return eps.length === 3 && eps.every((e) => e.ready === true);
    },
    30_000,
    'three ready endpoints',
  );
  await eventually(
    async () => {
      const turn = [];
      for (let i = 0; i < 3; i++) turn.push((await resolve(NS, 'web', 'node-0'))?.ip);
      return new Set(turn).size === 3;
    },
    30_000,
    'the proxy rules have all three ready',
  );
  const seq: string[] = [];
  for (let i = 0; i < 9; i++) {
    const b = (await resolve(NS, 'web', 'node-0'))!;
    assert.equal(b.port, 8080);
    seq.push(b.ip);
  }
  assert.deepEqual([...new Set(seq)].sort(), podIPs, `round robin reaches every ready pod: ${seq}`);
  for (let i = 3; i < seq.length; i++) assert.equal(seq[i], seq[i - 3], `round robin in turn: ${seq}`);

  // ClientIP affinity: each node keeps its backend
  await eventually(
    async () => {
      const eps = await slice('web-sticky');
      return eps.length === 3 && eps.every((e) => e.ready === true);
    },
    30_000,
    'web-sticky: three ready endpoints',
  );
  for (const from of ['node-0', 'node-1', 'b-0']) {
    const answers = new Set<string>();
    for (let i = 0; i < 10; i++) answers.add((await resolve(NS, 'web-sticky', from))!.ip);
    assert.equal(answers.size, 1, `from ${from}: always the same backend (${[...answers]})`);
    assert.ok(podIPs.includes([...answers][0]));
  }

  // 3 → 1: once the slice has converged, only the remaining pod is reached, from any node
  await admin.resource('Deployment').patch(NS, 'web', { spec: { replicas: 1 } });
  const remaining = await eventually(
    async () => {
      const ps = await pods();
      if (ps.length !== 1) return undefined;
      const ip = ps[0].status!.podIP!;
      const ready = (await slice('web')).filter((e) => e.ready);
      return ready.length === 1 && ready[0].ip === ip && (await resolve(NS, 'web', 'node-0'))?.ip === ip ? ip : undefined;
    },
    30_000,
    'one pod left, the only ready endpoint',
  );
  assert.ok(podIPs.includes(remaining));
  for (const from of ['node-0', 'node-1', 'b-1']) {
    for (let i = 0; i < 6; i++) {
      const b = await resolve(NS, 'web', from);
      assert.equal(b?.ip, remaining, `from ${from}: only the remaining pod`);
      assert.equal(b?.port, 8080);
    }
  }
});

test("kill -9 of the `kubeql node` process: b's nodes go Unknown and unreachable-tainted, their pods are evicted after tolerationSeconds and replaced on node-0 and node-1", async () => {
  const NS = 'move';
  const TOLERATION_SECONDS = 40;
  await admin.resource('Namespace').create({ metadata: { name: NS } });
  const podWatch = record('Pod', { namespace: NS });
  const nodeWatch = record('Node', {});
  await Promise.all([podWatch.synced(), nodeWatch.synced()]);
  await admin.resource('Deployment').create({
    metadata: { name: 'mover', namespace: NS },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'mover' } },
      template: {
        metadata: { labels: { app: 'mover' } },
        spec: {
          containers: [{ name: 'c', image: 'nginx' }],
          // one per node while all four are up; tainted nodes do not count (Honor)
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'DoNotSchedule',
              nodeTaintsPolicy: 'Honor',
              labelSelector: { matchLabels: { app: 'mover' } },
            },
          ],
          tolerations: [
            { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_SECONDS },
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_SECONDS },
          ],
        },
      },
    },
  });
  const before = await eventually(
    async () => {
      const items = live((await admin.resource('Pod').list({ namespace: NS })).items);
      return items.length === 4 && items.every((p) => isReady(p)) ? items : undefined;
    },
    60_000,
    'four movers Ready',
  );
  assert.deepEqual(before.map((p) => p.spec!.nodeName).sort(), ['b-0', 'b-1', 'node-0', 'node-1']);
  const onB = before.filter((p) => p.spec!.nodeName!.startsWith('b-'));

  assert.equal(await fleet.stop('SIGKILL'), 'SIGKILL');

  // the node lifecycle controller: Ready=Unknown after the grace period, then the unreachable taints
  const bNodes = async () => (await admin.resource('Node').list()).items.filter((n) => n.metadata.name.startsWith('b-'));
  await eventually(
    async () => {
      const ns = await bNodes();
      return (
        ns.length === 2 &&
        ns.every(
          (n) =>
            readyStatus(n) === 'Unknown' &&
            ['NoSchedule', 'NoExecute'].every((effect) => n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === effect)),
        )
      );
    },
    60_000,
    'b-0 and b-1 Ready=Unknown with the unreachable NoSchedule and NoExecute taints',
  );
  for (const n of await bNodes()) {
    const ready = n.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
  }

  // b's pods: evicted (DisruptionTarget, then deleted), not before their tolerationSeconds from the NoExecute taint
  await eventually(() => onB.every((p) => podWatch.of(p.metadata.name).some((e) => e.object.metadata.deletionTimestamp)), 60_000, "b's movers evicted");
  for (const p of onB) {
    const tainted = nodeWatch
      .of(p.spec!.nodeName!)
      .find((e) => e.object.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'));
    assert.ok(tainted, `${p.spec!.nodeName} NoExecute taint seen by the watch`);
    const evicted = podWatch.of(p.metadata.name).find((e) => e.object.metadata.deletionTimestamp)!;
    const waited = evicted.at - tainted.at;
    // (each time as this test's watches received it: 500 ms allowed for the two watches' different delivery delays)
    assert.ok(
      waited >= wallMs(TOLERATION_SECONDS) - 500 && waited <= wallMs(TOLERATION_SECONDS) + 5_000,
      `${p.metadata.name} evicted ${Math.round(waited)} ms after the taint (tolerationSeconds ${TOLERATION_SECONDS} = ${wallMs(TOLERATION_SECONDS)} ms)`,
    );
    const target = evicted.object.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual({ status: target?.status, reason: target?.reason }, { status: 'True', reason: 'DeletionByTaintManager' });
  }
  const evictions = (await admin.resource('Event').list({ namespace: NS, fieldSelector: 'reason=TaintManagerEviction' })).items;
  for (const p of onB)
    assert.ok(
      evictions.some((e) => e.involvedObject.name === p.metadata.name && e.message === `Marking for deletion Pod ${NS}/${p.metadata.name}`),
      `TaintManagerEviction event for ${p.metadata.name}`,
    );
  // the movers that ran on up's own nodes were left alone
  for (const p of before.filter((x) => !x.spec!.nodeName!.startsWith('b-'))) {
    assert.ok(!podWatch.of(p.metadata.name).some((e) => e.object.metadata.deletionTimestamp), `${p.metadata.name} on ${p.spec!.nodeName} not evicted`);
  }

  // replaced: exactly four live movers, all Ready on node-0 and node-1, two each
  const after = await eventually(
    async () => {
      const items = live((await admin.resource('Pod').list({ namespace: NS })).items);
      return items.length === 4 && items.every((p) => isReady(p) && ['node-0', 'node-1'].includes(p.spec!.nodeName!)) ? items : undefined;
    },
    60_000,
    'four movers Ready on node-0 and node-1',
  );
  assert.deepEqual(after.map((p) => p.spec!.nodeName).sort(), ['node-0', 'node-0', 'node-1', 'node-1']);
  assert.equal(after.filter((p) => onB.some((b) => b.metadata.uid === p.metadata.uid)).length, 0);
  const rs = await eventually(
    async () => {
      const items = (await admin.resource('ReplicaSet').list({ namespace: NS })).items;
      return items.length === 1 && items[0].status?.readyReplicas === 4 ? items[0] : undefined;
    },
    30_000,
    'the ReplicaSet reports 4 ready',
  );
  assert.equal(rs.spec!.replicas, 4);
  assert.equal(rs.status!.replicas, 4);
  // never more than four live movers at once
  const alive = new Set<string>();
  let most = 0;
  for (const e of podWatch.events) {
    if (e.type === 'DELETED' || e.object.metadata.deletionTimestamp) alive.delete(e.object.metadata.uid);
    else alive.add(e.object.metadata.uid);
    most = Math.max(most, alive.size);
  }
  assert.equal(most, 4, 'the ReplicaSet never ran more than its four replicas');
  // up's own nodes kept heartbeating
  for (const n of (await admin.resource('Node').list()).items.filter((x) => x.metadata.name.startsWith('node-'))) assert.equal(readyStatus(n), 'True');
  podWatch.stop();
  nodeWatch.stop();
});
