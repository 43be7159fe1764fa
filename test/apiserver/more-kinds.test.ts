// HorizontalPodAutoscaler (autoscaling/v1 accepted), PodDisruptionBudget, Ingress,
// IngressClass, NetworkPolicy, StorageClass and CustomResourceDefinition through the real
// apiserver: realistic manifests read back unchanged (plus Kubernetes' defaults), invalid
// ones are refused with causes and change nothing, immutable fields stay, kubectl's columns.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const APPLY = `mutation($m: JSON!) { apply(manifest: $m) { __typename } }`;
const APPLY_ALL = `mutation($ms: [JSON!]!) { applyAll(manifests: $ms) { __typename } }`;
const apply = (m: Json): Promise<GraphQLResponse> => t.gql(APPLY, { m });

/** The object's `manifest`, by the kind's singular query field; null when absent. */
async function manifest(singular: string, name: string, namespace?: string): Promise<Json | null> {
  const args = namespace ? `namespace: "${namespace}", name: "${name}"` : `name: "${name}"`;
  const res = await t.ok<Json>(`{ ${singular}(${args}) { manifest } }`);
  return res[singular]?.manifest ?? null;
}

/** The written metadata is kept (the server adds its own fields beside it). */
function assertMetadataKept(actual: Json, written: Json): void {
  assert.equal(actual.name, written.name);
  if (written.namespace) assert.equal(actual.namespace, written.namespace);
  for (const [k, v] of Object.entries(written.labels ?? {})) assert.equal(actual.labels?.[k], v, `label ${k}`);
  for (const [k, v] of Object.entries(written.annotations ?? {})) assert.equal(actual.annotations?.[k], v, `annotation ${k}`);
}

/** A refusal: BAD_USER_INPUT whose causes include `expected` (a `field: message` line). */
function assertRefused(res: GraphQLResponse, expected: string): void {
  assert.ok(res.errors?.length, `expected a refusal, got ${JSON.stringify(res.data)}`);
  const e = res.errors[0]!;
  assert.equal(e.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(e));
  const lines = (e.extensions?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  assert.ok(
    lines.some((l) => l === expected || l.endsWith(`.${expected}`)),
    `${expected}\nnot among\n${lines.join('\n')}`,
  );
}

const ns = 'default';

// ---- realistic manifests ----------------------------------------------------------

const hpaV2 = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } },
  },
};
const hpaV1 = (target: number): Json => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'php-apache', namespace: ns },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache' },
    minReplicas: 1,
    maxReplicas: 10,
    targetCPUUtilizationPercentage: target,
  },
});
const pdb = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'zk-pdb', namespace: ns },
  spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'zookeeper' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
};
const ingress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'tls-example-ingress', namespace: ns, annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
  spec: {
    ingressClassName: 'external-lb',
    tls: [{ hosts: ['https-example.foo.com'], secretName: 'testsecret-tls' }],
    rules: [
      { host: 'https-example.foo.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'service1', port: { number: 80 } } } }] } },
      { host: '*.foo.com', http: { paths: [{ path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'http' } } } }] } },
    ],
  },
};
const ingressClass = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'external-lb', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
  spec: { controller: 'example.com/ingress-controller', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } },
};
const netpol = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'test-network-policy', namespace: ns },
  spec: {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
          { namespaceSelector: { matchLabels: { project: 'myproject' } } },
          { podSelector: { matchLabels: { role: 'frontend' } } },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ port: 32000, endPort: 32768 }] }],
  },
};
const storageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast-ssd' },
  provisioner: 'ebs.csi.aws.com',
  parameters: { type: 'gp3', 'csi.storage.k8s.io/fstype': 'ext4' },
  allowVolumeExpansion: true,
  mountOptions: ['debug'],
  allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['us-east-1a'] }] }],
};
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' }, image: { type: 'string' }, replicas: { type: 'integer' } } } },
          },
        },
        additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }],
      },
    ],
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
  },
};

