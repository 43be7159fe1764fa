// HorizontalPodAutoscaler, PodDisruptionBudget, Ingress, IngressClass, NetworkPolicy,
// StorageClass and CustomResourceDefinition: validation, defaults, the autoscaling/v1
// conversion and kubectl's columns, through each kind's strategy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { strategyFor } from '../../src/apis/strategies/index.ts';
import { columnsOf, printRow, type Strategy } from '../../src/apis/strategy.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const strategy = (kind: string): Strategy => {
  const s = strategyFor(kind);
  assert.ok(s, `${kind} is served`);
  return s;
};
/** What a create does to the object before validation: convert, prepare, default. */
function prepared(obj: Json): KubeObject {
  const o = structuredClone(obj) as KubeObject;
  const s = strategy(o.kind);
  if (s.info.acceptedVersions.includes(o.apiVersion)) s.convert(o);
  s.prepareForCreate(o);
  s.defaults(o);
  return o;
}
const causes = (obj: Json): string[] =>
  strategy(obj.kind)
    .validate(prepared(obj))
    .map((c) => `${c.field}: ${c.message}`);
const updateCauses = (n: Json, o: Json): string[] =>
  strategy(n.kind)
    .validateUpdate(prepared(n), prepared(o))
    .map((c) => `${c.field}: ${c.message}`);
const valid = (obj: Json): void => assert.deepEqual(causes(obj), []);
const NOW = new Date('2024-05-01T12:00:00Z');
const row = (obj: Json, wide = false): unknown[] => {
  const o = prepared(obj);
  o.metadata.creationTimestamp = '2024-05-01T11:00:00Z';
  return printRow(columnsOf(strategy(o.kind), wide), o, NOW);
};
const headers = (kind: string): string[] => columnsOf(strategy(kind)).map((c) => c.name);

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

// ---- HorizontalPodAutoscaler ------------------------------------------------------

const hpa = (spec: Json = {}, apiVersion = 'autoscaling/v2'): Json => ({
  apiVersion,
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, ...spec },
});
const cpu = (n: number): Json => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });

