// The Deployment controller against a real apiserver (HTTP + WebSocket, RBAC on), running
// through the SDK as system:kube-controller-manager. In the first suite the test plays the
// ReplicaSet controller (it posts each ReplicaSet's status as its pods would make it); in
// the second the real ReplicaSet controller runs too and the test plays scheduler and
// kubelet (it binds pods and reports them ready), watching every pod of the rollout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../src/client/client.ts';
import * as operations from '../../src/client/generated/graphql.ts';
import type { KubeObjectOf } from '../../src/client/resources.ts';
import { deploymentController } from '../../src/controllers/deployment/index.ts';
import { replicaSetController } from '../../src/controllers/replicaset.ts';
import { computeHash, equalIgnoreHash, safeEncodeString } from '../../src/controllers/deployment/hash.ts';
import { setNewReplicaSetAnnotations } from '../../src/controllers/deployment/history.ts';
import { getProportion, maxSurge, maxUnavailable, newRSNewReplicas } from '../../src/controllers/deployment/replicas.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';
import { fakeKubelet, isReady } from '../helpers/kubelet.ts';

type Deployment = KubeObjectOf<'Deployment'>;
type RS = KubeObjectOf<'ReplicaSet'>;
type Pod = KubeObjectOf<'Pod'>;

const NS = 'default';
const REVISION = 'deployment.kubernetes.io/revision';

interface DeploymentOptions {
  replicas?: number;
  image?: string;
  strategy?: Record<string, unknown>;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
}

function deployment(name: string, o: DeploymentOptions = {}) {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: labels },
      ...(o.strategy ? { strategy: o.strategy } : {}),
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: o.image ?? 'nginx:1' }] } },
    },
  };
}

/** A Deployment manifest, as the SDK takes it. */
const deploy = (name: string, o: DeploymentOptions = {}) => deployment(name, o) as never as Deployment;

async function setImage(c: Client, name: string, image: string): Promise<Deployment> {
  return c.resource('Deployment').patch(NS, name, { spec: { template: { spec: { containers: [{ name: 'web', image }] } } } });
}

const imageOf = (o: RS | Deployment) => o.spec?.template?.spec?.containers[0]?.image;

async function replicaSetsOf(c: Client, d: Deployment): Promise<RS[]> {
  const { items } = await c.resource('ReplicaSet').listAll({ namespace: NS });
  return items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller));
}

async function get(c: Client, name: string): Promise<Deployment> {
  const d = await c.resource('Deployment').get(NS, name);
  assert.ok(d, `Deployment ${name} exists`);
  return d;
}

const condition = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

/** The status counters, Go's omitted zeros made explicit. */
const counters = (d: Deployment) => ({
  observedGeneration: d.status?.observedGeneration ?? 0,
  replicas: d.status?.replicas ?? 0,
  updatedReplicas: d.status?.updatedReplicas ?? 0,
  readyReplicas: d.status?.readyReplicas ?? 0,
  availableReplicas: d.status?.availableReplicas ?? 0,
  unavailableReplicas: d.status?.unavailableReplicas ?? 0,
});

