// StatefulSet, DaemonSet, ControllerRevision, Job and CronJob through the real apiserver:
// realistic manifests applied and read back with every field they set, plus the defaults;
// invalid ones refused with Kubernetes' causes, writing nothing; the update rules; kubectl's
// columns from the table operation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

type Obj = Record<string, any>;
const APPLY = `mutation($m: JSON!) { apply(manifest: $m) { __typename } }`;
const apply = (m: Obj) => t.gql(APPLY, { m });
const read = async (singular: string, name: string, namespace = 'default'): Promise<Obj> =>
  (await t.ok(`query($ns: String!, $n: String!) { ${singular}(namespace: $ns, name: $n) { manifest } }`, { ns: namespace, n: name }))[singular]?.manifest;
const table = async (apiVersion: string, kind: string, name: string, wide = false) =>
  (
    await t.ok(
      `query($v: String!, $k: String!, $n: String, $w: Boolean) { table(apiVersion: $v, kind: $k, name: $n, wide: $w) { columnDefinitions { name } rows { cells } } }`,
      { v: apiVersion, k: kind, n: name, w: wide },
    )
  ).table;

/** Every field `expected` sets is in `actual`, unchanged (`actual` may have more: defaults). */
function assertSubset(actual: unknown, expected: unknown, path = ''): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${path} is an object`);
    for (const [k, v] of Object.entries(expected)) assertSubset((actual as Obj)[k], v, `${path}.${k}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path} has ${expected.length} items`);
    expected.forEach((v, i) => assertSubset((actual as unknown[])[i], v, `${path}[${i}]`));
  } else {
    assert.deepEqual(actual, expected, path);
  }
}
async function refused(m: Obj, expected: { field: string; message: string | RegExp }[]): Promise<void> {
  const res = await apply(m);
  const error = res.errors?.[0];
  assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(res));
  const causes = error!.extensions!.causes!;
  for (const e of expected) {
    assert.ok(
      causes.some((c) => c.field === e.field && (typeof e.message === 'string' ? c.message === e.message : e.message.test(c.message))),
      `${e.field}: ${e.message} in ${JSON.stringify(causes)}`,
    );
  }
}
const stored = (kind: string, name: string) => t.server.registry.get(kind, 'default', name);

const statefulSet: Obj = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'nginx' } },
  spec: {
    serviceName: 'nginx',
    replicas: 2,
    minReadySeconds: 5,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        terminationGracePeriodSeconds: 10,
        containers: [
          {
            name: 'nginx',
            image: 'registry.k8s.io/nginx-slim:0.8',
            ports: [{ containerPort: 80, name: 'web' }],
            volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
          },
        ],
      },
    },
    volumeClaimTemplates: [
      { metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } } },
    ],
  },
};
const daemonSet: Obj = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'fluentd-elasticsearch', namespace: 'default', labels: { 'k8s-app': 'fluentd-logging' } },
  spec: {
    selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
    template: {
      metadata: { labels: { name: 'fluentd-elasticsearch' } },
      spec: {
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [
          {
            name: 'fluentd-elasticsearch',
            image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
            resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
            volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
          },
        ],
        terminationGracePeriodSeconds: 30,
        volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
      },
    },
  },
};
const jobManifest: Obj = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default' },
  spec: {
    backoffLimit: 4,
    ttlSecondsAfterFinished: 100,
    template: {
      spec: { containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }], restartPolicy: 'Never' },
    },
  },
};
const cronJob: Obj = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    schedule: '0 6 * * 1-5',
    timeZone: 'Europe/Berlin',
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: 200,
    jobTemplate: {
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            containers: [{ name: 'hello', image: 'busybox:1.28', imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', 'date; echo Hello'] }],
            restartPolicy: 'OnFailure',
          },
        },
      },
    },
  },
};
const controllerRevision: Obj = {
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name: 'web-6d5c8b',
    namespace: 'default',
    labels: { app: 'nginx' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: '0b2c6a4e-1f64-4c2a-9d1b-0c9d7e2f3a41', controller: true, blockOwnerDeletion: true },
    ],
  },
  data: {
    spec: {
      template: {
        $patch: 'replace',
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.8' }] },
      },
    },
  },
  revision: 1,
};

describe('realistic manifests apply and read back with every field they set, plus the defaults', () => {
  test('StatefulSet', async () => {
    assert.equal((await apply(statefulSet)).data?.apply.__typename, 'StatefulSet');
    const m = await read('statefulSet', 'web');
    assertSubset(m, statefulSet);
    assert.equal(m.spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(m.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(m.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(m.spec.revisionHistoryLimit, 10);
    assert.equal(m.spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
    assert.equal(m.spec.template.spec.restartPolicy, 'Always');
    assert.equal(m.spec.template.spec.containers[0].ports[0].protocol, 'TCP');
  });

  test('DaemonSet, with its template generation', async () => {
    assert.equal((await apply(daemonSet)).data?.apply.__typename, 'DaemonSet');
    const m = await read('daemonSet', 'fluentd-elasticsearch');
    assertSubset(m, daemonSet);
    assert.deepEqual(m.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(m.spec.revisionHistoryLimit, 10);
    assert.equal(m.metadata.annotations['deprecated.daemonset.template.generation'], '1');
    assert.equal(m.spec.template.spec.volumes[0].hostPath.type, '');
  });

  test('Job, with the selector and labels generated from its uid', async () => {
    assert.equal((await apply(jobManifest)).data?.apply.__typename, 'Job');
    const m = await read('job', 'pi');
    assertSubset(m, jobManifest);
    const uid = m.metadata.uid;
    assert.match(uid, /^[0-9a-f-]{36}$/);
    const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' };
    assert.deepEqual(m.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(m.spec.template.metadata.labels, labels);
    assert.deepEqual(m.metadata.labels, labels);
    const { template: _t, selector: _s, ...defaults } = m.spec;
    assert.deepEqual(defaults, {
      backoffLimit: 4,
      ttlSecondsAfterFinished: 100,
      completions: 1,
      parallelism: 1,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
    });
    // Applying the same manifest again changes nothing: the generated fields are kept.
    assert.equal((await apply(jobManifest)).errors, undefined);
    assert.deepEqual((await read('job', 'pi')).spec, m.spec);
  });

  test('CronJob', async () => {
    assert.equal((await apply(cronJob)).data?.apply.__typename, 'CronJob');
    const m = await read('cronJob', 'hello');
    assertSubset(m, cronJob);
    assert.equal(m.spec.suspend, false);
    assert.equal(m.spec.successfulJobsHistoryLimit, 3);
    assert.equal(m.spec.failedJobsHistoryLimit, 1);
    assert.equal(m.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(m.spec.jobTemplate.spec.completions, undefined, 'a jobTemplate is not defaulted as a Job');
  });

  test('ControllerRevision (no status)', async () => {
    assert.equal((await apply(controllerRevision)).data?.apply.__typename, 'ControllerRevision');
    const m = await read('controllerRevision', 'web-6d5c8b');
    assertSubset(m, controllerRevision);
    assert.equal(m.status, undefined);
  });
});

describe("invalid manifests are refused with Kubernetes' causes and write nothing", () => {
  test('StatefulSet: a selector that does not match, a bad policy', async () => {
    await refused(
      {
        ...statefulSet,
        metadata: { name: 'bad-sts', namespace: 'default' },
        spec: { ...statefulSet.spec, selector: { matchLabels: { app: 'other' } }, podManagementPolicy: 'Random' },
      },
      [
        { field: 'spec.podManagementPolicy', message: `Invalid value: "Random": must be 'OrderedReady' or 'Parallel'` },
        { field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`' },
      ],
    );
    assert.equal(await stored('StatefulSet', 'bad-sts'), undefined);
  });

  test('DaemonSet: a container without an image, restartPolicy Never', async () => {
    const template = { metadata: { labels: { name: 'x' } }, spec: { containers: [{ name: 'x' }], restartPolicy: 'Never' } };
    await refused({ ...daemonSet, metadata: { name: 'bad-ds', namespace: 'default' }, spec: { selector: { matchLabels: { name: 'x' } }, template } }, [
      { field: 'spec.template.spec.containers[0].image', message: 'Required value' },
      { field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Never": supported values: "Always"' },
    ]);
    assert.equal(await stored('DaemonSet', 'bad-ds'), undefined);
  });

  test('Job: restartPolicy left to its default, a negative parallelism', async () => {
    await refused(
      {
        ...jobManifest,
        metadata: { name: 'bad-job', namespace: 'default' },
        spec: { parallelism: -1, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
      },
      [
        { field: 'spec.parallelism', message: 'Invalid value: -1: must be greater than or equal to 0' },
        { field: 'spec.template.spec.restartPolicy', message: 'Required value: valid values: "OnFailure", "Never"' },
      ],
    );
    assert.equal(await stored('Job', 'bad-job'), undefined);
  });

  test('CronJob: a bad schedule, an unknown time zone, a name too long for its Jobs', async () => {
    await refused(
      { ...cronJob, metadata: { name: 'bad-cron', namespace: 'default' }, spec: { ...cronJob.spec, schedule: '0 6 * *', timeZone: 'Europe/Atlantis' } },
      [
        { field: 'spec.schedule', message: 'Invalid value: "0 6 * *": expected exactly 5 fields, found 4: [0 6 * *]' },
        { field: 'spec.timeZone', message: 'Invalid value: "Europe/Atlantis": unknown time zone Europe/Atlantis' },
      ],
    );
    const long = 'c'.repeat(53);
    await refused({ ...cronJob, metadata: { name: long, namespace: 'default' } }, [
      { field: 'metadata.name', message: `Invalid value: "${long}": must be no more than 52 characters` },
    ]);
    assert.equal(await stored('CronJob', 'bad-cron'), undefined);
  });

  test('ControllerRevision: no data', async () => {
    await refused({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'empty', namespace: 'default' }, revision: 1 }, [
      { field: 'data', message: 'Required value: data is mandatory' },
    ]);
    assert.equal(await stored('ControllerRevision', 'empty'), undefined);
  });
});

