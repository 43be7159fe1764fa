// The controller-manager as separate programs, as API.md runs them: `kubeql up
// --no-controllers` is the apiserver, and `kubeql controller-manager` processes connect
// to it with their own identity (minted from the cluster key in the data directory).
// Faults from outside: kill -9 of the leading controller-manager mid-rollout, and two
// controller-managers at once. The test is the scheduler and kubelet (test/helpers/kubelet.ts),
// so the apiserver runs bare (no scheduler, no fleet).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { Client, type KubeObjectOf } from '../../src/client/index.ts';
import { eventually } from '../helpers/cluster.ts';
import { processDatabaseUrl } from '../helpers/database.ts';
import { fakeKubelet, isReady } from '../helpers/kubelet.ts';
import { BARE_APISERVER, mintToken, spawnKubeql, type KubeqlProcess } from '../helpers/process.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-cm-'));
const cleanups: (() => Promise<unknown> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
let apiserver: KubeqlProcess;
let admin: Client;
/** Cluster time runs 10× faster: leader election takes 1.5 s instead of 15. */
const TIME_SCALE = '10';

before(async () => {
  const databaseUrl = await processDatabaseUrl(cleanups);
  apiserver = await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--data-dir', dataDir], {
    DATABASE_URL: databaseUrl,
    KUBEQL_LOG_LEVEL: 'warn',
    ...BARE_APISERVER,
  });
  cleanups.push(() => apiserver.stop('SIGKILL'));
  admin = new Client({ server: apiserver.url, token: mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir]) });
  cleanups.push(() => admin.close());
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function controllerManager(): Promise<KubeqlProcess> {
  return spawnKubeql(
    'node',
    ['bin/kubeql.js', 'controller-manager', '--data-dir', dataDir, '--time-scale', TIME_SCALE],
    { KUBEQL_LOG_LEVEL: 'warn' },
    /controller-manager (\S+) started against/,
  ).then((p) => {
    cleanups.push(() => p.stop('SIGKILL'));
    return p;
  });
}

/** The identity printed in a controller-manager's ready line. */
const identityOf = (p: KubeqlProcess) => /controller-manager (\S+) started against/.exec(p.output())![1];
const leaseHolder = async () => (await admin.resource('Lease').get('kube-system', 'kube-controller-manager'))?.spec?.holderIdentity;

/** Counts the pods of a namespace that are not terminating, from a watch; records the maximum. */
function podCounter(namespace: string) {
  const live = new Map<string, boolean>();
  const state = { max: 0, minReady: Infinity, count: () => live.size, ready: () => [...live.values()].filter(Boolean).length };
  const stop = admin.resource('Pod').watch(
    { namespace },
    {
      next: ({ type, object }) => {
        if (type === 'BOOKMARK') return;
        if (type === 'DELETED' || object.metadata.deletionTimestamp) live.delete(object.metadata.name);
        else live.set(object.metadata.name, isReady(object));
        state.max = Math.max(state.max, live.size);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return Object.assign(state, { stop });
}

async function namespace(name: string) {
  await admin.resource('Namespace').create({ metadata: { name } });
}

const deployment = (name: string, image: string, replicas: number): Partial<Deployment> & { metadata: { name: string; namespace: string } } => ({
  metadata: { name, namespace: 'rollout' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

test('kill -9 of the leading controller-manager mid-rollout: another finishes the rollout correctly', async () => {
  await namespace('rollout');
  const stopKubelet = fakeKubelet(admin, 'rollout');
  const pods = podCounter('rollout');
  const first = await controllerManager();
  await admin.resource('Deployment').create(deployment('web', 'nginx:1', 8));
  const rolledOut = (image: string) => async () => {
    const d = await admin.resource('Deployment').get('rollout', 'web');
    const s = d?.status;
    const podsNow = (await admin.resource('Pod').list({ namespace: 'rollout' })).items.filter((p) => !p.metadata.deletionTimestamp);
    return (
      d &&
      s?.observedGeneration === d.metadata.generation &&
      s?.updatedReplicas === 8 &&
      s?.readyReplicas === 8 &&
      s?.replicas === 8 &&
      podsNow.length === 8 &&
      podsNow.every((p) => p.spec?.containers[0].image === image && isReady(p))
    );
  };
  await eventually(rolledOut('nginx:1'), 60_000, 'v1 rolled out');
  assert.equal(await leaseHolder(), identityOf(first));

  // v2, and the leader dies as the new ReplicaSet starts to grow
  const current = (await admin.resource('Deployment').get('rollout', 'web'))!;
  await admin.resource('Deployment').replace({ ...current, spec: { ...current.spec!, template: deployment('web', 'nginx:2', 8).spec!.template } });
  await eventually(
    async () => (await admin.resource('Pod').list({ namespace: 'rollout' })).items.some((p) => p.spec?.containers[0].image === 'nginx:2'),
    30_000,
    'the rollout under way',
  );
  await first.stop('SIGKILL');
  const second = await controllerManager();
  await eventually(async () => (await leaseHolder()) === identityOf(second), 30_000, 'the new controller-manager leads');
  await eventually(rolledOut('nginx:2'), 60_000, 'v2 rolled out by the second controller-manager');

  const rss = (await admin.resource('ReplicaSet').list({ namespace: 'rollout' })).items as KubeObjectOf<'ReplicaSet'>[];
  const byImage = (image: string) => rss.find((rs: ReplicaSet) => rs.spec?.template?.spec?.containers[0].image === image)!;
  assert.equal(rss.length, 2, 'one ReplicaSet per template, none duplicated by the failover');
  assert.equal(byImage('nginx:2').spec?.replicas, 8);
  assert.equal(byImage('nginx:1').spec?.replicas, 0);
  assert.equal(byImage('nginx:2').metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.ok(pods.max <= 8 + 2, `never more than replicas + maxSurge (10) pods; saw ${pods.max}`);
  pods.stop();
  stopKubelet();
  await second.stop('SIGTERM');
  assert.equal(await leaseHolder(), '', 'a controller-manager stopped by SIGTERM releases its Lease');
});

test('two controller-managers at once: one leads, the ReplicaSet never gets more pods than desired; the standby takes over a kill -9', async () => {
  await namespace('pair');
  const pods = podCounter('pair');
  const [a, b] = await Promise.all([controllerManager(), controllerManager()]);
  await eventually(async () => [identityOf(a), identityOf(b)].includes((await leaseHolder()) ?? ''), 30_000, 'one of them leads');
  const rs = (replicas: number) => ({
    metadata: { name: 'pair', namespace: 'pair' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'pair' } },
      template: { metadata: { labels: { app: 'pair' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
  const scale = (n: number) => admin.resource('ReplicaSet').patch('pair', 'pair', { spec: { replicas: n } });
  const has = (n: number) => async () => pods.count() === n && (await admin.resource('ReplicaSet').get('pair', 'pair'))?.status?.replicas === (n || undefined);
  await admin.resource('ReplicaSet').create(rs(30));
  await eventually(has(30), 60_000, '30 pods');
  await scale(3);
  await eventually(has(3), 60_000, '3 pods');
  await scale(25);
  await eventually(has(25), 60_000, '25 pods');
  assert.equal(pods.max, 30, 'never more pods than desired: only the leader acted');

  const leader = (await leaseHolder()) === identityOf(a) ? a : b;
  const standby = leader === a ? b : a;
  await leader.stop('SIGKILL');
  await scale(35);
  await eventually(has(35), 60_000, '35 pods, made by the standby');
  assert.equal(await leaseHolder(), identityOf(standby));
  assert.equal(pods.max, 35);
  pods.stop();
});