/** The rollout is over: every replica updated and available, as `kubectl rollout status` waits for. */
async function rolledOut(c: Client, name: string, image: string, timeoutMs = 20_000): Promise<Deployment> {
  return eventually(
    async () => {
      const d = await get(c, name);
      const n = d.spec?.replicas ?? 1;
      const done =
        (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
        imageOf(d) === image &&
        counters(d).updatedReplicas === n &&
        counters(d).replicas === n &&
        counters(d).availableReplicas === n &&
        condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable';
      return done ? d : undefined;
    },
    timeoutMs,
    `rollout of ${name} to ${image}`,
  );
}

async function eventMessages(c: Client, name: string, reason = 'ScalingReplicaSet'): Promise<string[]> {
  const { items } = await c.resource('Event').listAll({ namespace: NS });
  return items.filter((e) => e.involvedObject.kind === 'Deployment' && e.involvedObject.name === name && e.reason === reason).map((e) => e.message ?? '');
}

/**
 * The test as the ReplicaSet controller: every ReplicaSet's status follows its spec at
 * once — all its pods exist, and are ready and available unless its image is `broken`.
 */
function fakeReplicaSetController(c: Client): () => void {
  let chain = Promise.resolve();
  const post = (rs: RS) => {
    const replicas = rs.spec?.replicas ?? 1;
    const healthy = imageOf(rs) === 'broken' ? 0 : replicas;
    chain = chain
      .then(() =>
        c.resource('ReplicaSet').updateStatus(NS, rs.metadata.name, {
          replicas,
          fullyLabeledReplicas: replicas,
          readyReplicas: healthy,
          availableReplicas: healthy,
          observedGeneration: rs.metadata.generation,
        }),
      )
      .then(
        () => undefined,
        () => undefined,
      );
  };
  return c.resource('ReplicaSet').watch(
    { namespace: NS },
    {
      next: (e) => {
        if (e.type === 'ADDED' || e.type === 'MODIFIED') post(e.object);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
}

/** Every state of the namespace's ReplicaSets, in watch order. */
function recordReplicaSets(c: Client): { states: Map<string, RS>[]; stop: () => void } {
  const current = new Map<string, RS>();
  const states: Map<string, RS>[] = [];
  const stop = c.resource('ReplicaSet').watch(
    { namespace: NS },
    {
      next: (e) => {
        if (e.type === 'BOOKMARK') return;
        if (e.type === 'DELETED') current.delete(e.object.metadata.name);
        else current.set(e.object.metadata.name, e.object);
        states.push(new Map(current));
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { states, stop };
}

describe('Deployment arithmetic (pkg/controller/deployment/util)', () => {
  const d = (replicas: number, maxSurgeValue: number | string, maxUnavailableValue: number | string, type = 'RollingUpdate') =>
    ({
      ...deploy('x', {
        replicas,
        strategy: type === 'Recreate' ? { type } : { type, rollingUpdate: { maxSurge: maxSurgeValue, maxUnavailable: maxUnavailableValue } },
      }),
      status: { replicas },
    }) as Deployment;
  const rs = (replicas: number, annotations: Record<string, string> = {}) =>
    ({ metadata: { name: `rs-${replicas}`, annotations }, spec: { replicas } }) as never as RS;

  test('maxSurge rounds up and maxUnavailable down; both 0 leaves one unavailable; Recreate has neither', () => {
    const table: [number, number | string, number | string, number, number][] = [
      [10, '25%', '25%', 3, 2],
      [3, '25%', '25%', 1, 0],
      [1, '25%', '25%', 1, 0],
      [4, '10%', '10%', 1, 0],
      [4, '0%', '10%', 0, 1], // both round to 0: one may be unavailable
      [5, 2, 7, 2, 5], // never more unavailable than replicas
      [0, '25%', '25%', 0, 0],
    ];
    for (const [replicas, surge, unavailable, wantSurge, wantUnavailable] of table) {
      assert.deepEqual(
        [maxSurge(d(replicas, surge, unavailable)), maxUnavailable(d(replicas, surge, unavailable))],
        [wantSurge, wantUnavailable],
        `${replicas} ${surge} ${unavailable}`,
      );
    }
    assert.deepEqual([maxSurge(d(10, 0, 0, 'Recreate')), maxUnavailable(d(10, 0, 0, 'Recreate'))], [0, 0]);
  });

  test('the new ReplicaSet grows up to replicas + maxSurge in total, and to spec.replicas at once under Recreate', () => {
    const newRS = rs(0);
    assert.equal(newRSNewReplicas(d(10, 3, 2), [rs(10), newRS], newRS), 3);
    assert.equal(newRSNewReplicas(d(10, 3, 2), [rs(13), newRS], newRS), 0, 'no room while the old pods fill the surge');
    assert.equal(newRSNewReplicas(d(10, 30, 2), [rs(10), newRS], newRS), 10, 'never beyond spec.replicas');
    assert.equal(newRSNewReplicas(d(10, 0, 0, 'Recreate'), [rs(10), newRS], newRS), 10);
  });

  test('a resize mid-rollout is shared in proportion to the sizes the ReplicaSets had at max-replicas', () => {
    const dep = d(20, 3, 2);
    const annotations = { 'deployment.kubernetes.io/max-replicas': '13' };
    assert.equal(getProportion(rs(8, annotations), dep, 10, 0), 6, 'round(8 × 23 / 13) − 8');
    assert.equal(getProportion(rs(5, annotations), dep, 10, 6), 4, 'round(5 × 23 / 13) − 5, within what is left');
    assert.equal(getProportion(rs(5, annotations), dep, 10, 9), 1, 'never beyond what is left to add');
    assert.equal(getProportion(rs(8, annotations), d(0, 3, 2), -13, 0), -8, 'scaled to 0: everything goes');
  });

  test('the pod-template hash: SafeEncodeString of the FNV-1a hash, changed by the collision count, blind to the hash label', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } };
    assert.equal(
      safeEncodeString('0123456789'),
      'bcdfghjklm'
        .split('')
        .map((_, i) => 'bcdfghjklmnpqrstvwxz2456789'[(48 + i) % 27])
        .join(''),
    );
    assert.equal(computeHash(template), computeHash(structuredClone(template)));
    assert.notEqual(computeHash(template, 1), computeHash(template));
    assert.notEqual(computeHash(template, 1), computeHash(template, 2));
    assert.notEqual(computeHash({ ...template, spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }), computeHash(template));
    const labelled = { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
    assert.ok(equalIgnoreHash(labelled, template));
    assert.ok(!equalIgnoreHash({ ...template, metadata: { labels: { app: 'other' } } }, template));
  });

  test('a ReplicaSet brought back gets the newest revision and keeps its earlier ones in revision-history', () => {
    const dep = {
      ...d(3, 1, 0),
      metadata: { name: 'x', uid: 'u', resourceVersion: '1', annotations: { 'kubernetes.io/change-cause': 'v1', [REVISION]: '9' } },
    } as Deployment;
    const back = rs(0, { [REVISION]: '1' });
    assert.ok(setNewReplicaSetAnnotations(dep, back, '3', true));
    assert.equal(back.metadata.annotations?.[REVISION], '3');
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(back.metadata.annotations?.['kubernetes.io/change-cause'], 'v1', "the Deployment's own annotations are copied");
    assert.ok(setNewReplicaSetAnnotations(dep, back, '5', true));
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1,3');
    assert.ok(!setNewReplicaSetAnnotations(dep, back, '4', true), 'a revision never goes back');
    const fresh = rs(0);
    setNewReplicaSetAnnotations(dep, fresh, '1', false);
    assert.deepEqual(fresh.metadata.annotations, {
      'kubernetes.io/change-cause': 'v1',
      [REVISION]: '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
  });
});

describe('Deployment controller (the test as the ReplicaSet controller)', () => {
  let cluster: TestCluster;
  let c: Client;
  let stopFake: () => void;

  before(async () => {
    // 600 s of progress deadline is 2 s at this scale.
    cluster = await startTestCluster({ controllers: [deploymentController], timeScale: 300 });
    c = cluster.admin;
    stopFake = fakeReplicaSetController(c);
  });
  after(async () => {
    stopFake();
    await cluster.stop();
  });

  test('a new Deployment gets a ReplicaSet named by its pod-template hash, revision 1, the status counters and conditions', async () => {
    const created = await c.resource('Deployment').create(deploy('web') as never);
    const d = await rolledOut(c, 'web', 'nginx:1');
    const [rs, ...others] = await replicaSetsOf(c, d);
    assert.equal(others.length, 0);
    const hash = computeHash(created.spec!.template);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata.labels?.['pod-template-hash'], hash);
    assert.equal(rs.spec?.selector.matchLabels?.['pod-template-hash'], hash);
    assert.equal(rs.spec?.template?.metadata?.labels?.['pod-template-hash'], hash);
    assert.deepEqual(
      rs.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller, r.blockOwnerDeletion]),
      [['Deployment', 'web', true, true]],
    );
    assert.equal(rs.spec?.replicas, 3);
    assert.equal(rs.metadata.annotations?.[REVISION], '1');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4', '3 + 25% of 3 rounded up');
    assert.equal(d.metadata.annotations?.[REVISION], '1');
    assert.deepEqual(counters(d), { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    const available = condition(d, 'Available')!;
    assert.deepEqual([available.status, available.reason, available.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
    const progressing = condition(d, 'Progressing')!;
    assert.deepEqual(
      [progressing.status, progressing.reason, progressing.message],
      ['True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
    );
    assert.deepEqual(await eventMessages(c, 'web'), [`Scaled up replica set web-${hash} from 0 to 3`]);
  });

  test('a rolling update scales the new ReplicaSet up and the old one down within maxSurge, keeps the old one at 0 and counts revision 2', async () => {
    await c
      .resource('Deployment')
      .create(deploy('roll', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    const v1 = await rolledOut(c, 'roll', 'nginx:1');
    const record = recordReplicaSets(c);
    await setImage(c, 'roll', 'nginx:2');
    const d = await rolledOut(c, 'roll', 'nginx:2');
    record.stop();
    const rss = await replicaSetsOf(c, d);
    const byImage = Object.fromEntries(rss.map((rs) => [imageOf(rs)!, rs]));
    assert.equal(byImage['nginx:1'].spec?.replicas, 0);
    assert.equal(byImage['nginx:2'].spec?.replicas, 4);
    assert.equal(byImage['nginx:1'].metadata.annotations?.[REVISION], '1');
    assert.equal(byImage['nginx:2'].metadata.annotations?.[REVISION], '2');
    assert.equal(d.metadata.annotations?.[REVISION], '2');
    assert.ok(d.metadata.generation! > v1.metadata.generation!);
    for (const state of record.states) {
      const mine = [...state.values()].filter((rs) => rs.metadata.name.startsWith('roll-'));
      const total = mine.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
      assert.ok(total <= 5, `never more than replicas + maxSurge = 5 pods wanted (saw ${total})`);
    }
    const messages = await eventMessages(c, 'roll');
    const newName = byImage['nginx:2'].metadata.name;
    const oldName = byImage['nginx:1'].metadata.name;
    assert.ok(messages.includes(`Scaled up replica set ${newName} from 0 to 1`), messages.join('\n'));
    assert.ok(messages.includes(`Scaled down replica set ${oldName} from 4 to 3`), messages.join('\n'));
    assert.ok(messages.includes(`Scaled down replica set ${oldName} from 1 to 0`), messages.join('\n'));
  });

  test('Recreate scales every old ReplicaSet to 0 before it creates the new one, then scales that to full size at once', async () => {
    await c.resource('Deployment').create(deploy('recreate', { replicas: 3, strategy: { type: 'Recreate' } }));
    await rolledOut(c, 'recreate', 'nginx:1');
    const record = recordReplicaSets(c);
    await setImage(c, 'recreate', 'nginx:2');
    const d = await rolledOut(c, 'recreate', 'nginx:2');
    const rss = await replicaSetsOf(c, d);
    const oldName = rss.find((rs) => imageOf(rs) === 'nginx:1')!.metadata.name;
    const newName = rss.find((rs) => imageOf(rs) === 'nginx:2')!.metadata.name;
    await eventually(() => record.states.at(-1)?.get(newName)?.status?.availableReplicas === 3, 20_000, 'the watch to catch up');
    record.stop();
    const firstWithNew = record.states.findIndex((s) => s.has(newName));
    assert.ok(firstWithNew > 0);
    const before = record.states[firstWithNew - 1].get(oldName)!;
    assert.deepEqual([before.spec?.replicas, before.status?.replicas ?? 0], [0, 0], 'the old ReplicaSet had no pods left when the new one came');
    assert.equal(record.states[firstWithNew].get(newName)!.spec?.replicas, 3, 'the new ReplicaSet is created at full size');
    for (const state of record.states) {
      const active = [...state.values()].filter((rs) => rs.metadata.name.startsWith('recreate-') && (rs.spec?.replicas ?? 0) > 0);
      assert.ok(active.length <= 1, 'never two ReplicaSets with pods at once');
    }
    const messages = await eventMessages(c, 'recreate');
    assert.ok(messages.includes(`Scaled down replica set ${oldName} from 3 to 0`), messages.join('\n'));
    assert.ok(messages.includes(`Scaled up replica set ${newName} from 0 to 3`), messages.join('\n'));
  });

  test('rollback restores the previous template, reuses its ReplicaSet and bumps its revision to the newest', async () => {
    await c.resource('Deployment').create(deploy('undo'));
    await rolledOut(c, 'undo', 'nginx:1');
    await setImage(c, 'undo', 'nginx:2');
    const v2 = await rolledOut(c, 'undo', 'nginx:2');
    const v1RS = (await replicaSetsOf(c, v2)).find((rs) => imageOf(rs) === 'nginx:1')!;
    await c.request(operations.RollbackDeploymentDocument, { namespace: NS, name: 'undo' });
    const d = await rolledOut(c, 'undo', 'nginx:1');
    const rss = await replicaSetsOf(c, d);
    assert.equal(rss.length, 2, 'no third ReplicaSet: the old one is reused');
    const back = rss.find((rs) => imageOf(rs) === 'nginx:1')!;
    assert.equal(back.metadata.name, v1RS.metadata.name);
    assert.equal(back.metadata.uid, v1RS.metadata.uid);
    assert.equal(back.spec?.replicas, 3);
    assert.equal(back.metadata.annotations?.[REVISION], '3');
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(rss.find((rs) => imageOf(rs) === 'nginx:2')!.spec?.replicas, 0);
    assert.equal(d.metadata.annotations?.[REVISION], '3');
  });

  test('a paused Deployment rolls nothing out but still scales; resuming (DeploymentResumed) rolls out the change', async () => {
    await c.resource('Deployment').create(deploy('paused', { replicas: 2 }));
    await rolledOut(c, 'paused', 'nginx:1');
    const reasons: string[] = [];
    const stopWatch = c.resource('Deployment').watch(
      { namespace: NS, fieldSelector: 'metadata.name=paused' },
      {
        next: (e) => {
          const reason = e.object.status?.conditions?.find((x) => x.type === 'Progressing')?.reason;
          if (reason && reasons.at(-1) !== reason) reasons.push(reason);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await c.request(operations.PauseDeploymentDocument, { namespace: NS, name: 'paused' });
    let d = await eventually(async () => {
      const x = await get(c, 'paused');
      return condition(x, 'Progressing')?.reason === 'DeploymentPaused' ? x : undefined;
    });
    const paused = condition(d, 'Progressing')!;
    assert.deepEqual([paused.status, paused.message], ['Unknown', 'Deployment is paused']);
    await setImage(c, 'paused', 'nginx:2');
    await c.request(operations.ScaleDeploymentDocument, { namespace: NS, name: 'paused', replicas: 4 });
    d = await eventually(async () => {
      const x = await get(c, 'paused');
      return (x.status?.observedGeneration ?? 0) >= x.metadata.generation! && counters(x).availableReplicas === 4 ? x : undefined;
    });
    const rss = await replicaSetsOf(c, d);
    assert.deepEqual(
      rss.map((rs) => [imageOf(rs), rs.spec?.replicas]),
      [['nginx:1', 4]],
      'scaled, not rolled out',
    );
    assert.equal(counters(d).updatedReplicas, 0, 'no pod has the paused template');
    assert.equal(condition(d, 'Progressing')?.reason, 'DeploymentPaused');
    await c.request(operations.ResumeDeploymentDocument, { namespace: NS, name: 'paused' });
    d = await rolledOut(c, 'paused', 'nginx:2');
    await eventually(() => reasons.at(-1) === 'NewReplicaSetAvailable', 20_000, 'the watch to catch up');
    stopWatch();
    assert.equal(d.spec?.replicas, 4);
    const after = await replicaSetsOf(c, d);
    assert.deepEqual(after.map((rs) => [imageOf(rs), rs.spec?.replicas]).sort(), [
      ['nginx:1', 0],
      ['nginx:2', 4],
    ]);
    assert.deepEqual(reasons.slice(0, 4), ['NewReplicaSetAvailable', 'DeploymentPaused', 'DeploymentResumed', 'NewReplicaSetCreated']);
  });

  test('revisionHistoryLimit keeps only the newest old ReplicaSets once they are scaled to 0', async () => {
    await c.resource('Deployment').create(deploy('history', { replicas: 1, revisionHistoryLimit: 1 }));
    for (const image of ['nginx:1', 'nginx:2', 'nginx:3', 'nginx:4']) {
      if (image !== 'nginx:1') await setImage(c, 'history', image);
      await rolledOut(c, 'history', image);
    }
    const d = await get(c, 'history');
    const rss = await eventually(async () => {
      const x = await replicaSetsOf(c, d);
      return x.length === 2 ? x : undefined;
    });
    assert.deepEqual(rss.map((rs) => [imageOf(rs), rs.metadata.annotations?.[REVISION], rs.spec?.replicas]).sort(), [
      ['nginx:3', '3', 0],
      ['nginx:4', '4', 1],
    ]);
  });

  test('a rollout that makes no progress for progressDeadlineSeconds reports ProgressDeadlineExceeded', async () => {
    await c.resource('Deployment').create(deploy('stuck', { replicas: 2 }));
    await rolledOut(c, 'stuck', 'nginx:1');
    await setImage(c, 'stuck', 'broken');
    const d = await eventually(async () => {
      const x = await get(c, 'stuck');
      return condition(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
    }, 30_000);
    const newRS = (await replicaSetsOf(c, d)).find((rs) => imageOf(rs) === 'broken')!;
    const progressing = condition(d, 'Progressing')!;
    assert.deepEqual([progressing.status, progressing.message], ['False', `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`]);
    assert.equal(d.spec?.progressDeadlineSeconds, 600, 'the default deadline, waited at --time-scale');
    // maxUnavailable 25% of 2 = 0 and maxSurge 1: the old pods all stay.
    assert.equal(condition(d, 'Available')?.status, 'True');
    assert.deepEqual(counters(d), {
      observedGeneration: d.metadata.generation!,
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
    });
  });

  test('scaling a Deployment mid-rollout shares the new replicas among its ReplicaSets in proportion', async () => {
    // Kubernetes' example: 10 replicas, maxSurge 3, maxUnavailable 2, a new template that never
    // becomes available — the rollout stops at 8 old + 5 new pods.
    await c
      .resource('Deployment')
      .create(deploy('prop', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await rolledOut(c, 'prop', 'nginx:1');
    await setImage(c, 'prop', 'broken');
    const sizes = async () => {
      const rss = await replicaSetsOf(c, await get(c, 'prop'));
      return Object.fromEntries(rss.map((rs) => [imageOf(rs)!, rs.spec?.replicas]));
    };
    await eventually(async () => {
      const s = await sizes();
      return s['nginx:1'] === 8 && s['broken'] === 5;
    });
    await c.request(operations.ScaleDeploymentDocument, { namespace: NS, name: 'prop', replicas: 20 });
    // 20 + 3 allowed, 13 there: 10 more, shared 8:5 → +6 and +4.
    await eventually(async () => {
      const s = await sizes();
      return s['nginx:1'] === 14 && s['broken'] === 9;
    });
    const d = await eventually(async () => {
      const x = await get(c, 'prop');
      return (x.status?.observedGeneration ?? 0) >= x.metadata.generation! && counters(x).replicas === 23 ? x : undefined;
    });
    assert.deepEqual(counters(d), {
      observedGeneration: d.metadata.generation!,
      replicas: 23,
      updatedReplicas: 9,
      readyReplicas: 14,
      availableReplicas: 14,
      unavailableReplicas: 9,
    });
    const available = condition(d, 'Available')!;
    assert.deepEqual(
      [available.status, available.reason, available.message],
      ['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
    );
    const rss = await replicaSetsOf(c, d);
    for (const rs of rss) {
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '20');
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '23');
    }
    const oldName = rss.find((rs) => imageOf(rs) === 'nginx:1')!.metadata.name;
    assert.ok((await eventMessages(c, 'prop')).includes(`Scaled up replica set ${oldName} from 8 to 14`));
  });

  test('minReadySeconds is carried to the ReplicaSet, and follows changes without a new ReplicaSet', async () => {
    await c.resource('Deployment').create(deploy('minready', { replicas: 1, minReadySeconds: 5 }));
    let d = await rolledOut(c, 'minready', 'nginx:1');
    const [rs] = await replicaSetsOf(c, d);
    assert.equal(rs.spec?.minReadySeconds, 5);
    await c.resource('Deployment').patch(NS, 'minready', { spec: { minReadySeconds: 7 } });
    const updated = await eventually(async () => {
      const x = await c.resource('ReplicaSet').get(NS, rs.metadata.name);
      return x?.spec?.minReadySeconds === 7 ? x : undefined;
    });
    assert.equal(updated.metadata.uid, rs.metadata.uid);
    d = await get(c, 'minready');
    assert.equal((await replicaSetsOf(c, d)).length, 1);
  });

  test('an orphan ReplicaSet the Deployment selects is adopted', async () => {
    const d = deployment('adopt', { replicas: 2 });
    const template = structuredClone(d.spec.template);
    const hash = computeHash(template);
    const labels = { ...template.metadata.labels, 'pod-template-hash': hash };
    await c.resource('ReplicaSet').create({
      metadata: { name: `adopt-${hash}`, namespace: NS, labels },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { ...template, metadata: { labels } } },
    } as never);
    const created = await c.resource('Deployment').create(d as never);
    await rolledOut(c, 'adopt', 'nginx:1');
    const rss = await replicaSetsOf(c, created);
    assert.deepEqual(
      rss.map((rs) => rs.metadata.name),
      [`adopt-${hash}`],
      'adopted, not duplicated',
    );
  });
});

describe('Deployment and ReplicaSet controllers together (the test as scheduler and kubelet)', () => {
  let cluster: TestCluster;
  let c: Client;
  let stopKubelet: () => void;

  before(async () => {
    cluster = await startTestCluster({ controllers: [replicaSetController, deploymentController], timeScale: 10 });
    c = cluster.admin;
    stopKubelet = fakeKubelet(c, NS);
  });
  after(async () => {
    stopKubelet();
    await cluster.stop();
  });

  test('a rolling update v1 → v2 never has fewer than replicas − maxUnavailable ready pods nor more than replicas + maxSurge pods, seen from a watch of all pods', async () => {
    // 10 replicas with the default 25% / 25%: maxSurge rounds up to 3, maxUnavailable down to 2.
    const pods = new Map<string, Pod>();
    let rolling = false;
    let most = 0;
    let fewestReady = Infinity;
    const stopWatch = c.resource('Pod').watch(
      { namespace: NS },
      {
        next: ({ type, object }) => {
          if (type === 'BOOKMARK') return;
          if (type === 'DELETED') pods.delete(object.metadata.name);
          else pods.set(object.metadata.name, object);
          if (!rolling) return;
          const active = [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
          most = Math.max(most, active.length);
          fewestReady = Math.min(fewestReady, active.filter(isReady).length);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await c.resource('Deployment').create(deploy('web', { replicas: 10 }));
    await rolledOut(c, 'web', 'nginx:1', 60_000);
    await eventually(() => [...pods.values()].filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length === 10);
    rolling = true;
    await setImage(c, 'web', 'nginx:2');
    const d = await rolledOut(c, 'web', 'nginx:2', 60_000);
    await eventually(
      () => {
        const left = [...pods.values()];
        return left.length === 10 && left.every((p) => p.spec?.containers[0].image === 'nginx:2' && isReady(p));
      },
      30_000,
      'only the 10 new pods, all ready',
    );
    stopWatch();
    assert.ok(most <= 13, `at most replicas + maxSurge = 13 pods at any instant (saw ${most})`);
    assert.ok(most > 10, `the rollout surged (saw ${most})`);
    assert.ok(fewestReady >= 8, `at least replicas − maxUnavailable = 8 ready pods at any instant (saw ${fewestReady})`);
    assert.deepEqual(counters(d), {
      observedGeneration: d.metadata.generation!,
      replicas: 10,
      updatedReplicas: 10,
      readyReplicas: 10,
      availableReplicas: 10,
      unavailableReplicas: 0,
    });
    const newRS = (await replicaSetsOf(c, d)).find((rs) => imageOf(rs) === 'nginx:2')!;
    for (const p of pods.values()) {
      assert.equal(p.metadata.labels?.['pod-template-hash'], newRS.metadata.labels?.['pod-template-hash']);
      assert.equal(p.metadata.ownerReferences?.[0]?.uid, newRS.metadata.uid);
    }
  });

  test('Recreate creates no new pod while an old pod is left, even a terminating one', async () => {
    const pods = new Map<string, Pod>();
    let violation = '';
    const stopWatch = c.resource('Pod').watch(
      { namespace: NS },
      {
        next: ({ type, object }) => {
          if (type === 'BOOKMARK' || !object.metadata.name.startsWith('recreate-')) return;
          if (type === 'DELETED') pods.delete(object.metadata.name);
          else pods.set(object.metadata.name, object);
          const images = new Set([...pods.values()].map((p) => p.spec?.containers[0]?.image));
          if (images.size > 1) violation ||= `old and new pods at once: ${[...pods.keys()].join(', ')}`;
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await c.resource('Deployment').create(deploy('recreate', { replicas: 4, strategy: { type: 'Recreate' } }));
    await rolledOut(c, 'recreate', 'nginx:1', 60_000);
    await setImage(c, 'recreate', 'nginx:2');
    const d = await rolledOut(c, 'recreate', 'nginx:2', 60_000);
    await eventually(() => pods.size === 4 && [...pods.values()].every((p) => p.spec?.containers[0]?.image === 'nginx:2' && isReady(p)), 30_000);
    stopWatch();
    assert.equal(violation, '');
    assert.deepEqual(counters(d), {
      observedGeneration: d.metadata.generation!,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      unavailableReplicas: 0,
    });
  });
});
