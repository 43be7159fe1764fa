// The describers of the other kinds, against a bare apiserver (no controllers: every
// object is made by the test through the API, status included where it matters), each
// compared with kubectl's layout for its key lines.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

process.env.TZ = 'UTC';

const { Client } = await import('../../src/client/index.ts');
const { describe, UnknownKindError } = await import('../../src/cli/describe/index.ts');
const { startTestServer } = await import('../helpers/server.ts');

let t: Awaited<ReturnType<typeof startTestServer>>;
let c: InstanceType<typeof Client>;

before(async () => {
  t = await startTestServer();
  c = new Client({ server: t.url, token: t.adminToken });
});

after(async () => {
  await c.close();
  await t.stop();
});

const lines = (text: string): string[] => text.split('\n');
/** The lines from the one equal to `first` on, `count` of them. */
function block(text: string, first: string, count: number): string[] {
  const all = lines(text);
  const i = all.indexOf(first);
  assert.notEqual(i, -1, `a line ${JSON.stringify(first)} in:\n${text}`);
  return all.slice(i, i + count);
}
const template = { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } };

test('Namespace: status, its ResourceQuotas and LimitRanges', async () => {
  await c.resource('Namespace').create({ metadata: { name: 'team', labels: { env: 'dev' } } });
  await c.resource('ResourceQuota').create({ metadata: { name: 'q', namespace: 'team' }, spec: { hard: { pods: '10' } } });
  await c.resource('ResourceQuota').updateStatus('team', 'q', { hard: { pods: '10', 'requests.cpu': '2' }, used: { pods: '3' } });
  await c.resource('LimitRange').create({
    metadata: { name: 'lr', namespace: 'team' },
    spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '250m' } }] },
  });
  const out = await describe(c, 'Namespace', undefined, 'team');
  assert.deepEqual(lines(out), [
    'Name:         team',
    'Labels:       env=dev',
    '              kubernetes.io/metadata.name=team',
    'Annotations:  <none>',
    'Status:       Active',
    '',
    'Resource Quotas',
    '  Name:         q',
    '  Resource      Used  Hard',
    '  --------      ---   ---',
    '  pods          3     10',
    '  requests.cpu  0     2',
    '',
    'Resource Limits',
    ' Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio',
    ' ----       --------  ---  ---  ---------------  -------------  -----------------------',
    ' Container  cpu       -    -    250m             500m           -',
    '',
  ]);
});

test('ReplicaSet and ReplicationController: selector, replicas, pod phases, pod template', async () => {
  await c.resource('ReplicaSet').create({ metadata: { name: 'db' }, spec: { replicas: 2, selector: { matchLabels: { app: 'db' } }, template } });
  const rs = await describe(c, 'ReplicaSet', 'default', 'db');
  assert.deepEqual(lines(rs).slice(0, 9), [
    'Name:         db',
    'Namespace:    default',
    'Selector:     app=db',
    'Labels:       <none>',
    'Annotations:  <none>',
    'Replicas:     0 current / 2 desired',
    'Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed',
    'Pod Template:',
    '  Labels:  app=db',
  ]);
  assert.deepEqual(block(rs, '  Containers:', 7), [
    '  Containers:',
    '   db:',
    '    Image:         postgres:16',
    '    Port:          <none>',
    '    Host Port:     <none>',
    '    Environment:   <none>',
    '    Mounts:        <none>',
  ]);
  await c.resource('ReplicationController').create({ metadata: { name: 'rc' }, spec: { replicas: 1, selector: { app: 'db' }, template } });
  const rc = await describe(c, 'ReplicationController', 'default', 'rc');
  assert.deepEqual(lines(rc).slice(0, 7), [
    'Name:         rc',
    'Namespace:    default',
    'Selector:     app=db',
    'Labels:       app=db',
    'Annotations:  <none>',
    'Replicas:     0 current / 1 desired',
    'Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed',
  ]);
});

