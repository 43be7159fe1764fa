// `kubeql describe` against a real cluster: an apiserver on a fresh database, the
// controller-manager, the scheduler and a simulated node as `kubeql up` runs them, each a
// client under its own identity. Objects are made through the API (a Deployment's pods by
// its controllers, run by the node); the descriptions are read through the SDK as the CLI
// reads them, and compared line by line with kubectl's layout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

// Timestamps print in the local zone, as kubectl's: fixed here so the expected lines are too.
process.env.TZ = 'UTC';

const { realClock } = await import('../../src/apimachinery/clock.ts');
const { ApiError, Client } = await import('../../src/client/index.ts');
const { ControllerManager } = await import('../../src/controllers/manager.ts');
const { NodeFleet, FLEET_USER } = await import('../../src/node/index.ts');
const { SchedulerServer } = await import('../../src/scheduler/index.ts');
const { describe, describeMany, noResourcesFound } = await import('../../src/cli/describe/index.ts');
const { eventually } = await import('../helpers/cluster.ts');
const { startTestServer } = await import('../helpers/server.ts');

const SCALE = 50;
const NODE = 'desc-0';
const quiet = { info: () => undefined, error: () => undefined };
let t: Awaited<ReturnType<typeof startTestServer>>;
let admin: InstanceType<typeof Client>;
let manager: InstanceType<typeof ControllerManager>;
let scheduler: InstanceType<typeof SchedulerServer>;
let fleet: InstanceType<typeof NodeFleet>;

const lines = (text: string): string[] => text.split('\n');
/** The line that starts with `label` (exactly one). */
function lineOf(text: string, label: string): string {
  const found = lines(text).filter((l) => l.startsWith(label));
  assert.equal(found.length, 1, `one line starting with ${JSON.stringify(label)} in:\n${text}`);
  return found[0]!;
}
/** The lines from the one equal to `first` on, `count` of them. */
function block(text: string, first: string, count: number): string[] {
  const all = lines(text);
  const i = all.indexOf(first);
  assert.notEqual(i, -1, `a line ${JSON.stringify(first)} in:\n${text}`);
  return all.slice(i, i + count);
}
const rfc1123z = (iso: string | undefined): string => {
  const d = new Date(iso!);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

before(async () => {
  t = await startTestServer();
  const clock = realClock(SCALE);
  admin = new Client({ server: t.url, token: t.adminToken });
  manager = new ControllerManager({ server: t.url, token: await t.token('system:kube-controller-manager'), clock, leaderElection: false, log: quiet });
  scheduler = new SchedulerServer({ server: t.url, token: await t.token('system:kube-scheduler'), clock, leaderElection: false, log: quiet });
  manager.start();
  scheduler.start();
  await Promise.all([manager.waitForSync(), scheduler.waitForSync()]);
  fleet = new NodeFleet({ server: t.url, token: await t.token(FLEET_USER), clock, count: 1, namePrefix: 'desc', zones: 1, log: quiet });
  fleet.start();
  await fleet.waitForReady();

  await admin.resource('Deployment').create({
    metadata: { name: 'web', labels: { app: 'web', tier: 'frontend' }, annotations: { team: 'blue' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80 }],
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              env: [
                { name: 'MODE', value: 'prod' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
        },
      },
    },
  });
  await admin
    .resource('Service')
    .create({ metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } });
  await eventually(
    async () => ((await admin.resource('Deployment').get('default', 'web'))?.status?.availableReplicas ?? 0) === 2 || undefined,
    60_000,
    'web available',
  );
  // The Service's endpoints and the kubelet's last events follow the pods' readiness.
  await eventually(async () => ((await describe(admin, 'Service', 'default', 'web')).includes(':80,') ? true : undefined), 30_000, 'web endpoints');
});

after(async () => {
  await Promise.all([fleet.stop(), manager.stop(), scheduler.stop()]);
  await admin.close();
  await t.stop();
});

const webPods = async () =>
  (await admin.resource('Pod').list({ namespace: 'default', labelSelector: 'app=web' })).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));