describe('HorizontalPodAutoscaler', () => {
  test('discovery: autoscaling/v2, hpa, the all category, autoscaling/v1 accepted', () => {
    const { info } = strategy('HorizontalPodAutoscaler');
    assert.equal(info.apiVersion, 'autoscaling/v2');
    assert.equal(info.plural, 'horizontalPodAutoscalers');
    assert.deepEqual(
      [info.shortNames, info.categories, info.acceptedVersions, info.namespaced, info.hasStatus],
      [['hpa'], ['all'], ['autoscaling/v1'], true, true],
    );
  });

  test('an autoscaling/v1 object becomes v2: targetCPUUtilizationPercentage is a cpu Utilization metric', () => {
    const v1 = hpa({ targetCPUUtilizationPercentage: 50 }, 'autoscaling/v1');
    v1.status = { currentReplicas: 3, desiredReplicas: 3, currentCPUUtilizationPercentage: 42 };
    const o = structuredClone(v1) as KubeObject;
    strategy('HorizontalPodAutoscaler').convert(o);
    assert.equal(o.apiVersion, 'autoscaling/v2');
    assert.deepEqual(o.spec, {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [cpu(50)],
    });
    assert.deepEqual(o.status, {
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42 } } }],
    });
    // without a target, v2's default (80 %) applies
    assert.deepEqual(prepared(hpa({}, 'autoscaling/v1')).spec!.metrics, [cpu(80)]);
    valid(hpa({ targetCPUUtilizationPercentage: 50 }, 'autoscaling/v1'));
  });

  test('defaults: minReplicas 1, the cpu 80 % metric, both scaling rules of a behavior', () => {
    const o = prepared({
      ...hpa(),
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
    });
    assert.equal(o.spec!.minReplicas, 1);
    assert.deepEqual(o.spec!.metrics, [cpu(80)]);
    assert.deepEqual(o.spec!.behavior, {
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
    });
    assert.deepEqual(o.status, { desiredReplicas: 0 });
    const again = structuredClone(o);
    strategy('HorizontalPodAutoscaler').defaults(again);
    assert.deepEqual(again, o, 'idempotent');
    const given = prepared(hpa({ metrics: [cpu(60)] }));
    assert.deepEqual(given.spec!.metrics, [cpu(60)]);
    assert.equal(given.spec!.behavior, undefined, 'no behavior, none added');
  });

  test('a realistic v2 autoscaler is valid', () => {
    valid(
      hpa({
        metrics: [
          cpu(70),
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
          {
            type: 'Object',
            object: {
              metric: { name: 'requests-per-second' },
              describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
              target: { type: 'Value', value: '10k' },
            },
          },
          {
            type: 'External',
            external: {
              metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'worker_tasks' } } },
              target: { type: 'AverageValue', averageValue: '30' },
            },
          },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'application', target: { type: 'Utilization', averageUtilization: 60 } } },
        ],
        behavior: {
          scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
          scaleUp: { selectPolicy: 'Disabled' },
        },
      }),
    );
  });

  test('replica bounds and the scale target, with Kubernetes messages', () => {
    assert.deepEqual(causes(hpa({ minReplicas: 0, maxReplicas: 0, scaleTargetRef: { kind: 'Deployment' } })), [
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.scaleTargetRef.name: Required value',
    ]);
    assert.deepEqual(causes(hpa({ minReplicas: 5, maxReplicas: 3, scaleTargetRef: { name: 'a/b' } })), [
      'spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`',
      'spec.scaleTargetRef.kind: Required value',
      'spec.scaleTargetRef.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
    assert.deepEqual(causes({ ...hpa(), spec: undefined }), [
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.scaleTargetRef.kind: Required value',
      'spec.scaleTargetRef.name: Required value',
    ]);
  });

  test('metrics: a supported type, its source alone, the targets it needs', () => {
    assert.deepEqual(
      causes(
        hpa({
          metrics: [
            { type: 'Resource' },
            { type: 'Cpu' },
            { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '-1' } } },
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0, averageValue: '1' } }, pods: {} },
            { type: 'Resource', resource: { target: { type: 'Percent' } } },
            { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '1', averageValue: '1' } } },
          ],
        }),
      ),
      [
        'spec.metrics[0].resource: Required value: must populate information for the given metric source',
        'spec.metrics[1].type: Unsupported value: "Cpu": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
        'spec.metrics[2].pods.target.averageValue: Invalid value: "-1": must be positive',
        'spec.metrics[3].pods.metric.name: Required value: must specify a metric name',
        'spec.metrics[3].pods.target.type: Required value: must specify a metric target type',
        'spec.metrics[3].pods.target.type: Invalid value: "": must be either Utilization, Value, or AverageValue',
        'spec.metrics[3].pods.target.averageValue: Required value: must specify a positive target averageValue',
        'spec.metrics[3].pods: Forbidden: must populate the given metric source only',
        'spec.metrics[4].resource.name: Required value: must specify a resource name',
        'spec.metrics[4].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue',
        'spec.metrics[4].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
        'spec.metrics[5].external.target.value: Forbidden: may not set both a target value for metric and a per-pod target',
      ],
    );
    assert.deepEqual(
      causes(hpa({ metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0, averageValue: '1' } } }] })),
      [
        'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
        'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
      ],
    );
  });

  test('behavior: windows, select policies, policies', () => {
    assert.deepEqual(
      causes(
        hpa({
          behavior: {
            scaleDown: { stabilizationWindowSeconds: 4000, selectPolicy: 'Fast', policies: [{ type: 'Count', value: 0, periodSeconds: 2000 }] },
            scaleUp: { stabilizationWindowSeconds: -1, policies: [] },
          },
        }),
      ),
      [
        'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: -1: must be greater than or equal to zero',
        'spec.behavior.scaleUp.policies: Required value: must specify at least one Policy',
        'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
        'spec.behavior.scaleDown.selectPolicy: Unsupported value: "Fast": supported values: "Disabled", "Max", "Min"',
        'spec.behavior.scaleDown.policies[0].type: Unsupported value: "Count": supported values: "Percent", "Pods"',
        'spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero',
        'spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800',
      ],
    );
  });

  test('wrong shapes are causes, never throws', () => {
    assert.deepEqual(causes(hpa({ minReplicas: '2', metrics: [7], behavior: 'fast' })), [
      'spec.minReplicas: Invalid value: "2": must be of type integer',
      'spec.metrics[0]: Invalid value: 7: must be of type object',
      'spec.behavior: Invalid value: "fast": must be of type object',
    ]);
    assert.deepEqual(causes({ ...hpa(), spec: 7 }), ['spec: Invalid value: 7: must be of type object']);
  });

  test('kubectl columns: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE', () => {
    assert.deepEqual(headers('HorizontalPodAutoscaler'), ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
    assert.deepEqual(row(hpa({ targetCPUUtilizationPercentage: 50 }, 'autoscaling/v1')), ['web', 'Deployment/web', 'cpu: <unknown>/50%', '2', 10, 0, '60m']);
    const scaled = hpa({
      metrics: [
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
        cpu(60),
        { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '30' } } },
      ],
    });
    const o = prepared(scaled);
    o.status = {
      currentReplicas: 4,
      desiredReplicas: 4,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'memory', current: { averageValue: '300Mi' } } },
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } },
      ],
    };
    o.metadata.creationTimestamp = '2024-05-01T11:59:00Z';
    assert.deepEqual(printRow(columnsOf(strategy('HorizontalPodAutoscaler')), o, NOW), [
      'web',
      'Deployment/web',
      'memory: 300Mi/512Mi, cpu: 45%/60% + 1 more...',
      '2',
      10,
      4,
      '60s',
    ]);
    delete o.spec!.minReplicas;
    o.spec!.metrics = [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1000m' } } }];
    assert.deepEqual(printRow(columnsOf(strategy('HorizontalPodAutoscaler')), o, NOW).slice(2, 4), ['<unknown>/1', '<unset>']);
  });
});