describe('realistic manifests read back with every field they set, plus the defaults', () => {
  before(async () => {
    await t.ok(APPLY_ALL, { ms: [hpaV2, hpaV1(50), pdb, ingressClass, ingress, netpol, storageClass, crd] });
  });

  test('HorizontalPodAutoscaler v2: the scaling rules of its behavior are filled in', async () => {
    const m = (await manifest('horizontalPodAutoscaler', 'web', ns))!;
    assert.equal(m.apiVersion, 'autoscaling/v2');
    assertMetadataKept(m.metadata, hpaV2.metadata);
    assert.deepEqual(m.spec, {
      ...hpaV2.spec,
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ],
        },
      },
    });
    assert.deepEqual(m.status, { desiredReplicas: 0 });
  });

  test('HorizontalPodAutoscaler written as autoscaling/v1 is served as v2; applying it again updates the metric', async () => {
    let m = (await manifest('horizontalPodAutoscaler', 'php-apache', ns))!;
    assert.equal(m.apiVersion, 'autoscaling/v2');
    const { targetCPUUtilizationPercentage: _, ...rest } = hpaV1(50).spec;
    assert.deepEqual(m.spec, { ...rest, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] });
    const res = await apply(hpaV1(60));
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    m = (await manifest('horizontalPodAutoscaler', 'php-apache', ns))!;
    assert.deepEqual(m.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    assert.equal(m.spec.targetCPUUtilizationPercentage, undefined);
  });

  test('PodDisruptionBudget, with its zero counters', async () => {
    const m = (await manifest('podDisruptionBudget', 'zk-pdb', ns))!;
    assert.equal(m.apiVersion, 'policy/v1');
    assert.deepEqual(m.spec, pdb.spec);
    assert.deepEqual(m.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  });

  test('Ingress, with an empty load balancer status', async () => {
    const m = (await manifest('ingress', 'tls-example-ingress', ns))!;
    assertMetadataKept(m.metadata, ingress.metadata);
    assert.deepEqual(m.spec, ingress.spec);
    assert.deepEqual(m.status, { loadBalancer: {} });
  });

  test('IngressClass: parameters scoped to the cluster, no status', async () => {
    const m = (await manifest('ingressClass', 'external-lb'))!;
    assertMetadataKept(m.metadata, ingressClass.metadata);
    assert.equal(m.metadata.namespace, undefined);
    assert.deepEqual(m.spec, { ...ingressClass.spec, parameters: { ...ingressClass.spec.parameters, scope: 'Cluster' } });
    assert.equal(m.status, undefined);
  });

  test('NetworkPolicy: a port without protocol is TCP', async () => {
    const m = (await manifest('networkPolicy', 'test-network-policy', ns))!;
    assert.deepEqual(m.spec, { ...netpol.spec, egress: [{ ...netpol.spec.egress[0], ports: [{ port: 32000, endPort: 32768, protocol: 'TCP' }] }] });
    assert.equal(m.status, undefined);
  });

  test('StorageClass: reclaimPolicy Delete and volumeBindingMode Immediate', async () => {
    const m = (await manifest('storageClass', 'fast-ssd'))!;
    const { apiVersion, kind, metadata, ...fields } = storageClass;
    assert.deepEqual([m.apiVersion, m.kind], [apiVersion, kind]);
    assertMetadataKept(m.metadata, metadata);
    const { apiVersion: _a, kind: _k, metadata: _m, ...stored } = m;
    assert.deepEqual(stored, { ...fields, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
  });

  test('CustomResourceDefinition: listKind, conversion None, the storage version stored', async () => {
    const m = (await manifest('customResourceDefinition', 'crontabs.stable.example.com'))!;
    assert.deepEqual(m.spec, { ...crd.spec, names: { ...crd.spec.names, listKind: 'CronTabList' }, conversion: { strategy: 'None' } });
    assert.deepEqual(m.status.storedVersions, ['v1']);
  });

  test("kubectl's columns through table", async () => {
    const rowOf = async (apiVersion: string, kind: string, name: string, namespace?: string): Promise<unknown[]> => {
      const nsArg = namespace ? `, namespace: "${namespace}"` : '';
      const { table } = await t.ok<Json>(`{ table(apiVersion: "${apiVersion}", kind: "${kind}"${nsArg}) { columnDefinitions { name } rows { cells } } }`);
      const row = table.rows.find((r: { cells: unknown[] }) => String(r.cells[0]).split(' ')[0] === name);
      assert.ok(row, `${kind} ${name} has a row`);
      return [table.columnDefinitions.map((c: { name: string }) => c.name), row.cells.slice(0, -1)]; // AGE varies
    };
    assert.deepEqual(await rowOf('autoscaling/v2', 'HorizontalPodAutoscaler', 'web', ns), [
      ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
      ['web', 'Deployment/web', 'cpu: <unknown>/70%, memory: <unknown>/500Mi', '2', 10, 0],
    ]);
    assert.deepEqual(await rowOf('policy/v1', 'PodDisruptionBudget', 'zk-pdb', ns), [
      ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
      ['zk-pdb', 'N/A', '1', 0],
    ]);
    assert.deepEqual(await rowOf('networking.k8s.io/v1', 'Ingress', 'tls-example-ingress', ns), [
      ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
      ['tls-example-ingress', 'external-lb', 'https-example.foo.com,*.foo.com', '<none>', '80, 443'],
    ]);
    assert.deepEqual(await rowOf('networking.k8s.io/v1', 'IngressClass', 'external-lb'), [
      ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'],
      ['external-lb', 'example.com/ingress-controller', 'IngressParameters.k8s.example.com/external-lb'],
    ]);
    assert.deepEqual(await rowOf('networking.k8s.io/v1', 'NetworkPolicy', 'test-network-policy', ns), [
      ['NAME', 'POD-SELECTOR', 'AGE'],
      ['test-network-policy', 'role=db'],
    ]);
    assert.deepEqual(await rowOf('storage.k8s.io/v1', 'StorageClass', 'fast-ssd'), [
      ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
      ['fast-ssd', 'ebs.csi.aws.com', 'Delete', 'Immediate', 'true'],
    ]);
    const { table } = await t.ok<Json>(
      `{ table(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition") { columnDefinitions { name type } rows { cells } } }`,
    );
    assert.deepEqual(table.columnDefinitions, [
      { name: 'NAME', type: 'string' },
      { name: 'CREATED AT', type: 'date' },
    ]);
    assert.ok(table.rows.some((r: { cells: unknown[] }) => r.cells[0] === 'crontabs.stable.example.com' && /^\d{4}-\d\d-\d\dT/.test(String(r.cells[1]))));
  });
});

describe('invalid manifests are refused with causes and change nothing', () => {
  const cases: Array<[string, Json, string, string | undefined]> = [
    [
      'horizontalPodAutoscaler',
      { ...hpaV2, metadata: { name: 'bad-hpa', namespace: ns }, spec: { ...hpaV2.spec, minReplicas: 0 } },
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      ns,
    ],
    [
      'horizontalPodAutoscaler',
      { ...hpaV1(50), metadata: { name: 'bad-v1', namespace: ns }, spec: { maxReplicas: 3, targetCPUUtilizationPercentage: 0 } },
      'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
      ns,
    ],
    [
      'podDisruptionBudget',
      { ...pdb, metadata: { name: 'bad-pdb', namespace: ns }, spec: { minAvailable: 1, maxUnavailable: 1 } },
      'spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
      ns,
    ],
    [
      'ingress',
      {
        ...ingress,
        metadata: { name: 'bad-ing', namespace: ns },
        spec: { rules: [{ host: 'foo.com', http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }] },
      },
      'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
      ns,
    ],
    [
      'ingressClass',
      { ...ingressClass, metadata: { name: 'bad-class' }, spec: { controller: 'nginx' } },
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
      undefined,
    ],
    [
      'networkPolicy',
      { ...netpol, metadata: { name: 'bad-netpol', namespace: ns }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] } },
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": not a valid CIDR',
      ns,
    ],
    [
      'storageClass',
      { ...storageClass, metadata: { name: 'bad-sc' }, reclaimPolicy: 'Recycle' },
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
      undefined,
    ],
    [
      'customResourceDefinition',
      { ...crd, metadata: { name: 'crontabs.example.com' } },
      'metadata.name: Invalid value: "crontabs.example.com": must be spec.names.plural+"."+spec.group',
      undefined,
    ],
    [
      'customResourceDefinition',
      {
        ...crd,
        metadata: { name: 'widgets.stable.example.com' },
        spec: {
          ...crd.spec,
          names: { plural: 'widgets', kind: 'Widget' },
          conversion: { strategy: 'Webhook', webhook: { clientConfig: { url: 'https://convert.example.com' }, conversionReviewVersions: ['v1'] } },
        },
      },
      'spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None": kubeql does not run conversion webhooks',
      undefined,
    ],
  ];
  for (const [singular, m, expected, namespace] of cases) {
    test(`${m.kind} ${m.metadata.name}: ${expected.split(':')[0]}`, async () => {
      const before = await t.server.store.currentRevision();
      assertRefused(await apply(m), expected);
      assert.equal(await manifest(singular, m.metadata.name, namespace), null);
      assert.equal(await t.server.store.currentRevision(), before, 'nothing was written');
    });
  }

  test('a batch with one invalid manifest writes nothing', async () => {
    const good = { ...pdb, metadata: { name: 'batch-pdb', namespace: ns } };
    const bad = { ...storageClass, metadata: { name: 'batch-sc' }, volumeBindingMode: 'Later' };
    const res = await t.gql(APPLY_ALL, { ms: [good, bad] });
    assertRefused(res, 'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"');
    assert.equal(await manifest('podDisruptionBudget', 'batch-pdb', ns), null);
  });

  test('removed apiVersions are refused as Kubernetes 1.30 refuses them', async () => {
    for (const [m, version] of [
      [{ ...pdb, apiVersion: 'policy/v1beta1' }, 'policy/v1beta1'],
      [{ ...hpaV2, apiVersion: 'autoscaling/v2beta2' }, 'autoscaling/v2beta2'],
      [{ ...ingress, apiVersion: 'extensions/v1beta1' }, 'extensions/v1beta1'],
    ] as const) {
      const res = await apply(m);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(res));
      assert.equal(res.errors![0]!.message, `no matches for kind "${m.kind}" in version "${version}"`);
    }
  });
});