test('Deployment: kubectl layout, its new ReplicaSet and the ScalingReplicaSet event', async () => {
  const d = (await admin.resource('Deployment').get('default', 'web'))!;
  const [rs] = (await admin.resource('ReplicaSet').list({ namespace: 'default' })).items;
  const out = await describe(admin, 'Deployment', 'default', 'web');
  // The first block aligns on its longest label, RollingUpdateStrategy: (22 + 2 columns).
  assert.deepEqual(lines(out).slice(0, 12), [
    'Name:                   web',
    'Namespace:              default',
    `CreationTimestamp:      ${rfc1123z(d.metadata.creationTimestamp)}`,
    'Labels:                 app=web',
    '                        tier=frontend',
    'Annotations:            deployment.kubernetes.io/revision: 1',
    '                        team: blue',
    'Selector:               app=web',
    'Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable',
    'StrategyType:           RollingUpdate',
    'MinReadySeconds:        0',
    'RollingUpdateStrategy:  25% max unavailable, 25% max surge',
  ]);
  assert.deepEqual(block(out, 'Pod Template:', 21), [
    'Pod Template:',
    '  Labels:  app=web',
    '  Containers:',
    '   web:',
    '    Image:      nginx:1.25',
    '    Port:       80/TCP',
    '    Host Port:  0/TCP',
    '    Limits:',
    '      memory:  128Mi',
    '    Requests:',
    '      cpu:     100m',
    '      memory:  64Mi',
    '    Environment:',
    '      MODE:      prod',
    '      POD_NAME:   (v1:metadata.name)',
    '    Mounts:',
    '      /etc/web from config (ro)',
    '  Volumes:',
    '   config:',
    '    Type:          ConfigMap (a volume populated by a ConfigMap)',
    '    Name:          web-config',
  ]);
  assert.deepEqual(block(out, 'Conditions:', 4), [
    'Conditions:',
    '  Type           Status  Reason',
    '  ----           ------  ------',
    '  Available      True    MinimumReplicasAvailable',
  ]);
  assert.equal(lineOf(out, 'OldReplicaSets:'), 'OldReplicaSets:  <none>');
  assert.equal(lineOf(out, 'NewReplicaSet:'), `NewReplicaSet:   ${rs!.metadata.name} (2/2 replicas created)`);
  assert.deepEqual(block(out, 'Events:', 3).slice(1), [
    '  Type    Reason             Age   From                   Message',
    '  ----    ------             ----  ----                   -------',
  ]);
  assert.match(
    lineOf(out, '  Normal  ScalingReplicaSet'),
    new RegExp(`^  Normal  ScalingReplicaSet  \\d+s +deployment-controller  Scaled up replica set ${rs!.metadata.name} from 0 to 2$`),
  );
});

test('Pod: node, labels, status, IPs, Controlled By, containers, conditions, volumes, QoS, tolerations, events', async () => {
  const [pod] = await webPods();
  const name = pod!.metadata.name;
  const rs = pod!.metadata.ownerReferences![0]!.name;
  const out = await describe(admin, 'Pod', 'default', name);
  assert.deepEqual(lines(out).slice(0, 13), [
    `Name:         ${name}`,
    'Namespace:    default',
    'Priority:     0',
    `Node:         ${NODE}/${pod!.status!.hostIP}`,
    `Start Time:   ${rfc1123z(pod!.status!.startTime)}`,
    'Labels:       app=web',
    `              pod-template-hash=${pod!.metadata.labels!['pod-template-hash']}`,
    'Annotations:  <none>',
    'Status:       Running',
    `IP:           ${pod!.status!.podIP}`,
    'IPs:',
    `  IP:           ${pod!.status!.podIP}`,
    `Controlled By:  ReplicaSet/${rs}`,
  ]);
  const container = pod!.status!.containerStatuses![0]!;
  assert.deepEqual(block(out, 'Containers:', 24), [
    'Containers:',
    '  web:',
    `    Container ID:   ${container.containerID}`,
    '    Image:          nginx:1.25',
    `    Image ID:       ${container.imageID}`,
    '    Port:           80/TCP',
    '    Host Port:      0/TCP',
    '    State:          Running',
    `      Started:      ${rfc1123z(container.state!.running!.startedAt)}`,
    '    Ready:          True',
    '    Restart Count:  0',
    '    Limits:',
    '      memory:  128Mi',
    '    Requests:',
    '      cpu:     100m',
    '      memory:  64Mi',
    '    Environment:',
    '      MODE:      prod',
    `      POD_NAME:  ${name} (v1:metadata.name)`,
    '    Mounts:',
    '      /etc/web from config (ro)',
    'Conditions:',
    '  Type                        Status',
    '  PodReadyToStartContainers   True ',
  ]);
  assert.ok(lines(out).includes('  Ready                       True '), out);
  assert.deepEqual(block(out, 'Volumes:', 9), [
    'Volumes:',
    '  config:',
    '    Type:        ConfigMap (a volume populated by a ConfigMap)',
    '    Name:        web-config',
    '    Optional:    false',
    'QoS Class:       Burstable',
    'Node-Selectors:  <none>',
    'Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
    '                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
  ]);
  assert.deepEqual(block(out, 'Events:', 3).slice(1), [
    '  Type    Reason     Age   From               Message',
    '  ----    ------     ----  ----               -------',
  ]);
  assert.match(
    lineOf(out, '  Normal  Scheduled'),
    new RegExp(`^  Normal  Scheduled  \\d+s +default-scheduler  Successfully assigned default/${name} to ${NODE}$`),
  );
  assert.match(lineOf(out, '  Normal  Started'), /^ {2}Normal {2}Started {4}\d+s +kubelet {12}Started container web$/);
});