// ---- PodDisruptionBudget ----------------------------------------------------------

const pdb = (spec: Json): Json => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec });

describe('PodDisruptionBudget', () => {
  test('discovery and the initial status', () => {
    const { info } = strategy('PodDisruptionBudget');
    assert.deepEqual([info.apiVersion, info.plural, info.shortNames], ['policy/v1', 'podDisruptionBudgets', ['pdb']]);
    assert.deepEqual(prepared(pdb({ minAvailable: 1 })).status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  });

  test('valid budgets: an integer, a percentage, the eviction policy', () => {
    valid(pdb({ minAvailable: 2, selector: { matchLabels: { app: 'zookeeper' } } }));
    valid(
      pdb({
        maxUnavailable: '25%',
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      }),
    );
    valid(pdb({ minAvailable: '100%' }));
  });

  test('minAvailable xor maxUnavailable, int-or-percent, selector, eviction policy', () => {
    const both = pdb({ minAvailable: '150%', maxUnavailable: 1, unhealthyPodEvictionPolicy: 'Never' });
    assert.deepEqual(causes(both), [
      `spec: Invalid value: ${JSON.stringify(both.spec)}: minAvailable and maxUnavailable cannot be both set`,
      'spec.minAvailable: Invalid value: "150%": must not be greater than 100%',
      'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
    ]);
    assert.deepEqual(causes(pdb({ maxUnavailable: '25', selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })), [
      "spec.maxUnavailable: Invalid value: \"25\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
    assert.deepEqual(causes(pdb({ minAvailable: -1 })), ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']);
    assert.deepEqual(causes(pdb({ minAvailable: true })), ['spec.minAvailable: Invalid value: true: must be of type integer or string']);
  });

  test('kubectl columns: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE', () => {
    assert.deepEqual(headers('PodDisruptionBudget'), ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
    assert.deepEqual(row(pdb({ minAvailable: '50%' })), ['web', '50%', 'N/A', 0, '60m']);
    assert.deepEqual(row(pdb({ maxUnavailable: 1 })), ['web', 'N/A', '1', 0, '60m']);
  });
});

// ---- Ingress ----------------------------------------------------------------------

const backend = (name = 'web', port: Json = { number: 80 }): Json => ({ service: { name, port } });
const ingress = (spec: Json, metadata: Json = {}): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'main', namespace: 'default', ...metadata },
  spec,
});
const rule = (host: string | undefined, ...paths: Json[]): Json => ({ ...(host === undefined ? {} : { host }), http: { paths } });

describe('Ingress', () => {
  test('discovery and the initial status', () => {
    const { info } = strategy('Ingress');
    assert.deepEqual([info.apiVersion, info.plural, info.shortNames, info.hasStatus], ['networking.k8s.io/v1', 'ingresses', ['ing'], true]);
    assert.deepEqual(prepared(ingress({ defaultBackend: backend() })).status, { loadBalancer: {} });
  });

  test('valid: rules with hosts and wildcards, path types, TLS, a resource backend, a default backend alone', () => {
    valid(
      ingress({
        ingressClassName: 'nginx',
        tls: [{ hosts: ['example.com', '*.example.com'], secretName: 'example-tls' }],
        rules: [
          rule(
            'example.com',
            { path: '/', pathType: 'Prefix', backend: backend() },
            { path: '/api/v1', pathType: 'Exact', backend: backend('api', { name: 'http' }) },
          ),
          rule('*.example.com', {
            pathType: 'ImplementationSpecific',
            backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static-assets' } },
          }),
          { host: 'bare.example.com' },
        ],
      }),
    );
    valid(ingress({ defaultBackend: backend('fallback', { name: 'http' }) }));
  });

  test('a default backend or rules', () => {
    assert.deepEqual(causes(ingress({})), ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']);
    assert.deepEqual(causes(ingress({ rules: [] })), ['spec: Invalid value: []networking.IngressRule{}: either `defaultBackend` or `rules` must be specified']);
  });

  test('hosts, paths, path types and backends, with Kubernetes messages', () => {
    assert.deepEqual(
      causes(
        ingress({
          rules: [
            rule('foo.*.com', { path: 'api', pathType: 'Prefix', backend: backend('Web', { name: 'http', number: 80 }) }),
            rule(
              undefined,
              { path: '/x', backend: backend('w', {}) },
              { path: '/a//b/.', pathType: 'Exact', backend: {} },
              { pathType: 'Regex', backend: { ...backend('a', { number: 70000 }), resource: { kind: 'X', name: 'y' } } },
            ),
            { host: '10.0.0.1' },
            { http: { paths: [] } },
            rule(
              'ok.example.com',
              { path: '/', pathType: 'Prefix', backend: backend('a', { number: 70000 }) },
              { path: 'rel', pathType: 'ImplementationSpecific', backend: backend('a', {}) },
            ),
          ],
        }),
      ),
      [
        "spec.rules[0].host: Invalid value: \"foo.*.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
        `spec.rules[0].http.paths[0].backend.service.name: Invalid value: "Web": ${DNS1035}`,
        'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
        'spec.rules[1].http.paths[0].pathType: Required value: pathType must be specified',
        'spec.rules[1].http.paths[1].path: Invalid value: "/a//b/.": must not contain \'//\'',
        'spec.rules[1].http.paths[1].path: Invalid value: "/a//b/.": cannot end with \'/.\'',
        'spec.rules[1].http.paths[1].backend: Invalid value: "": resource or service backend is required',
        'spec.rules[1].http.paths[2].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
        'spec.rules[1].http.paths[2].backend: Invalid value: "": cannot set both resource and service backends',
        'spec.rules[2].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
        'spec.rules[3].http.paths: Required value',
        'spec.rules[4].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.rules[4].http.paths[1].path: Invalid value: "rel": must be an absolute path',
        'spec.rules[4].http.paths[1].backend: Required value: port name or number is required',
      ],
    );
  });

  test('TLS hosts and secret, the class name, the class annotation', () => {
    assert.deepEqual(
      causes(
        ingress(
          { ingressClassName: 'traefik', defaultBackend: backend(), tls: [{ hosts: ['a_b.com'], secretName: 'Bad' }] },
          { annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
        ),
      ),
      [
        `spec.tls[0].hosts[0]: Invalid value: "a_b.com": ${SUBDOMAIN}`,
        `spec.tls[0].secretName: Invalid value: "Bad": ${SUBDOMAIN}`,
        'annotations.kubernetes.io/ingress.class: Invalid value: "nginx": must match `ingressClassName` when both are specified',
      ],
    );
  });

  test('kubectl columns: NAME CLASS HOSTS ADDRESS PORTS AGE', () => {
    assert.deepEqual(headers('Ingress'), ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
    assert.deepEqual(row(ingress({ defaultBackend: backend() })), ['main', '<none>', '*', '<none>', '80', '60m']);
    const many = ingress({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['a.example.com'] }],
      rules: ['a', 'b', 'c', 'd', 'e'].map((h) => rule(`${h}.example.com`, { path: '/', pathType: 'Prefix', backend: backend() })),
    });
    const o = prepared(many);
    o.status = { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.7' }] } };
    o.metadata.creationTimestamp = '2024-05-01T11:00:00Z';
    assert.deepEqual(printRow(columnsOf(strategy('Ingress')), o, NOW), [
      'main',
      'nginx',
      'a.example.com,b.example.com,c.example.com + 2 more...',
      '203.0.113.7,lb.example.com',
      '80, 443',
      '60m',
    ]);
  });
});

// ---- IngressClass -----------------------------------------------------------------

const ingressClass = (spec: Json): Json => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec });

describe('IngressClass', () => {
  test('discovery: cluster-scoped, no status', () => {
    const { info } = strategy('IngressClass');
    assert.deepEqual([info.apiVersion, info.plural, info.namespaced, info.hasStatus], ['networking.k8s.io/v1', 'ingressClasses', false, false]);
    assert.equal(prepared(ingressClass({ controller: 'k8s.io/ingress-nginx' })).status, undefined);
  });

  test('parameters default to the Cluster scope; a valid class', () => {
    const spec = { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } };
    assert.equal((prepared(ingressClass(spec)).spec as Json).parameters.scope, 'Cluster');
    valid(ingressClass(spec));
    valid(ingressClass({ controller: 'example.com/ingress', parameters: { kind: 'Params', name: 'p', scope: 'Namespace', namespace: 'ingress' } }));
  });

  test('the controller is a domain-prefixed path; parameters with their scope', () => {
    assert.deepEqual(causes(ingressClass({ controller: 'nginx', parameters: { kind: 'Params', scope: 'Namespace' } })), [
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
      'spec.parameters.name: Required value: name is required',
      "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
    ]);
    assert.deepEqual(causes(ingressClass({ parameters: { kind: 'P', name: 'p', scope: 'Cluster', namespace: 'x' } })), [
      'spec.controller: Required value',
      "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
    ]);
    assert.deepEqual(causes(ingressClass({ controller: 'example.com/a', parameters: { kind: 'P', name: 'p', scope: 'Global' } })), [
      'spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"',
    ]);
  });

  test('the controller is immutable', () => {
    assert.deepEqual(updateCauses(ingressClass({ controller: 'example.com/b' }), ingressClass({ controller: 'example.com/a' })), [
      'spec.controller: Invalid value: "example.com/b": field is immutable',
    ]);
    assert.deepEqual(
      updateCauses(ingressClass({ controller: 'example.com/a', parameters: { kind: 'P', name: 'p' } }), ingressClass({ controller: 'example.com/a' })),
      [],
    );
  });

  test('kubectl columns: NAME CONTROLLER PARAMETERS AGE', () => {
    assert.deepEqual(headers('IngressClass'), ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE']);
    assert.deepEqual(
      row(ingressClass({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } })),
      ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '60m'],
    );
    assert.deepEqual(row(ingressClass({ controller: 'k8s.io/ingress-nginx' })), ['nginx', 'k8s.io/ingress-nginx', '<none>', '60m']);
  });
});