describe('update rules', () => {
  test('a StatefulSet may scale and change its template, not its volumeClaimTemplates', async () => {
    const scaled = {
      ...statefulSet,
      spec: {
        ...statefulSet.spec,
        replicas: 4,
        template: {
          ...statefulSet.spec.template,
          spec: {
            ...statefulSet.spec.template.spec,
            containers: [{ ...statefulSet.spec.template.spec.containers[0], image: 'registry.k8s.io/nginx-slim:0.9' }],
          },
        },
      },
    };
    assert.equal((await apply(scaled)).errors, undefined);
    assert.equal((await read('statefulSet', 'web')).spec.replicas, 4);
    const bigger = {
      ...scaled,
      spec: {
        ...scaled.spec,
        volumeClaimTemplates: [
          {
            ...statefulSet.spec.volumeClaimTemplates[0],
            spec: { ...statefulSet.spec.volumeClaimTemplates[0].spec, resources: { requests: { storage: '2Gi' } } },
          },
        ],
      },
    };
    await refused(bigger, [
      {
        field: 'spec',
        message:
          "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      },
    ]);
    assert.equal((await read('statefulSet', 'web')).spec.volumeClaimTemplates[0].spec.resources.requests.storage, '1Gi');
  });

  test("a DaemonSet's template generation counts template changes", async () => {
    const before = await read('daemonSet', 'fluentd-elasticsearch');
    const relabeled = { ...daemonSet, metadata: { ...daemonSet.metadata, labels: { 'k8s-app': 'fluentd-logging', tier: 'node' } } };
    assert.equal((await apply(relabeled)).errors, undefined);
    assert.equal((await read('daemonSet', 'fluentd-elasticsearch')).metadata.annotations['deprecated.daemonset.template.generation'], '1');
    const spec = daemonSet.spec;
    const newImage = {
      ...relabeled,
      spec: {
        ...spec,
        template: {
          ...spec.template,
          spec: { ...spec.template.spec, containers: [{ ...spec.template.spec.containers[0], image: 'quay.io/fluentd_elasticsearch/fluentd:v2.6.0' }] },
        },
      },
    };
    assert.equal((await apply(newImage)).errors, undefined);
    const after = await read('daemonSet', 'fluentd-elasticsearch');
    assert.equal(after.metadata.annotations['deprecated.daemonset.template.generation'], '2');
    assert.equal(after.metadata.generation, before.metadata.generation + 1);
  });

  test("a Job's template is immutable", async () => {
    const changed = {
      ...jobManifest,
      spec: {
        ...jobManifest.spec,
        template: { spec: { ...jobManifest.spec.template.spec, containers: [{ ...jobManifest.spec.template.spec.containers[0], image: 'perl:5.36' }] } },
      },
    };
    await refused(changed, [{ field: 'spec.template', message: /: field is immutable$/ }]);
    assert.equal((await read('job', 'pi')).spec.template.spec.containers[0].image, 'perl:5.34.0');
  });

  test("a ControllerRevision's data is immutable", async () => {
    await refused({ ...controllerRevision, data: { spec: { template: { spec: { containers: [] } } } } }, [{ field: 'data', message: /: field is immutable$/ }]);
  });
});

describe("kubectl's columns (the table operation)", () => {
  test('StatefulSet, DaemonSet, Job, CronJob, ControllerRevision', async () => {
    const sts = await table('apps/v1', 'StatefulSet', 'web', true);
    assert.deepEqual(
      sts.columnDefinitions.map((c: Obj) => c.name),
      ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES'],
    );
    assert.deepEqual([sts.rows[0].cells[0], sts.rows[0].cells[1], ...sts.rows[0].cells.slice(3)], ['web', '0/4', 'nginx', 'registry.k8s.io/nginx-slim:0.9']);

    const ds = await table('apps/v1', 'DaemonSet', 'fluentd-elasticsearch');
    assert.deepEqual(
      ds.columnDefinitions.map((c: Obj) => c.name),
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
    );
    assert.deepEqual(ds.rows[0].cells.slice(0, 7), ['fluentd-elasticsearch', 0, 0, 0, 0, 0, 'kubernetes.io/os=linux']);

    const job = await table('batch/v1', 'Job', 'pi', true);
    assert.deepEqual(
      job.columnDefinitions.map((c: Obj) => c.name),
      ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
    );
    const uid = (await read('job', 'pi')).metadata.uid;
    const cells = job.rows[0].cells;
    assert.deepEqual(
      [...cells.slice(0, 4), ...cells.slice(5)],
      ['pi', 'Running', '0/1', '<none>', 'pi', 'perl:5.34.0', `batch.kubernetes.io/controller-uid=${uid}`],
    );

    const cron = await table('batch/v1', 'CronJob', 'hello');
    assert.deepEqual(
      cron.columnDefinitions.map((c: Obj) => c.name),
      ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
    );
    assert.deepEqual(cron.rows[0].cells.slice(0, 6), ['hello', '0 6 * * 1-5', 'Europe/Berlin', 'False', 0, '<none>']);

    const rev = await table('apps/v1', 'ControllerRevision', 'web-6d5c8b');
    assert.deepEqual(
      rev.columnDefinitions.map((c: Obj) => c.name),
      ['NAME', 'CONTROLLER', 'REVISION', 'AGE'],
    );
    assert.deepEqual(rev.rows[0].cells.slice(0, 3), ['web-6d5c8b', 'statefulset.apps/web', 1]);
  });
});