test('Node: roles, lease, conditions table, capacity, the non-terminated pods and what they request', async () => {
  const node = (await admin.resource('Node').get(undefined, NODE))!;
  const pods = await webPods();
  const out = await describe(admin, 'Node', undefined, NODE);
  assert.equal(lines(out)[0], `Name:               ${NODE}`);
  assert.equal(lines(out)[1], 'Roles:              <none>');
  assert.equal(lineOf(out, 'Labels:'), 'Labels:             beta.kubernetes.io/arch=amd64');
  assert.ok(lines(out).includes(`                    kubernetes.io/hostname=${NODE}`), out);
  assert.equal(lineOf(out, 'CreationTimestamp:'), `CreationTimestamp:  ${rfc1123z(node.metadata.creationTimestamp)}`);
  assert.equal(lineOf(out, 'Taints:'), 'Taints:             <none>');
  assert.equal(lineOf(out, 'Unschedulable:'), 'Unschedulable:      false');
  assert.deepEqual(block(out, 'Lease:', 2), ['Lease:', `  HolderIdentity:  ${NODE}`]);
  assert.match(lineOf(out, 'Conditions:'), /^Conditions:$/);
  assert.match(lineOf(out, '  Type '), /^ {2}Type +Status +LastHeartbeatTime +LastTransitionTime +Reason +Message$/);
  assert.match(
    lineOf(out, '  Ready '),
    /^ {2}Ready +True +\w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000 +\w{3}, .* \+0000 +KubeletReady +kubelet is posting ready status$/,
  );
  assert.deepEqual(block(out, 'Capacity:', 3), ['Capacity:', '  cpu:                4', '  ephemeral-storage:  100Gi']);
  assert.equal(lineOf(out, 'PodCIDR:'), `PodCIDR:                      ${node.spec!.podCIDR}`);
  assert.equal(lineOf(out, 'Non-terminated Pods:'), 'Non-terminated Pods:          (2 in total)');
  const table = block(out, 'Non-terminated Pods:          (2 in total)', 5);
  assert.match(table[1]!, /^ {2}Namespace +Name +CPU Requests {2}CPU Limits {2}Memory Requests {2}Memory Limits {2}Age$/);
  for (const [i, pod] of pods.entries()) {
    assert.match(table[3 + i]!, new RegExp(`^  default +${pod.metadata.name} +100m \\(2%\\) {5}0 \\(0%\\) {6}64Mi \\(0%\\) {8}128Mi \\(0%\\) {5}\\d+s$`));
  }
  assert.deepEqual(block(out, 'Allocated resources:', 8), [
    'Allocated resources:',
    '  (Total limits may be over 100 percent, i.e., overcommitted.)',
    '  Resource           Requests    Limits',
    '  --------           --------    ------',
    '  cpu                200m (5%)   0 (0%)',
    '  memory             128Mi (0%)  256Mi (1%)',
    '  ephemeral-storage  0 (0%)      0 (0%)',
    '  hugepages-2Mi      0 (0%)      0 (0%)',
  ]);
  assert.equal(lines(out).at(-2), 'Events:              <none>');
});