describe('immutable fields', () => {
  test("a StorageClass's provisioner, parameters, reclaimPolicy and binding mode; its labels may change", async () => {
    const sc = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'slow' },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
    };
    await t.ok(APPLY, { m: sc });
    assertRefused(await apply({ ...sc, provisioner: 'ebs.csi.aws.com' }), 'provisioner: Forbidden: updates to provisioner are forbidden.');
    assertRefused(await apply({ ...sc, reclaimPolicy: 'Retain' }), 'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.');
    assertRefused(await apply({ ...sc, volumeBindingMode: 'Immediate' }), 'volumeBindingMode: Invalid value: "Immediate": field is immutable');
    assertRefused(await apply({ ...sc, parameters: { type: 'x' } }), 'parameters: Forbidden: updates to parameters are forbidden.');
    await t.ok(APPLY, { m: { ...sc, metadata: { name: 'slow', labels: { tier: 'archive' } } } });
    const m = (await manifest('storageClass', 'slow'))!;
    assert.deepEqual(
      [m.provisioner, m.reclaimPolicy, m.volumeBindingMode, m.metadata.labels],
      ['kubernetes.io/no-provisioner', 'Delete', 'WaitForFirstConsumer', { tier: 'archive' }],
    );
  });

  test("an IngressClass's controller; a CustomResourceDefinition's group; a new storage version is stored", async () => {
    const ic = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'haproxy' },
      spec: { controller: 'haproxy.org/ingress-controller' },
    };
    await t.ok(APPLY, { m: ic });
    assertRefused(await apply({ ...ic, spec: { controller: 'example.com/other' } }), 'spec.controller: Invalid value: "example.com/other": field is immutable');
    const widgets = { ...crd, metadata: { name: 'gadgets.stable.example.com' }, spec: { ...crd.spec, names: { plural: 'gadgets', kind: 'Gadget' } } };
    await t.ok(APPLY, { m: widgets });
    // The name (immutable) is <plural>.<group>, so a new group is first a wrong name.
    assertRefused(
      await apply({ ...widgets, spec: { ...widgets.spec, group: 'other.example.com' } }),
      'metadata.name: Invalid value: "gadgets.stable.example.com": must be spec.names.plural+"."+spec.group',
    );
    // A second version may be added and become the storage version; both stay stored.
    const v2 = { ...widgets.spec.versions[0]!, name: 'v2' };
    await t.ok(APPLY, { m: { ...widgets, spec: { ...widgets.spec, versions: [{ ...widgets.spec.versions[0]!, storage: false }, v2] } } });
    assert.deepEqual((await manifest('customResourceDefinition', 'gadgets.stable.example.com'))!.status.storedVersions, ['v1', 'v2']);
  });
});