test('StatefulSet: service, policy, update strategy, volume claim templates', async () => {
  await c.resource('StatefulSet').create({
    metadata: { name: 'pg' },
    spec: {
      replicas: 3,
      serviceName: 'pg',
      selector: { matchLabels: { app: 'db' } },
      template,
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  });
  const out = await describe(c, 'StatefulSet', 'default', 'pg');
  assert.deepEqual(lines(out).slice(3, 11), [
    'Selector:               app=db',
    'Labels:                 <none>',
    'Annotations:            <none>',
    'Service Name:           pg',
    'Pod Management Policy:  OrderedReady',
    'Replicas:               3 desired | 0 total',
    'Update Strategy:        RollingUpdate',
    '  Partition:            0',
  ]);
  assert.deepEqual(block(out, 'Volume Claims:', 7), [
    'Volume Claims:',
    '  Name:          data',
    '  StorageClass:  fast',
    '  Labels:        <none>',
    '  Annotations:   <none>',
    '  Capacity:      1Gi',
    '  Access Modes:  [ReadWriteOnce]',
  ]);
});

test('DaemonSet: node selector, scheduling counts, tolerations of the template', async () => {
  await c.resource('DaemonSet').create({
    metadata: { name: 'agent' },
    spec: {
      selector: { matchLabels: { app: 'db' } },
      template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }] } },
    },
  });
  await c.resource('DaemonSet').updateStatus('default', 'agent', {
    desiredNumberScheduled: 3,
    currentNumberScheduled: 3,
    numberMisscheduled: 0,
    numberReady: 2,
    updatedNumberScheduled: 3,
    numberAvailable: 2,
  });
  const out = await describe(c, 'DaemonSet', 'default', 'agent');
  assert.deepEqual(lines(out).slice(0, 4), [
    'Name:           agent',
    'Namespace:      default',
    'Selector:       app=db',
    'Node-Selector:  kubernetes.io/os=linux',
  ]);
  assert.deepEqual(block(out, 'Desired Number of Nodes Scheduled: 3', 6), [
    'Desired Number of Nodes Scheduled: 3',
    'Current Number of Nodes Scheduled: 3',
    'Number of Nodes Scheduled with Up-to-date Pods: 3',
    'Number of Nodes Scheduled with Available Pods: 2',
    'Number of Nodes Misscheduled: 0',
    'Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed',
  ]);
  assert.ok(lines(out).includes('  Tolerations:     op=Exists'), out);
});

test('CronJob: schedule, policy, history limits, the job template, active jobs', async () => {
  await c.resource('CronJob').create({
    metadata: { name: 'nightly' },
    spec: {
      schedule: '0 3 * * *',
      timeZone: 'Europe/Paris',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'busybox' }] } } } },
    },
  });
  const out = await describe(c, 'CronJob', 'default', 'nightly');
  assert.deepEqual(lines(out).slice(4, 15), [
    'Schedule:                      0 3 * * *',
    'Concurrency Policy:            Allow',
    'Suspend:                       False',
    'Time Zone:                     Europe/Paris',
    'Successful Job History Limit:  3',
    'Failed Job History Limit:      1',
    'Starting Deadline Seconds:     <unset>',
    'Selector:                      <unset>',
    'Parallelism:                   <unset>',
    'Completions:                   <unset>',
    'Pod Template:',
  ]);
  assert.deepEqual(lines(out).slice(-4), ['Last Schedule Time:  <unset>', 'Active Jobs:         <none>', 'Events:              <none>', '']);
});

