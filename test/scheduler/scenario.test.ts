// The scheduler against a real apiserver, as a separate client would run it (its own
// identity, system:kube-scheduler, over HTTP and WebSocket): pods are bound where
// Kubernetes would bind them, and a pod that fits nowhere is Pending with the condition
// and the FailedScheduling event outside suites check (API.md "Cluster behaviour").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { realClock } from '../../src/apimachinery/clock.ts';
import { Client } from '../../src/client/index.ts';
import { ControllerManager } from '../../src/controllers/manager.ts';
import { replicaSetController } from '../../src/controllers/replicaset.ts';
import { SchedulerServer } from '../../src/scheduler/index.ts';
import { eventually } from '../helpers/cluster.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let admin: Client;
let scheduler: SchedulerServer;
const quiet = { info: () => undefined, error: () => undefined };

before(async () => {
  t = await startTestServer();
  admin = new Client({ server: t.url, token: t.adminToken });
  scheduler = new SchedulerServer({ server: t.url, token: await t.token('system:kube-scheduler'), clock: realClock(), leaderElection: false, log: quiet });
  scheduler.start();
  await scheduler.waitForSync();
});
after(async () => {
  await scheduler.stop();
  await admin.close();
  await t.stop();
});

interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
}

async function node(name: string, spec: NodeSpec = {}): Promise<void> {
  const labels = { 'kubernetes.io/hostname': name, ...spec.labels };
  await admin.resource('Node').create({ metadata: { name, labels }, spec: spec.taints ? { taints: spec.taints } : {} });
  const resources = { cpu: spec.cpu ?? '2', memory: spec.memory ?? '4Gi', pods: spec.pods ?? '110' };
  await admin.resource('Node').updateStatus(undefined, name, {
    capacity: resources,
    allocatable: resources,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    ],
  });
}

async function pod(
  namespace: string,
  name: string,
  spec: Partial<NonNullable<Pod['spec']>> = {},
  labels: Record<string, string> = {},
  cpu = '100m',
): Promise<void> {
  await admin.resource('Pod').create({
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu, memory: '64Mi' } } }], ...spec },
  });
}

const nodeOf = async (namespace: string, name: string) => (await admin.resource('Pod').get(namespace, name))?.spec?.nodeName;
const boundTo = (namespace: string, name: string) => eventually(() => nodeOf(namespace, name), 20_000, `${namespace}/${name} bound`);

async function namespace(name: string, nodes: [string, NodeSpec?][]): Promise<void> {
  await admin.resource('Namespace').create({ metadata: { name } });
  for (const [n, spec] of nodes) await node(n, spec);
}

test("resources exhausted: Pending with PodScheduled=False/Unschedulable and FailedScheduling in Kubernetes' words; scheduled once a node is added", async () => {
  await namespace('full', [
    ['full-1', { cpu: '1', labels: { pool: 'full' } }],
    ['full-2', { cpu: '1', labels: { pool: 'full' } }],
  ]);
  const sel = { nodeSelector: { pool: 'full' } };
  await pod('full', 'big', sel, {}, '1500m');
  const condition = await eventually(
    async () => (await admin.resource('Pod').get('full', 'big'))?.status?.conditions?.find((c) => c.type === 'PodScheduled'),
    20_000,
    'the condition',
  );
  assert.equal(condition.status, 'False');
  assert.equal(condition.reason, 'Unschedulable');
  const total = (await admin.resource('Node').list()).items.length;
  const others = total - 2; // nodes of other tests, which the selector rules out
  // 1500m is more than either node has at all: Kubernetes says preemption cannot help either
  assert.equal(
    condition.message,
    `0/${total} nodes are available: 2 Insufficient cpu${others ? `, ${others} node(s) didn't match Pod's node affinity/selector` : ''}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`,
  );
  const events = await eventually(
    async () => (await admin.resource('Event').list({ namespace: 'full', fieldSelector: 'involvedObject.name=big,reason=FailedScheduling' })).items,
    20_000,
    'the event',
  );
  assert.equal(events[0].type, 'Warning');
  assert.equal(events[0].message, condition.message);
  assert.equal(await nodeOf('full', 'big'), undefined);

  await node('full-3', { cpu: '4', labels: { pool: 'full' } });
  assert.equal(await boundTo('full', 'big'), 'full-3');
  const scheduled = await eventually(
    async () => (await admin.resource('Event').list({ namespace: 'full', fieldSelector: 'involvedObject.name=big,reason=Scheduled' })).items[0],
    20_000,
    'the Scheduled event',
  );
  assert.equal(scheduled.message, 'Successfully assigned full/big to full-3');
});

