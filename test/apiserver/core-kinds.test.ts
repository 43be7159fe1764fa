// The core/v1 kinds ConfigMap, Secret, PersistentVolume, PersistentVolumeClaim,
// ReplicationController, Endpoints, ResourceQuota, LimitRange and PodTemplate through the
// real apiserver: realistic manifests read back with every field they set (plus
// Kubernetes' defaults), invalid ones are refused with BAD_USER_INPUT and change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field of `expected` is in `actual` with the same value (objects field by field, arrays item by item, defaults allowed). */
function assertContains(actual: unknown, expected: unknown, path = ''): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path} has ${expected.length} items: ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => assertContains(actual[i], e, `${path}[${i}]`));
  } else if (isObject(expected)) {
    assert.ok(isObject(actual), `${path || 'the object'} is an object: ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertContains(actual[k], v, path ? `${path}.${k}` : k);
  } else {
    assert.deepEqual(actual, expected, `${path} reads back as written`);
  }
}

const APPLY = `mutation($m: JSON!) { apply(manifest: $m) { __typename } }`;
const APPLY_ALL = `mutation($ms: [JSON!]!) { applyAll(manifests: $ms) { __typename } }`;
const apply = (m: Json): Promise<GraphQLResponse> => t.gql(APPLY, { m });

/** The stored object as the API returns it (`manifest`), by its GraphQL object field. */
async function read(field: string, name: string, namespace: string | null = 'default'): Promise<Json | null> {
  const args = namespace ? `namespace: "${namespace}", name: "${name}"` : `name: "${name}"`;
  const res = await t.ok<Record<string, { manifest: Json } | null>>(`{ ${field}(${args}) { manifest } }`);
  return res[field]?.manifest ?? null;
}

/** The error of a refused write: BAD_USER_INPUT, with its causes. */
function refused(res: GraphQLResponse): { field: string; message: string }[] {
  assert.ok(res.errors?.length, `expected an error, got ${JSON.stringify(res.data)}`);
  const e = res.errors[0]!;
  assert.equal(e.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(e));
  assert.ok(e.extensions?.causes?.length, JSON.stringify(e));
  return e.extensions.causes!;
}

const ns = 'default';
const labels = { app: 'web' };
const podTemplate = { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } };

const MANIFESTS: Record<string, Json> = {
  configMap: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-config', namespace: ns, labels },
    data: { 'nginx.conf': 'server {\n  listen 80;\n}\n', LOG_LEVEL: 'info' },
    binaryData: { 'favicon.ico': 'AAABAAEAEBA=' },
  },
  secret: {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-credentials', namespace: ns },
    type: 'kubernetes.io/basic-auth',
    data: { username: 'YWRtaW4=' },
    stringData: { password: 'correct horse battery staple' },
  },
  persistentVolume: {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-local-1', labels: { type: 'local' } },
    spec: { storageClassName: 'manual', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/data' } },
  },
  persistentVolumeClaim: {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'web-data', namespace: ns },
    spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '3Gi' } } },
  },
  replicationController: {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'nginx', namespace: ns },
    spec: { replicas: 3, template: podTemplate },
  },
  endpoints: {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'external-db', namespace: ns },
    subsets: [
      {
        addresses: [{ ip: '192.0.2.42' }],
        ports: [
          { name: 'postgres', port: 5432 },
          { name: 'metrics', port: 9187, protocol: 'TCP' },
        ],
      },
    ],
  },
  resourceQuota: {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'compute-resources', namespace: ns },
    spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi', pods: '10' } },
  },
  limitRange: {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'cpu-limit-range', namespace: ns },
    spec: { limits: [{ type: 'Container', default: { cpu: '1' }, defaultRequest: { cpu: '500m' }, max: { cpu: '2' }, min: { cpu: '100m' } }] },
  },
  podTemplate: {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name: 'batch-worker', namespace: ns, labels: { role: 'worker' } },
    template: {
      metadata: { labels: { role: 'worker' } },
      spec: { containers: [{ name: 'worker', image: 'busybox:1.36', command: ['sh', '-c', 'echo hi'] }], restartPolicy: 'Never' },
    },
  },
};
const namespaced = (field: string): boolean => field !== 'persistentVolume';
const without = (o: Json, ...keys: string[]): Json => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('the core/v1 kinds through the apiserver', () => {
  test("realistic manifests are applied together and read back unchanged, with Kubernetes' defaults", async () => {
    const res = await t.ok<{ applyAll: { __typename: string }[] }>(APPLY_ALL, { ms: Object.values(MANIFESTS) });
    assert.deepEqual(
      res.applyAll.map((r) => r.__typename),
      Object.values(MANIFESTS).map((m) => m.kind),
    );

    for (const [field, manifest] of Object.entries(MANIFESTS)) {
      const m = manifest.metadata as { name: string };
      const got = await read(field, m.name, namespaced(field) ? ns : null);
      assert.ok(got, `${field} ${m.name} exists`);
      // stringData is folded into data: checked below.
      assertContains(got, field === 'secret' ? without(manifest, 'stringData') : manifest, field);
    }

    const secret = (await read('secret', 'db-credentials'))!;
    assert.deepEqual(secret.data, { username: 'YWRtaW4=', password: Buffer.from('correct horse battery staple').toString('base64') });
    assert.equal('stringData' in secret, false, 'stringData is never stored or returned');
    assert.equal('stringData' in (await t.server.registry.get('Secret', ns, 'db-credentials'))!, false);

    const pv = (await read('persistentVolume', 'pv-local-1', null))!;
    assertContains(pv, { spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { type: '' } }, status: { phase: 'Pending' } });
    assert.match(String((pv.status as Json).lastPhaseTransitionTime), /Z$/);
    assertContains(await read('persistentVolumeClaim', 'web-data'), { spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });

    const rc = (await read('replicationController', 'nginx'))!;
    assertContains(rc, {
      metadata: { labels },
      spec: { selector: labels, template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' } } },
      status: {},
    });
    assertContains(await read('endpoints', 'external-db'), {
      subsets: [
        {
          addresses: [{ ip: '192.0.2.42' }],
          ports: [
            { name: 'postgres', port: 5432, protocol: 'TCP' },
            { name: 'metrics', port: 9187, protocol: 'TCP' },
          ],
        },
      ],
    });
    assertContains(await read('podTemplate', 'batch-worker'), {
      template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' } },
    });

    // A LimitRange's defaults, from max and min.
    await t.ok(APPLY, {
      m: {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'mem', namespace: ns },
        spec: { limits: [{ type: 'Container', max: { memory: '1Gi' }, min: { memory: '64Mi' } }] },
      },
    });
    assertContains(await read('limitRange', 'mem'), {
      spec: { limits: [{ type: 'Container', max: { memory: '1Gi' }, min: { memory: '64Mi' }, default: { memory: '1Gi' }, defaultRequest: { memory: '1Gi' } }] },
    });

    // The list fields, Endpoints' as API.md names it.
    const lists = await t.ok<Record<string, { items: unknown[] }>>(
      `{ endpointsList(namespace: "default") { items { metadata { name } } } configMaps(namespace: "default") { items { metadata { name } } } persistentVolumes { items { metadata { name } } } }`,
    );
    assert.ok(lists.endpointsList!.items.length >= 1);
    assert.ok(lists.configMaps!.items.length >= 1);
    assert.ok(lists.persistentVolumes!.items.length >= 1);
  });

  test("invalid manifests are refused with Kubernetes' causes and write nothing", async () => {
    const before = await t.server.store.currentRevision();
    const cases: Array<[Json, string, string]> = [
      [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad-b64', namespace: ns }, data: { key: 'not*base64' } },
        'data[key]',
        'Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
      ],
      [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad-tls', namespace: ns }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'x' } },
        'data[tls.key]',
        'Required value',
      ],
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad-key', namespace: ns }, data: { 'a b': 'x' } }, 'data[a b]', 'Invalid value: "a b"'],
      [
        { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'bad-pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } },
        'spec',
        'Required value: must specify a volume type',
      ],
      [
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bad-pvc', namespace: ns }, spec: { accessModes: ['ReadWriteOnce'] } },
        'spec.resources[storage]',
        'Required value',
      ],
      [
        {
          apiVersion: 'v1',
          kind: 'ReplicationController',
          metadata: { name: 'bad-rc', namespace: ns },
          spec: { selector: { app: 'db' }, template: podTemplate },
        },
        'spec.template.metadata.labels',
        'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ],
      [
        { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'bad-ep', namespace: ns }, subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] },
        'subsets[0].addresses[0].ip',
        'Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
      [
        { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'bad-quota', namespace: ns }, spec: { hard: { pods: '-1' } } },
        'spec.hard[pods]',
        'Invalid value: "-1": must be greater than or equal to 0',
      ],
      [
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'bad-lr', namespace: ns },
          spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] },
        },
        'spec.limits[0].min[cpu]',
        'min value 2 is greater than max value 1',
      ],
      [
        { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'bad-pt', namespace: ns }, template: { spec: { containers: [{ name: 'x' }] } } },
        'template.spec.containers[0].image',
        'Required value',
      ],
    ];
    for (const [manifest, field, message] of cases) {
      const causes = refused(await apply(manifest));
      assert.ok(
        causes.some((c) => c.field === field && c.message.includes(message)),
        `${manifest.kind}: ${field}: ${message} in ${JSON.stringify(causes)}`,
      );
    }
    assert.equal(await t.server.store.currentRevision(), before, 'nothing was written');
  });

  test('an immutable ConfigMap or Secret refuses changes of its data and of immutable; the stored object stays', async () => {
    await t.ok(APPLY, { m: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen', namespace: ns }, data: { a: '1' }, immutable: true } });
    const causes = refused(
      await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen', namespace: ns }, data: { a: '2' }, immutable: true }),
    );
    assert.deepEqual(
      causes.map((c) => `${c.field}: ${c.message}`),
      ['data: Forbidden: field is immutable when `immutable` is set'],
    );
    const unset = refused(
      await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen', namespace: ns }, data: { a: '1' }, immutable: false }),
    );
    assert.deepEqual(
      unset.map((c) => c.field),
      ['immutable'],
    );
    assertContains(await read('configMap', 'frozen'), { data: { a: '1' }, immutable: true });

    await t.ok(APPLY, { m: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'frozen', namespace: ns }, stringData: { token: 'one' }, immutable: true } });
    const secretCauses = refused(
      await apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'frozen', namespace: ns }, stringData: { token: 'two' }, immutable: true }),
    );
    assert.deepEqual(
      secretCauses.map((c) => c.field),
      ['data'],
    );
    assert.deepEqual((await read('secret', 'frozen'))!.data, { token: 'b25l' });
    // Re-applying the same manifest is no change.
    await t.ok(APPLY, { m: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'frozen', namespace: ns }, stringData: { token: 'one' }, immutable: true } });
  });

  test("a Secret's type may not change; stringData updates data on patch too", async () => {
    await t.ok(APPLY, { m: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'typed', namespace: ns }, stringData: { a: 'x' } } });
    const causes = refused(
      await apply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'typed', namespace: ns },
        type: 'kubernetes.io/ssh-auth',
        stringData: { a: 'x', 'ssh-privatekey': 'k' },
      }),
    );
    assert.ok(
      causes.some((c) => c.field === 'type' && c.message === 'Invalid value: "kubernetes.io/ssh-auth": field is immutable'),
      JSON.stringify(causes),
    );
    await t.ok(`mutation { patchSecret(namespace: "default", name: "typed", patch: { stringData: { b: "y" } }) { metadata { name } } }`);
    const got = (await read('secret', 'typed'))!;
    assert.deepEqual(got.data, { a: 'eA==', b: 'eQ==' });
    assert.equal(got.type, 'Opaque');
    assert.equal('stringData' in got, false);
  });

  test("a claim's spec is immutable after creation; setting volumeName once is allowed", async () => {
    const claim = MANIFESTS.persistentVolumeClaim!;
    const changed = { ...claim, spec: { ...(claim.spec as Json), accessModes: ['ReadWriteMany'] } };
    const causes = refused(await apply(changed));
    assert.deepEqual(
      causes.map((c) => `${c.field}: ${c.message}`),
      ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'],
    );
    await t.ok(
      `mutation { patchPersistentVolumeClaim(namespace: "default", name: "web-data", patch: { spec: { volumeName: "pv-local-1" } }) { metadata { name } } }`,
    );
    assertContains(await read('persistentVolumeClaim', 'web-data'), { spec: { volumeName: 'pv-local-1', accessModes: ['ReadWriteOnce'] } });
    const again = refused(
      await t.gql(
        `mutation { patchPersistentVolumeClaim(namespace: "default", name: "web-data", patch: { spec: { volumeName: "other" } }) { metadata { name } } }`,
      ),
    );
    assert.equal(again[0]!.field, 'spec');
  });

  test("a volume's source is immutable; its reclaim policy may change", async () => {
    const causes = refused(
      await t.gql(`mutation { patchPersistentVolume(name: "pv-local-1", patch: { spec: { hostPath: { path: "/elsewhere" } } }) { metadata { name } } }`),
    );
    assert.deepEqual(
      causes.map((c) => c.field),
      ['spec.persistentvolumesource'],
    );
    await t.ok(`mutation { patchPersistentVolume(name: "pv-local-1", patch: { spec: { persistentVolumeReclaimPolicy: "Delete" } }) { metadata { name } } }`);
    assertContains(await read('persistentVolume', 'pv-local-1', null), { spec: { persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/mnt/data' } } });
  });

  test("kubectl's columns through the table operation", async () => {
    const table = async (kind: string, namespace: string | null = ns) => {
      const nsArg = namespace ? `, namespace: "${namespace}"` : '';
      const res = await t.ok<{ table: { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] } }>(
        `{ table(apiVersion: "v1", kind: "${kind}"${nsArg}) { columnDefinitions { name } rows { cells } } }`,
      );
      return { columns: res.table.columnDefinitions.map((c) => c.name), rows: res.table.rows.map((r) => r.cells) };
    };
    const secrets = await table('Secret');
    assert.deepEqual(secrets.columns, ['NAME', 'TYPE', 'DATA', 'AGE']);
    assert.deepEqual(secrets.rows.find((r) => r[0] === 'db-credentials')!.slice(0, 3), ['db-credentials', 'kubernetes.io/basic-auth', 2]);
    const pvs = await table('PersistentVolume', null);
    assert.deepEqual(pvs.rows.find((r) => r[0] === 'pv-local-1')!.slice(0, 8), [
      'pv-local-1',
      '10Gi',
      'RWO',
      'Delete',
      'Pending',
      '<none>',
      'manual',
      '<unset>',
    ]);
    const rcs = await table('ReplicationController');
    assert.deepEqual(rcs.rows.find((r) => r[0] === 'nginx')!.slice(0, 4), ['nginx', 3, 0, 0]);
    const quotas = await table('ResourceQuota');
    assert.deepEqual(quotas.columns, ['NAME', 'AGE', 'REQUEST', 'LIMIT']);
    const eps = await table('Endpoints');
    assert.equal(eps.rows.find((r) => r[0] === 'external-db')![1], '192.0.2.42:5432,192.0.2.42:9187');
  });
});