test('storage: a claim and who uses it, a host-path volume, a default StorageClass', async () => {
  await c
    .resource('PersistentVolumeClaim')
    .create({ metadata: { name: 'data' }, spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  await c.resource('Pod').create({
    metadata: { name: 'user' },
    spec: { containers: [{ name: 'a', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
  });
  const pvc = await describe(c, 'PersistentVolumeClaim', 'default', 'data');
  assert.deepEqual(lines(pvc).slice(0, 6), [
    'Name:          data',
    'Namespace:     default',
    'StorageClass:  fast',
    'Status:        Pending',
    'Volume:        ',
    'Labels:        <none>',
  ]);
  assert.ok(lines(pvc).includes('Used By:       user'), pvc);
  const pod = await describe(c, 'Pod', 'default', 'user');
  // The volume's cells align with the pod's next lines (QoS Class:, Node-Selectors:): one column block.
  assert.deepEqual(block(pod, '  d:', 6), [
    '  d:',
    '    Type:        PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
    '    ClaimName:   data',
    '    ReadOnly:    false',
    'QoS Class:       BestEffort',
    'Node-Selectors:  <none>',
  ]);

  await c.resource('PersistentVolume').create({
    metadata: { name: 'pv1' },
    spec: {
      capacity: { storage: '5Gi' },
      accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'manual',
      hostPath: { path: '/mnt/data' },
    },
  });
  const pv = await describe(c, 'PersistentVolume', undefined, 'pv1');
  assert.deepEqual(block(pv, 'StorageClass:    manual', 14), [
    'StorageClass:    manual',
    'Status:          Pending',
    'Claim:           ',
    'Reclaim Policy:  Retain',
    'Access Modes:    RWO,ROX',
    'VolumeMode:      Filesystem',
    'Capacity:        5Gi',
    'Node Affinity:   <none>',
    'Message:         ',
    'Source:',
    '    Type:          HostPath (bare host directory volume)',
    '    Path:          /mnt/data',
    '    HostPathType:  ',
    'Events:            <none>',
  ]);

  await c.resource('StorageClass').create({
    metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'kubeql.io/simulated',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  const sc = await describe(c, 'StorageClass', undefined, 'fast');
  assert.deepEqual(lines(sc), [
    'Name:                  fast',
    'IsDefaultClass:        Yes',
    'Annotations:           storageclass.kubernetes.io/is-default-class=true',
    'Provisioner:           kubeql.io/simulated',
    'Parameters:            <none>',
    'AllowVolumeExpansion:  <unset>',
    'MountOptions:          <none>',
    'ReclaimPolicy:         Delete',
    'VolumeBindingMode:     WaitForFirstConsumer',
    'Events:                <none>',
    '',
  ]);
});

test('PodDisruptionBudget and HorizontalPodAutoscaler', async () => {
  await c.resource('PodDisruptionBudget').create({ metadata: { name: 'db' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
  await c.resource('PodDisruptionBudget').updateStatus('default', 'db', { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2 });
  const pdb = await describe(c, 'PodDisruptionBudget', 'default', 'db');
  assert.deepEqual(lines(pdb), [
    'Name:           db',
    'Namespace:      default',
    'Min available:  1',
    'Selector:       app=db',
    'Status:',
    '    Allowed disruptions:  1',
    '    Current:              2',
    '    Desired:              1',
    '    Total:                2',
    'Events:                   <none>',
    '',
  ]);
  await c.resource('HorizontalPodAutoscaler').create({
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
  });
  const hpa = await describe(c, 'HorizontalPodAutoscaler', 'default', 'web');
  assert.deepEqual(lines(hpa).slice(5, 11), [
    'Reference:                                             Deployment/web',
    'Metrics:                                               ( current / target )',
    '  resource cpu on pods  (as a percentage of request):  <unknown> / 50%',
    'Min replicas:                                          1',
    'Max replicas:                                          5',
    'Deployment pods:                                       0 current / 0 desired',
  ]);
});

test('Ingress, ServiceAccount, PriorityClass, Endpoints', async () => {
  await c.resource('Service').create({ metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } });
  await c.resource('Ingress').create({
    metadata: { name: 'web' },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  });
  const ing = await describe(c, 'Ingress', 'default', 'web');
  assert.deepEqual(lines(ing).slice(3, 12), [
    'Address:          ',
    'Ingress Class:    nginx',
    'Default backend:  <default>',
    'Rules:',
    '  Host             Path  Backends',
    '  ----             ----  --------',
    '  web.example.com  ',
    '                   /   web:80 (<none>)',
    'Annotations:       <none>',
  ]);

  await c.resource('ServiceAccount').create({ metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }] });
  const sa = await describe(c, 'ServiceAccount', 'default', 'builder');
  assert.deepEqual(lines(sa).slice(4), ['Image pull secrets:  regcred', '                     other', 'Events:              <none>', '']);

  await c.resource('PriorityClass').create({ metadata: { name: 'high' }, value: 1000, description: 'important' });
  const pc = await describe(c, 'PriorityClass', undefined, 'high');
  assert.deepEqual(lines(pc).slice(0, 5), [
    'Name:              high',
    'Value:             1000',
    'GlobalDefault:     false',
    'PreemptionPolicy:  PreemptLowerPriority',
    'Description:       important',
  ]);

  await c.resource('Endpoints').create({
    metadata: { name: 'ext' },
    subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
  });
  const ep = await describe(c, 'Endpoints', 'default', 'ext');
  assert.deepEqual(lines(ep).slice(4), [
    'Subsets:',
    '  Addresses:          10.0.0.1,10.0.0.2',
    '  NotReadyAddresses:  <none>',
    '  Ports:',
    '    Name  Port  Protocol',
    '    ----  ----  --------',
    '    http  80    TCP',
    '',
    'Events:  <none>',
    '',
  ]);
});

test('Node for a user who may read nodes but not pods, leases or events: kubectl’s `not authorized`, no Events', async () => {
  await c.resource('Node').create({
    metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
    spec: { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] },
  });
  await c.resource('ClusterRole').create({ metadata: { name: 'node-reader' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }] });
  await c.resource('ClusterRoleBinding').create({
    metadata: { name: 'node-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-reader' },
    subjects: [{ kind: 'User', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  const reader = new Client({ server: t.url, token: await t.token('reader') });
  try {
    const out = await describe(reader, 'Node', undefined, 'n1');
    assert.equal(lines(out)[1], 'Roles:              control-plane');
    assert.ok(lines(out).includes('Taints:             dedicated=infra:NoSchedule'), out);
    assert.match(out, /\nLease: +Failed to get lease: .+\n/);
    assert.ok(out.endsWith('\n  Kubelet Version:            \nPods:                         not authorized\n'), out);
    assert.ok(!out.includes('Events:'), out);
  } finally {
    await reader.close();
  }
});

test('a pod being deleted: `Terminating (lasts …)` and its grace period', async () => {
  await c.resource('Pod').create({ metadata: { name: 'leaving' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox' }] } });
  const left = await c.resource('Pod').delete('default', 'leaving', { gracePeriodSeconds: 30 });
  assert.ok(left?.metadata.deletionTimestamp, 'a bound pod waits for its kubelet');
  // deletionTimestamp is when the grace period ends: until then kubectl says `lasts <invalid>`.
  const during = await describe(c, 'Pod', 'default', 'leaving', { now: new Date(Date.parse(left.metadata.deletionTimestamp) - 25_000) });
  assert.ok(lines(during).includes('Status:                    Terminating (lasts <invalid>)'), during);
  const out = await describe(c, 'Pod', 'default', 'leaving', { now: new Date(Date.parse(left.metadata.deletionTimestamp) + 25_000) });
  assert.ok(lines(out).includes('Node:                      n1/'), out);
  assert.ok(lines(out).includes('Status:                    Terminating (lasts 25s)'), out);
  assert.ok(lines(out).includes('Termination Grace Period:  30s'), out);
});

test("a kind the server does not serve: kubectl's client-side error, not a server's NotFound", async () => {
  await assert.rejects(
    describe(c, 'Gizmo', 'default', 'x'),
    (e: unknown) => e instanceof UnknownKindError && e.message === 'the server doesn\'t have a resource type "Gizmo"',
  );
});