// ---- NetworkPolicy ----------------------------------------------------------------

const netpol = (spec: Json): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'test-network-policy', namespace: 'default' },
  spec,
});
/** The example of Kubernetes' NetworkPolicy documentation. */
const docsPolicy = (): Json =>
  netpol({
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
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
  });

describe('NetworkPolicy', () => {
  test('discovery: netpol, no status', () => {
    const { info } = strategy('NetworkPolicy');
    assert.deepEqual([info.apiVersion, info.plural, info.shortNames, info.hasStatus], ['networking.k8s.io/v1', 'networkPolicies', ['netpol'], false]);
  });

  test('defaults: TCP ports; policyTypes Ingress, plus Egress with egress rules', () => {
    const o = prepared(
      netpol({ podSelector: {}, ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 53 }] }], egress: [{ ports: [{ port: 443 }] }] }),
    ) as Json;
    assert.deepEqual(o.spec!.ingress[0].ports, [
      { port: 80, protocol: 'TCP' },
      { protocol: 'UDP', port: 53 },
    ]);
    assert.deepEqual(o.spec!.egress[0].ports, [{ port: 443, protocol: 'TCP' }]);
    assert.deepEqual(o.spec!.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(prepared(netpol({ podSelector: {} })).spec!.policyTypes, ['Ingress']);
    assert.deepEqual(prepared(netpol({ podSelector: {}, egress: [{}], policyTypes: ['Egress'] })).spec!.policyTypes, ['Egress']);
  });

  test('the documentation example is valid, and so is deny-all', () => {
    valid(docsPolicy());
    valid(netpol({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
  });

  test('podSelector, peers, ports and endPort, ipBlocks, policyTypes', () => {
    assert.deepEqual(
      causes(
        netpol({
          ingress: [
            {
              from: [
                {},
                { ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.0.0/8'] }, podSelector: {} },
                { ipBlock: { cidr: 'abc' } },
                { ipBlock: {} },
              ],
              ports: [{ protocol: 'ICMP', port: 80, endPort: 70 }, { port: 'http', endPort: 90 }, { endPort: 90 }, { port: 0 }, { port: 'HTTP_PORT' }],
            },
          ],
          policyTypes: ['Ingress', 'Sideways'],
        }),
      ),
      [
        'spec.podSelector: Required value',
        'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
        'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
        'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
        'spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is not specified',
        'spec.ingress[0].ports[3].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ingress[0].ports[4].port: Invalid value: "HTTP_PORT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ingress[0].ports[4].port: Invalid value: "HTTP_PORT": must contain at least one letter (a-z)',
        'spec.ingress[0].from[0]: Required value: must specify a peer',
        'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
        'spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
        'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
        'spec.ingress[0].from[2].ipBlock.cidr: Invalid value: "abc": not a valid CIDR',
        'spec.ingress[0].from[3].ipBlock.cidr: Required value',
        'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
      ],
    );
    assert.deepEqual(causes(netpol({ podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] })), [
      'spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes',
    ]);
    valid(netpol({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }] }] }));
    assert.deepEqual(causes(netpol({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['10.0.0.0/8'] } }] }] })), [
      'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    ]);
  });

  test('kubectl columns: NAME POD-SELECTOR AGE', () => {
    assert.deepEqual(headers('NetworkPolicy'), ['NAME', 'POD-SELECTOR', 'AGE']);
    assert.deepEqual(row(docsPolicy()), ['test-network-policy', 'role=db', '60m']);
    assert.deepEqual(row(netpol({ podSelector: {} })), ['test-network-policy', '<none>', '60m']);
    assert.deepEqual(
      row(
        netpol({
          podSelector: {
            matchLabels: { app: 'web' },
            matchExpressions: [
              { key: 'tier', operator: 'In', values: ['a', 'b'] },
              { key: 'canary', operator: 'DoesNotExist' },
            ],
          },
        }),
      ),
      ['test-network-policy', 'app=web,!canary,tier in (a,b)', '60m'],
    );
  });
});