test('Service: selector, type, IPs, ports and the ready endpoints from its EndpointSlices', async () => {
  const svc = (await admin.resource('Service').get('default', 'web'))!;
  const ips = (await webPods()).map((p) => `${p.status!.podIP}:80`);
  const out = await describe(admin, 'Service', 'default', 'web');
  const endpoints = lineOf(out, 'Endpoints:').slice('Endpoints:                '.length).split(',').sort();
  assert.deepEqual(endpoints, ips.sort());
  assert.deepEqual(
    lines(out).filter((l) => !l.startsWith('Endpoints:')),
    [
      'Name:                     web',
      'Namespace:                default',
      'Labels:                   <none>',
      'Annotations:              <none>',
      'Selector:                 app=web',
      'Type:                     ClusterIP',
      'IP Family Policy:         SingleStack',
      'IP Families:              IPv4',
      `IP:                       ${svc.spec!.clusterIP}`,
      `IPs:                      ${svc.spec!.clusterIP}`,
      'Port:                     http  80/TCP',
      'TargetPort:               80/TCP',
      'Session Affinity:         None',
      'Internal Traffic Policy:  Cluster',
      'Events:                   <none>',
      '',
    ],
  );
});

test("ConfigMap: kubectl's own expected output (describe_test.go TestDescribeConfigMap)", async () => {
  await admin.resource('ConfigMap').create({
    metadata: { name: 'mycm' },
    data: { key1: 'value1', key2: 'value2' },
    binaryData: {
      binarykey1: Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb]).toString('base64'),
      binarykey2: Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa]).toString('base64'),
    },
  });
  const out = await describe(admin, 'ConfigMap', 'default', 'mycm');
  assert.equal(
    out,
    `Name:         mycm
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
key1:
----
value1

key2:
----
value2


BinaryData
====
binarykey1: 5 bytes
binarykey2: 6 bytes

Events:  <none>
`,
  );
});

test("Secret: values hidden, each key's size in bytes (describe_test.go TestDescribeSecret)", async () => {
  await admin.resource('Secret').create({ metadata: { name: 'db', labels: { app: 'db' } }, stringData: { password: 's3cr3t-v@lue', username: 'admin' } });
  const out = await describe(admin, 'Secret', 'default', 'db');
  assert.equal(
    out,
    'Name:         db\nNamespace:    default\nLabels:       app=db\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  12 bytes\nusername:  5 bytes\n',
  );
  assert.ok(!out.includes('s3cr3t') && !out.includes('admin\n'), out);
});

test('Job: completions, backoff limit, times and duration, pod statuses, its pod template', async () => {
  await admin.resource('Job').create({
    metadata: { name: 'pi' },
    spec: {
      completions: 3,
      parallelism: 2,
      backoffLimit: 4,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(20)'] }] },
      },
    },
  });
  await admin
    .resource('Job')
    .updateStatus('default', 'pi', { startTime: '2026-01-02T03:00:00Z', completionTime: '2026-01-02T03:03:20Z', succeeded: 3, ready: 0 });
  const job = (await admin.resource('Job').get('default', 'pi'))!;
  const out = await describe(admin, 'Job', 'default', 'pi');
  const uid = job.spec!.selector!.matchLabels!['batch.kubernetes.io/controller-uid'];
  assert.equal(lines(out)[0], 'Name:             pi');
  assert.equal(lineOf(out, 'Selector:'), `Selector:         ${uid ? `batch.kubernetes.io/controller-uid=${uid}` : ''}`);
  assert.equal(lineOf(out, 'Parallelism:'), 'Parallelism:      2');
  assert.equal(lineOf(out, 'Completions:'), 'Completions:      3');
  assert.equal(lineOf(out, 'Backoff Limit:'), 'Backoff Limit:    4');
  assert.equal(lineOf(out, 'Start Time:'), 'Start Time:       Fri, 02 Jan 2026 03:00:00 +0000');
  assert.equal(lineOf(out, 'Completed At:'), 'Completed At:     Fri, 02 Jan 2026 03:03:20 +0000');
  assert.equal(lineOf(out, 'Duration:'), 'Duration:         3m20s');
  assert.equal(lineOf(out, 'Pods Statuses:'), 'Pods Statuses:    0 Active (0 Ready) / 3 Succeeded / 0 Failed');
  assert.deepEqual(block(out, '  Containers:', 9), [
    '  Containers:',
    '   pi:',
    '    Image:      perl:5.34',
    '    Port:       <none>',
    '    Host Port:  <none>',
    '    Command:',
    '      perl',
    '      -Mbignum=bpi',
    '      -wle',
  ]);
  assert.equal(lines(out).at(-2), 'Events:            <none>');
});