test('assumed pods count at once: a burst of pods never overcommits a node', async () => {
  await namespace('burst', [
    ['burst-1', { cpu: '1', labels: { pool: 'burst' } }],
    ['burst-2', { cpu: '1', labels: { pool: 'burst' } }],
  ]);
  await Promise.all(Array.from({ length: 12 }, (_, i) => pod('burst', `p-${i}`, { nodeSelector: { pool: 'burst' } }, {}, '200m')));
  // 2 nodes × 5 pods of 200m fit; 2 pods must stay Pending
  await eventually(
    async () => {
      const pods = (await admin.resource('Pod').list({ namespace: 'burst' })).items;
      const unschedulable = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'));
      return pods.filter((p) => p.spec?.nodeName).length === 10 && unschedulable.length === 2;
    },
    20_000,
    '10 bound, 2 unschedulable',
  );
  const pods = (await admin.resource('Pod').list({ namespace: 'burst' })).items;
  assert.equal(pods.filter((p) => p.spec?.nodeName === 'burst-1').length, 5);
  assert.equal(pods.filter((p) => p.spec?.nodeName === 'burst-2').length, 5);
});

test('nodeSelector and required node affinity choose the node', async () => {
  await namespace('select', [
    ['sel-hdd', { labels: { disk: 'hdd', pool: 'sel' } }],
    ['sel-ssd', { labels: { disk: 'ssd', pool: 'sel' } }],
  ]);
  await pod('select', 'fast', { nodeSelector: { disk: 'ssd' } });
  await pod('select', 'slow', {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'disk', operator: 'NotIn', values: ['ssd'] },
                { key: 'pool', operator: 'In', values: ['sel'] },
              ],
            },
          ],
        },
      },
    },
  });
  assert.equal(await boundTo('select', 'fast'), 'sel-ssd');
  assert.equal(await boundTo('select', 'slow'), 'sel-hdd');
});

test('taints and tolerations: an untolerated NoSchedule taint keeps pods away; a toleration lets them in', async () => {
  await namespace('taint', [['taint-gpu', { labels: { pool: 'taint' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }]]);
  await pod('taint', 'plain', { nodeSelector: { pool: 'taint' } });
  await pod('taint', 'tolerant', { nodeSelector: { pool: 'taint' }, tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] });
  assert.equal(await boundTo('taint', 'tolerant'), 'taint-gpu');
  const condition = await eventually(
    async () => (await admin.resource('Pod').get('taint', 'plain'))?.status?.conditions?.find((c) => c.type === 'PodScheduled'),
    20_000,
    'plain unschedulable',
  );
  assert.match(condition.message ?? '', /1 node\(s\) had untolerated taint \{gpu: true\}/);
});

test('pod anti-affinity on kubernetes.io/hostname puts each replica on its own node; affinity puts a pod beside another', async () => {
  await namespace('anti', [
    ['anti-1', { labels: { pool: 'anti' } }],
    ['anti-2', { labels: { pool: 'anti' } }],
    ['anti-3', { labels: { pool: 'anti' } }],
  ]);
  const anti = {
    nodeSelector: { pool: 'anti' },
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }],
      },
    },
  };
  for (let i = 0; i < 4; i++) await pod('anti', `db-${i}`, anti, { app: 'db' });
  const placed = await eventually(
    async () => {
      const pods = (await admin.resource('Pod').list({ namespace: 'anti', labelSelector: 'app=db' })).items;
      const bound = pods.filter((p) => p.spec?.nodeName);
      const pending = pods.filter((p) => p.status?.conditions?.some((c) => c.reason === 'Unschedulable'));
      return bound.length === 3 && pending.length === 1 ? { bound, pending } : undefined;
    },
    20_000,
    '3 bound on distinct nodes, 1 pending',
  );
  assert.equal(new Set(placed.bound.map((p) => p.spec?.nodeName)).size, 3);
  assert.match(placed.pending[0].status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? '', /3 node\(s\) didn't match pod anti-affinity rules/);
  await pod(
    'anti',
    'cache',
    {
      nodeSelector: { pool: 'anti' },
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['anti'] },
          ],
        },
      },
    },
    { app: 'cache' },
  );
  const cacheNode = await boundTo('anti', 'cache');
  assert.ok(
    placed.bound.some((p) => p.spec?.nodeName === cacheNode),
    'beside a db pod',
  );
});