// ---- StorageClass -----------------------------------------------------------------

const sc = (fields: Json, name = 'fast', annotations?: Json): Json => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: annotations ? { name, annotations } : { name },
  provisioner: 'ebs.csi.aws.com',
  ...fields,
});

describe('StorageClass', () => {
  test('discovery: sc, cluster-scoped, no status', () => {
    const { info } = strategy('StorageClass');
    assert.deepEqual(
      [info.apiVersion, info.plural, info.shortNames, info.namespaced, info.hasStatus],
      ['storage.k8s.io/v1', 'storageClasses', ['sc'], false, false],
    );
  });

  test('defaults: reclaimPolicy Delete, volumeBindingMode Immediate', () => {
    const o = prepared(sc({}));
    assert.deepEqual([o.reclaimPolicy, o.volumeBindingMode, o.status], ['Delete', 'Immediate', undefined]);
    const kept = prepared(sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }));
    assert.deepEqual([kept.reclaimPolicy, kept.volumeBindingMode], ['Retain', 'WaitForFirstConsumer']);
  });

  test('a realistic class is valid', () => {
    valid(
      sc({
        parameters: { type: 'gp3', iops: '3000', 'csi.storage.k8s.io/fstype': 'ext4' },
        reclaimPolicy: 'Retain',
        allowVolumeExpansion: true,
        mountOptions: ['debug'],
        volumeBindingMode: 'WaitForFirstConsumer',
        allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['us-east-1a', 'us-east-1b'] }] }],
      }),
    );
  });

  test('provisioner, parameters, enums and topologies', () => {
    assert.deepEqual(
      causes(
        sc({
          provisioner: 'bad provisioner',
          reclaimPolicy: 'Recycle',
          volumeBindingMode: 'Later',
          parameters: { '': 'x' },
          allowedTopologies: [
            {
              matchLabelExpressions: [
                { key: 'zone', values: ['a', 'a'] },
                { key: 'zone', values: [] },
              ],
            },
            { matchLabelExpressions: [{ key: 'zone', values: ['a'] }] },
          ],
        }),
      ),
      [
        "provisioner: Invalid value: \"bad provisioner\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        'parameters: Invalid value: "": field can not be empty.',
        'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
        'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
        'allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: "a"',
        'allowedTopologies[0].matchLabelExpressions[1].values: Required value',
        'allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: "zone"',
      ],
    );
    assert.deepEqual(causes(sc({ provisioner: undefined })), ['provisioner: Required value']);
    assert.deepEqual(
      causes(
        sc({
          allowedTopologies: [
            { matchLabelExpressions: [{ key: 'zone', values: ['b', 'a'] }] },
            { matchLabelExpressions: [{ key: 'zone', values: ['a', 'b'] }] },
          ],
        }),
      ),
      ['allowedTopologies[1].matchLabelExpressions: Duplicate value: ""'],
    );
  });

  test('provisioner, parameters, reclaimPolicy and volumeBindingMode never change', () => {
    const old = sc({ parameters: { type: 'gp2' } });
    assert.deepEqual(
      updateCauses(
        sc({ provisioner: 'other.example.com', parameters: { type: 'gp3' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }),
        old,
      ),
      [
        'parameters: Forbidden: updates to parameters are forbidden.',
        'provisioner: Forbidden: updates to provisioner are forbidden.',
        'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
        'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
      ],
    );
    assert.deepEqual(
      updateCauses(sc({ parameters: { type: 'gp2' }, allowVolumeExpansion: true, mountOptions: ['debug'] }, 'fast', { team: 'a' }), old),
      [],
      'the rest may change',
    );
    assert.deepEqual(updateCauses(sc({ parameters: {} }), sc({})), [], 'empty parameters are no parameters');
  });

  test('kubectl columns: the default class is `standard (default)`', () => {
    assert.deepEqual(headers('StorageClass'), ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
    const standard = sc({ provisioner: 'kubeql.io/simulated', volumeBindingMode: 'WaitForFirstConsumer' }, 'standard', {
      'storageclass.kubernetes.io/is-default-class': 'true',
    });
    assert.deepEqual(row(standard), ['standard (default)', 'kubeql.io/simulated', 'Delete', 'WaitForFirstConsumer', 'false', '60m']);
    assert.deepEqual(row(sc({ reclaimPolicy: 'Retain', allowVolumeExpansion: true }, 'fast', { 'storageclass.kubernetes.io/is-default-class': 'false' })), [
      'fast',
      'ebs.csi.aws.com',
      'Retain',
      'Immediate',
      'true',
      '60m',
    ]);
  });
});