test('generic describer (a kind without its own): every field as an outline with smart labels', async () => {
  const lease = (await admin.resource('Lease').get('kube-node-lease', NODE))!;
  const out = await describe(admin, 'Lease', 'kube-node-lease', NODE);
  assert.deepEqual(lines(out).slice(0, 7), [
    `Name:         ${NODE}`,
    'Namespace:    kube-node-lease',
    'Labels:       <none>',
    'Annotations:  <none>',
    'API Version:  coordination.k8s.io/v1',
    'Kind:         Lease',
    'Metadata:',
  ]);
  assert.match(lineOf(out, '  Creation Timestamp:'), new RegExp(`^  Creation Timestamp: +${lease.metadata.creationTimestamp}$`));
  assert.match(lineOf(out, '  UID:'), new RegExp(`^  UID: +${lease.metadata.uid}$`));
  assert.ok(lines(out).includes('Spec:'), out);
  assert.match(lineOf(out, '  Holder Identity:'), new RegExp(`^  Holder Identity: +${NODE}$`));
  assert.match(lineOf(out, '  Lease Duration Seconds:'), /^ {2}Lease Duration Seconds: {2}40$/);
  assert.match(lines(out).at(-2)!, /^Events: +<none>$/);
});

test("a repeated event: `Age` as kubectl's `2m (x3 over 10m)`", async () => {
  const cm = await admin.resource('ConfigMap').create({ metadata: { name: 'noisy' }, data: { a: 'b' } });
  const now = Date.now();
  const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await admin.resource('Event').create({
    metadata: { name: 'noisy.1' },
    involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'noisy', namespace: 'default', uid: cm.metadata.uid },
    type: 'Warning',
    reason: 'Flapping',
    message: 'changed again',
    count: 3,
    firstTimestamp: ago(10),
    lastTimestamp: ago(2),
    source: { component: 'watcher' },
  });
  const out = await describe(admin, 'ConfigMap', 'default', 'noisy', { now: new Date(now) });
  assert.deepEqual(block(out, 'Events:', 4), [
    'Events:',
    '  Type     Reason    Age               From     Message',
    '  ----     ------    ----              ----     -------',
    '  Warning  Flapping  2m (x3 over 10m)  watcher  changed again',
  ]);
});

test('not found: kubectl’s NotFound message, with the group for grouped kinds', async () => {
  await assert.rejects(
    describe(admin, 'Pod', 'default', 'nope'),
    (e: unknown) => e instanceof ApiError && e.code === 'NOT_FOUND' && e.message === 'pods "nope" not found',
  );
  await assert.rejects(
    describe(admin, 'Deployment', 'default', 'nope'),
    (e: unknown) => e instanceof ApiError && e.code === 'NOT_FOUND' && e.message === 'deployments.apps "nope" not found',
  );
});

test('a name that matches none but begins some: each of those, without Events (DescribeMatchingResources)', async () => {
  const pods = await webPods();
  const out = await describe(admin, 'Pod', 'default', 'web-');
  const names = lines(out)
    .filter((l) => l.startsWith('Name:'))
    .map((l) => l.replace(/^Name: +/, ''));
  assert.deepEqual(names.sort(), pods.map((p) => p.metadata.name).sort());
  assert.ok(!out.includes('Events:'), out);
  assert.ok(out.endsWith('for 300s\n\n'), out);
});

test('describeMany: every object of a kind by label, separated by a blank line, Events only when asked or alone', async () => {
  const pods = await webPods();
  const out = await describeMany(admin, 'Pod', 'default', { labelSelector: 'app=web' });
  const parts = out.split('\n\nName:');
  assert.equal(parts.length, 2, out);
  assert.ok(!out.includes('Events:'), out);
  assert.ok(out.startsWith(`Name:         ${pods[0]!.metadata.name}\n`) || out.startsWith(`Name:         ${pods[1]!.metadata.name}\n`), out);
  const withEvents = await describeMany(admin, 'Pod', 'default', { labelSelector: 'app=web', showEvents: true });
  assert.equal(withEvents.match(/\nEvents:\n/g)?.length, 2, withEvents);
  const one = await describeMany(admin, 'Service', 'default', {});
  assert.match(one, /\nEvents: +<none>\n$/);
  assert.equal(await describeMany(admin, 'Pod', 'default', { labelSelector: 'app=none' }), '');
  assert.equal(noResourcesFound('default'), 'No resources found in default namespace.');
});