test("a ReplicaSet's pods spread over nodes and zones (default topology spread)", async () => {
  await namespace('spread', [
    ['spread-a1', { cpu: '8', labels: { pool: 'spread', 'topology.kubernetes.io/zone': 'a' } }],
    ['spread-a2', { cpu: '8', labels: { pool: 'spread', 'topology.kubernetes.io/zone': 'a' } }],
    ['spread-b1', { cpu: '8', labels: { pool: 'spread', 'topology.kubernetes.io/zone': 'b' } }],
  ]);
  const manager = new ControllerManager({
    server: t.url,
    token: await t.token('system:kube-controller-manager'),
    clock: realClock(),
    leaderElection: false,
    controllers: [replicaSetController],
    log: quiet,
  });
  manager.start();
  await admin.resource('ReplicaSet').create({
    metadata: { name: 'web', namespace: 'spread' },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { nodeSelector: { pool: 'spread' }, containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
  const pods = await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ namespace: 'spread' })).items;
      return items.length === 6 && items.every((p) => p.spec?.nodeName) ? items : undefined;
    },
    30_000,
    '6 pods bound',
  );
  const perNode = new Map<string, number>();
  for (const p of pods) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
  // every node used and none with more than its share plus the hostname maxSkew allows; both zones used
  assert.equal(perNode.size, 3, `every node used: ${JSON.stringify([...perNode])}`);
  assert.ok(
    [...perNode.values()].every((n) => n >= 1 && n <= 3),
    `spread: ${JSON.stringify([...perNode])}`,
  );
  await manager.stop();
});

test('preemption: a high-priority pod that fits nowhere evicts a minimal set of lower-priority pods, is nominated, then bound', async () => {
  await namespace('preempt', [['pre-1', { cpu: '1', labels: { pool: 'pre' } }]]);
  await admin.resource('PriorityClass').create({ metadata: { name: 'low' }, value: 100 } as never);
  await admin.resource('PriorityClass').create({ metadata: { name: 'high' }, value: 1000 } as never);
  const sel = { nodeSelector: { pool: 'pre' } };
  await pod('preempt', 'low-a', { ...sel, priorityClassName: 'low' }, {}, '400m');
  await pod('preempt', 'low-b', { ...sel, priorityClassName: 'low' }, {}, '400m');
  await boundTo('preempt', 'low-a');
  await boundTo('preempt', 'low-b');
  // The test is the kubelet: a pod marked for deletion is gone once its containers stop.
  const stopKubelet = admin.resource('Pod').watch(
    { namespace: 'preempt' },
    {
      next: ({ type, object }) => {
        if (type !== 'DELETED' && object.metadata.deletionTimestamp)
          void admin
            .resource('Pod')
            .delete('preempt', object.metadata.name, { gracePeriodSeconds: 0 })
            .catch(() => undefined);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  await pod('preempt', 'urgent', { ...sel, priorityClassName: 'high' }, {}, '500m');
  assert.equal(await boundTo('preempt', 'urgent'), 'pre-1');
  const left = (await admin.resource('Pod').list({ namespace: 'preempt' })).items.map((p) => p.metadata.name).sort();
  assert.equal(left.length, 2, `one victim is enough: ${left}`);
  assert.ok(left.includes('urgent'));
  const preempted = (await admin.resource('Event').list({ namespace: 'preempt', fieldSelector: 'reason=Preempted' })).items;
  assert.equal(preempted.length, 1);
  assert.match(preempted[0].message ?? '', /^Preempted by pod \S+ on node pre-1$/);
  const failed = (await admin.resource('Event').list({ namespace: 'preempt', fieldSelector: 'involvedObject.name=urgent,reason=FailedScheduling' })).items;
  assert.ok(failed.length >= 1, 'the first attempt failed and preempted');
  stopKubelet();
});

test("a pod no preemption can help says so: its message ends with Kubernetes' preemption part", async () => {
  await admin.resource('Namespace').create({ metadata: { name: 'nohelp' } });
  await pod('nohelp', 'huge', { nodeSelector: { pool: 'pre' } }, {}, '64');
  const condition = await eventually(
    async () => (await admin.resource('Pod').get('nohelp', 'huge'))?.status?.conditions?.find((c) => c.type === 'PodScheduled'),
    20_000,
    'the condition',
  );
  assert.match(
    condition.message ?? '',
    /^0\/(\d+) nodes are available: .*1 Insufficient cpu.*\. preemption: 0\/\1 nodes are available: \1 Preemption is not helpful for scheduling\.$/,
  );
});