// ---- CustomResourceDefinition -----------------------------------------------------

const schema = (): Json => ({
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { cronSpec: { type: 'string' }, image: { type: 'string' }, replicas: { type: 'integer', minimum: 1 } } },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
});
const crd = (spec: Json = {}, name = 'crontabs.stable.example.com', annotations?: Json): Json => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: annotations ? { name, annotations } : { name },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
    versions: [{ name: 'v1', served: true, storage: true, schema: schema(), subresources: { status: {} } }],
    ...spec,
  },
});
const version = (name: string, storage: boolean, extra: Json = {}): Json => ({ name, served: true, storage, schema: schema(), ...extra });

describe('CustomResourceDefinition', () => {
  test('discovery: crd, cluster-scoped, with status', () => {
    const { info } = strategy('CustomResourceDefinition');
    assert.deepEqual(
      [info.apiVersion, info.plural, info.shortNames, info.namespaced, info.hasStatus],
      ['apiextensions.k8s.io/v1', 'customResourceDefinitions', ['crd', 'crds'], false, true],
    );
  });

  test('defaults: singular and listKind from the kind, conversion None, the storage version stored', () => {
    const o = prepared(crd({ names: { plural: 'crontabs', kind: 'CronTab' } }));
    assert.deepEqual(o.spec!.names, { plural: 'crontabs', kind: 'CronTab', singular: 'crontab', listKind: 'CronTabList' });
    assert.deepEqual(o.spec!.conversion, { strategy: 'None' });
    assert.deepEqual(o.status, { storedVersions: ['v1'] });
    valid(crd({ names: { plural: 'crontabs', kind: 'CronTab' } }));
  });

  test('a multi-version definition with printer columns and scale is valid', () => {
    valid(
      crd({
        versions: [
          version('v1beta1', false, { deprecated: true, deprecationWarning: 'use v1' }),
          version('v1', true, {
            subresources: {
              status: {},
              scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' },
            },
            additionalPrinterColumns: [
              { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ],
          }),
        ],
      }),
    );
    valid(
      crd({
        scope: 'Cluster',
        versions: [version('v1', true, { schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })],
      }),
    );
  });

  test('the name is <plural>.<group>; group, names and scope formats', () => {
    assert.deepEqual(
      causes(crd({ group: 'example', scope: 'Global', names: { plural: 'CronTabs', kind: 'cron_tab', listKind: 'cron_tab', shortNames: ['C T'] } }, 'wrong')),
      [
        'metadata.name: Invalid value: "wrong": must be spec.names.plural+"."+spec.group',
        'spec.group: Invalid value: "example": should be a domain with at least one dot',
        'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
        `spec.names.plural: Invalid value: "CronTabs": ${DNS1035}`,
        `spec.names.singular: Invalid value: "cron_tab": ${DNS1035}`,
        `spec.names.kind: Invalid value: "cron_tab": may have mixed case, but should otherwise match: ${DNS1035}`,
        `spec.names.listKind: Invalid value: "cron_tab": may have mixed case, but should otherwise match: ${DNS1035}`,
        `spec.names.shortNames[0]: Invalid value: "C T": ${DNS1035}`,
        'spec.names.listKind: Invalid value: "cron_tab": kind and listKind may not be the same',
      ],
    );
    assert.deepEqual(causes(crd({ group: undefined, scope: undefined, names: {} }, '.')), [
      `metadata.name: Invalid value: ".": ${SUBDOMAIN}`,
      'spec.group: Required value',
      'spec.scope: Required value',
      'spec.names.plural: Required value',
      'spec.names.singular: Required value',
      'spec.names.kind: Required value',
      'spec.names.listKind: Required value',
    ]);
  });

  test('versions: at least one, exactly one storage version, unique names, a schema each', () => {
    assert.deepEqual(causes(crd({ versions: [] })), [
      'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{}: must have exactly one version marked as storage version',
      'status.storedVersions: Invalid value: []string{}: must have at least one stored version',
    ]);
    const twoStorage = [version('v1', true), version('v2', true)];
    assert.deepEqual(causes(crd({ versions: twoStorage })), [
      `spec.versions: Invalid value: ${JSON.stringify(twoStorage)}: must have exactly one version marked as storage version`,
      'status.storedVersions: Invalid value: []string{"v1"}: must have the storage version v2',
    ]);
    const twice = [version('v1', true), version('v1', false)];
    assert.deepEqual(causes(crd({ versions: twice })), [`spec.versions: Invalid value: ${JSON.stringify(twice)}: must contain unique version names`]);
    assert.deepEqual(causes(crd({ versions: [{ name: 'V1', served: true, storage: true }] })), [
      `spec.versions[0].name: Invalid value: "V1": ${DNS1035}`,
      'spec.versions[0].schema.openAPIV3Schema: Required value',
    ]);
  });

  test('schemas: object at the root, a type everywhere, items for arrays, no root additionalProperties', () => {
    const bad = {
      openAPIV3Schema: {
        properties: {
          spec: { properties: { tags: { type: 'array' }, size: { type: 'int' } } },
          metadata: { type: 'object', properties: { labels: { type: 'object' } } },
        },
        additionalProperties: true,
      },
    };
    // Every version with the same schema: Kubernetes moves it to spec.validation and reports it there.
    assert.deepEqual(causes(crd({ versions: [version('v1', true, { schema: bad })] })), [
      'spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root',
      'spec.validation.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root',
      'spec.validation.openAPIV3Schema.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive',
      'spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
      'spec.validation.openAPIV3Schema.properties[spec].properties[tags].items: Required value: must be specified',
      'spec.validation.openAPIV3Schema.properties[spec].properties[size].type: Unsupported value: "int": supported values: "array", "boolean", "integer", "number", "object", "string"',
      'spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
    ]);
    // Different schemas per version: each reported at its version.
    assert.deepEqual(
      causes(
        crd({
          versions: [
            version('v1', true, { schema: { openAPIV3Schema: { type: 'string' } } }),
            version('v2', false, { schema: { openAPIV3Schema: { type: 'object', properties: { items: { type: 'array', items: {} } } } } }),
          ],
        }),
      ),
      [
        'spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root',
        'spec.versions[1].schema.openAPIV3Schema.properties[items].items.type: Required value: must not be empty for specified array items',
      ],
    );
  });

  test('conversion: None only — kubeql does not run conversion webhooks; preserveUnknownFields stays false', () => {
    assert.deepEqual(
      causes(crd({ conversion: { strategy: 'Webhook', webhook: { clientConfig: { url: 'https://convert.example.com' }, conversionReviewVersions: ['v1'] } } })),
      ['spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None": kubeql does not run conversion webhooks'],
    );
    assert.deepEqual(
      causes(
        crd({
          conversion: { strategy: 'None', webhook: { clientConfig: { url: 'https://x' }, conversionReviewVersions: ['v1'] } },
          preserveUnknownFields: true,
        }),
      ),
      [
        'spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook',
        'spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook',
        'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
      ],
    );
    assert.deepEqual(causes(crd({ conversion: { strategy: 'Magic' } })), [
      'spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"',
    ]);
  });

  test('protected groups need the api-approved annotation', () => {
    const gw = (annotations?: Json): Json =>
      crd({ group: 'gateway.networking.k8s.io', names: { plural: 'gateways', kind: 'Gateway' } }, 'gateways.gateway.networking.k8s.io', annotations);
    assert.deepEqual(causes(gw()), [
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    valid(gw({ 'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/2466' }));
    valid(gw({ 'api-approved.kubernetes.io': 'unapproved, experimental-only' }));
  });

  test('updates: group and plural never change, scope and kind once established; a new storage version is stored', () => {
    const old = crd();
    assert.deepEqual(
      updateCauses(crd({ group: 'other.example.com', names: { plural: 'crons', kind: 'Cron' }, scope: 'Cluster' }, 'crons.other.example.com'), old),
      [
        'metadata.name: Invalid value: "crons.other.example.com": field is immutable',
        'spec.group: Invalid value: "other.example.com": field is immutable',
        'spec.names.plural: Invalid value: "crons": field is immutable',
      ],
    );
    const established = prepared(crd());
    established.status!.conditions = [{ type: 'Established', status: 'True' }];
    const s = strategy('CustomResourceDefinition');
    assert.deepEqual(
      s.validateUpdate(prepared(crd({ scope: 'Cluster', names: { plural: 'crontabs', kind: 'Cron' } })), established).map((c) => `${c.field}: ${c.message}`),
      ['spec.scope: Invalid value: "Cluster": field is immutable', 'spec.names.kind: Invalid value: "Cron": field is immutable'],
    );
    const next = structuredClone(crd({ versions: [version('v1', false), version('v2', true)] })) as KubeObject;
    s.prepareForUpdate(next, established);
    s.defaults(next);
    assert.deepEqual(next.status!.storedVersions, ['v1', 'v2']);
    assert.deepEqual(established.status!.storedVersions, ['v1'], 'the stored object is not touched');
    assert.deepEqual(s.validate(next), []);
  });

  test('columns: NAME CREATED AT', () => {
    assert.deepEqual(headers('CustomResourceDefinition'), ['NAME', 'CREATED AT']);
    assert.deepEqual(
      columnsOf(strategy('CustomResourceDefinition')).map((c) => c.type),
      ['string', 'date'],
    );
    assert.deepEqual(row(crd()), ['crontabs.stable.example.com', '2024-05-01T11:00:00Z']);
  });
});
