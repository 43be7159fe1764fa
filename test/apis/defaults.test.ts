import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { defaultPullPolicy, imageTag } from '../../src/apis/defaults.ts';
import { applyDefaults } from '../../src/apis/strategies/index.ts';
import { validateObject } from '../../src/apis/validation/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const defaulted = (obj: Json): Json => {
  const o = structuredClone(obj);
  applyDefaults(o as unknown as KubeObject);
  return o;
};
const meta = { name: 'web', namespace: 'default' };

describe('Pod', () => {
  test('a minimal pod gets what kube-apiserver stores', () => {
    const p = defaulted({ apiVersion: 'v1', kind: 'Pod', metadata: { ...meta }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
    assert.deepEqual(p, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            imagePullPolicy: 'Always',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
        enableServiceLinks: true,
        priority: 0,
        preemptionPolicy: 'PreemptLowerPriority',
      },
    });
  });

  test('containers, ports, probes, env, volumes, init containers', () => {
    const p = defaulted({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...meta },
      spec: {
        initContainers: [{ name: 'init', image: 'busybox:1.36' }],
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            readinessProbe: { httpGet: { port: 80 } },
            livenessProbe: { grpc: { port: 9090 }, periodSeconds: 5 },
            lifecycle: { preStop: { httpGet: { port: 80, path: '/drain' } } },
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
          },
        ],
        volumes: [
          { name: 'scratch' },
          { name: 'tls', secret: { secretName: 'tls' } },
          { name: 'conf', configMap: { name: 'conf', defaultMode: 0o600 } },
          { name: 'host', hostPath: { path: '/var/log' } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
      },
    });
    const [c] = p.spec.containers;
    assert.equal(c.imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(c.ports, [
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
    assert.deepEqual(c.env[0].valueFrom.fieldRef, { fieldPath: 'spec.nodeName', apiVersion: 'v1' });
    assert.deepEqual(c.readinessProbe, {
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.deepEqual(c.livenessProbe, { grpc: { port: 9090, service: '' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.lifecycle.preStop.httpGet, { port: 80, path: '/drain', scheme: 'HTTP' });
    // Limits stand in for missing requests, on Pods.
    assert.deepEqual(c.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    assert.equal(p.spec.initContainers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(p.spec.initContainers[0].terminationMessagePolicy, 'File');
    assert.deepEqual(p.spec.volumes, [
      { name: 'scratch', emptyDir: {} },
      { name: 'tls', secret: { secretName: 'tls', defaultMode: 420 } },
      { name: 'conf', configMap: { name: 'conf', defaultMode: 0o600 } },
      { name: 'host', hostPath: { path: '/var/log', type: '' } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels', apiVersion: 'v1' } }], defaultMode: 420 } },
    ]);
  });

  test('given values are kept', () => {
    const spec = {
      containers: [
        { name: 'web', image: 'nginx', imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError', terminationMessagePath: '/tmp/t' },
      ],
      restartPolicy: 'OnFailure',
      dnsPolicy: 'Default',
      terminationGracePeriodSeconds: 0,
      schedulerName: 'custom',
      enableServiceLinks: false,
      securityContext: { runAsUser: 1000 },
      priority: 7,
      preemptionPolicy: 'Never',
    };
    const p = defaulted({ apiVersion: 'v1', kind: 'Pod', metadata: { ...meta }, spec: structuredClone(spec) });
    assert.deepEqual(p.spec, spec);
  });

  test('priority follows the priority class the admission plugin knows', () => {
    const pod = (priorityClassName: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...meta }, spec: { priorityClassName, containers: [] } });
    assert.equal(defaulted(pod('system-node-critical')).spec.priority, 2000001000);
    assert.equal(defaulted(pod('system-cluster-critical')).spec.priority, 2000000000);
    assert.equal(defaulted(pod('high')).spec.priority, undefined);
  });

  test('hostNetwork pods get hostPort = containerPort', () => {
    const p = defaulted({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...meta },
      spec: { hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 9100 }] }] },
    });
    assert.deepEqual(p.spec.containers[0].ports, [{ containerPort: 9100, protocol: 'TCP', hostPort: 9100 }]);
  });

  test('metadata is never touched', () => {
    const p = defaulted({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', generateName: 'w-' }, spec: { containers: [] } });
    assert.deepEqual(p.metadata, { name: 'web', generateName: 'w-' });
  });
});

describe('image pull policy', () => {
  const cases: Array<[string, string | undefined, 'Always' | 'IfNotPresent']> = [
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.25', '1.25', 'IfNotPresent'],
    ['library/nginx', 'latest', 'Always'],
    ['docker.io/library/nginx:stable-alpine', 'stable-alpine', 'IfNotPresent'],
    ['localhost:5000/app', 'latest', 'Always'],
    ['localhost:5000/app:v2', 'v2', 'IfNotPresent'],
    ['registry.example.com:5000/team/app:latest', 'latest', 'Always'],
    [`nginx@sha256:${'a'.repeat(64)}`, '', 'IfNotPresent'],
    [`nginx:1.25@sha256:${'a'.repeat(64)}`, '1.25', 'IfNotPresent'],
    ['Nginx', undefined, 'IfNotPresent'],
    ['', undefined, 'IfNotPresent'],
    ['nginx:', undefined, 'IfNotPresent'],
  ];
  for (const [image, tag, policy] of cases) {
    test(`${JSON.stringify(image)} → ${policy}`, () => {
      assert.equal(imageTag(image), tag);
      assert.equal(defaultPullPolicy(image), policy);
    });
  }
});

describe('workloads', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', resources: { limits: { cpu: '1' } } }] } };

  test('Deployment', () => {
    const d = defaulted({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...meta },
      spec: { selector: { matchLabels: { app: 'web' } }, template: structuredClone(template) },
    });
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    const podSpec = d.spec.template.spec;
    assert.equal(podSpec.restartPolicy, 'Always');
    assert.equal(podSpec.dnsPolicy, 'ClusterFirst');
    assert.equal(podSpec.terminationGracePeriodSeconds, 30);
    assert.equal(podSpec.schedulerName, 'default-scheduler');
    assert.deepEqual(podSpec.securityContext, {});
    assert.equal(podSpec.containers[0].imagePullPolicy, 'IfNotPresent');
    // Pod-only defaults stay off templates.
    assert.equal(podSpec.enableServiceLinks, undefined);
    assert.equal(podSpec.priority, undefined);
    assert.deepEqual(podSpec.containers[0].resources, { limits: { cpu: '1' } });
    assert.deepEqual(validateObject(d as unknown as KubeObject), []);
  });

  test('Deployment: given values, Recreate, partial rollingUpdate', () => {
    const recreate = defaulted({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...meta },
      spec: { replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 },
    });
    assert.equal(recreate.spec.replicas, 0);
    assert.deepEqual(recreate.spec.strategy, { type: 'Recreate' });
    assert.equal(recreate.spec.revisionHistoryLimit, 0);
    const partial = defaulted({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { ...meta }, spec: { strategy: { rollingUpdate: { maxSurge: 1 } } } });
    assert.deepEqual(partial.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } });
  });

  test('ReplicaSet', () => {
    const rs = defaulted({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { ...meta },
      spec: { selector: { matchLabels: { app: 'web' } }, template: structuredClone(template) },
    });
    assert.equal(rs.spec.replicas, 1);
    assert.equal(rs.spec.template.spec.restartPolicy, 'Always');
    assert.equal(rs.spec.strategy, undefined);
  });
});

describe('Service', () => {
  test('ClusterIP defaults and targetPort = port', () => {
    const s = defaulted({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...meta },
      spec: {
        selector: { app: 'web' },
        ports: [{ port: 80 }, { port: 443, targetPort: 'https', protocol: 'TCP' }, { port: 53, targetPort: 0, protocol: 'UDP' }],
      },
    });
    assert.deepEqual(s.spec, {
      selector: { app: 'web' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 443, targetPort: 'https', protocol: 'TCP' },
        { port: 53, targetPort: 53, protocol: 'UDP' },
      ],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
    });
  });

  test('LoadBalancer, NodePort, ClientIP affinity, ExternalName', () => {
    const lb = defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { ...meta }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
    assert.equal(lb.spec.externalTrafficPolicy, 'Cluster');
    assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
    const np = defaulted({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...meta },
      spec: { type: 'NodePort', ports: [{ port: 80 }], sessionAffinity: 'ClientIP' },
    });
    assert.equal(np.spec.externalTrafficPolicy, 'Cluster');
    assert.equal(np.spec.allocateLoadBalancerNodePorts, undefined);
    assert.deepEqual(np.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
    const none = defaulted({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...meta },
      spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } }, ports: [{ port: 1 }] },
    });
    assert.equal(none.spec.sessionAffinityConfig, undefined);
    const ext = defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { ...meta }, spec: { type: 'ExternalName', externalName: 'db.example.com' } });
    assert.deepEqual(ext.spec, { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' });
  });
});

describe('other kinds', () => {
  test('Namespace: the kubernetes finalizer and phase Active', () => {
    const ns = defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
    assert.deepEqual(ns.status, { phase: 'Active' });
    // Not added back once removed, nor while terminating; a given phase is kept.
    assert.deepEqual(defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { finalizers: [] } }).spec, { finalizers: [] });
    const terminating = defaulted({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'a', deletionTimestamp: '2024-01-01T00:00:00Z' },
      spec: {},
      status: { phase: 'Terminating' },
    });
    assert.deepEqual(terminating.spec, {});
    assert.deepEqual(terminating.status, { phase: 'Terminating' });
  });

  test('Node: allocatable defaults to capacity; no phase', () => {
    const n = defaulted({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '4', memory: '8Gi' } } });
    assert.deepEqual(n.status, { capacity: { cpu: '4', memory: '8Gi' }, allocatable: { cpu: '4', memory: '8Gi' } });
    const kept = defaulted({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '4' }, allocatable: { cpu: '3' } } });
    assert.deepEqual(kept.status.allocatable, { cpu: '3' });
    assert.equal(defaulted({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }).status, undefined);
  });

  test('EndpointSlice ports', () => {
    const es = defaulted({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { ...meta },
      addressType: 'IPv4',
      ports: [{ port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }],
    });
    assert.deepEqual(es.ports, [
      { port: 80, name: '', protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ]);
  });

  test('bindings: roleRef and User/Group subjects get the rbac group', () => {
    const b = defaulted({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { ...meta },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'User', name: 'jane' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
      ],
    });
    assert.deepEqual(b.roleRef, { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
    assert.deepEqual(b.subjects, [
      { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
    ]);
  });

  test('Event, Lease, Role, ClusterRole, ServiceAccount get nothing', () => {
    for (const obj of [
      { apiVersion: 'v1', kind: 'Event', metadata: { ...meta }, involvedObject: { kind: 'Pod', name: 'web' }, reason: 'x' },
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { ...meta }, spec: { holderIdentity: 'a' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { ...meta }, rules: [] },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { ...meta } },
    ]) {
      assert.deepEqual(defaulted(obj), obj);
    }
  });
});

describe('applyDefaults in general', () => {
  const samples: Json[] = [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...meta },
      spec: {
        containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { tcpSocket: { port: 80 } } }],
        volumes: [{ name: 'v' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...meta },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { ...meta }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
  ];

  test('is idempotent', () => {
    for (const s of samples) {
      const once = defaulted(s);
      assert.deepEqual(defaulted(once), once);
    }
  });

  test('defaulted objects validate', () => {
    for (const s of samples) assert.deepEqual(validateObject(defaulted(s) as unknown as KubeObject), [], s.kind);
  });

  test('leaves objects of the wrong shape for validation', () => {
    const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta }, spec: 'nope' };
    assert.deepEqual(defaulted(bad), bad);
    const unknown = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta }, data: {} };
    assert.deepEqual(defaulted(unknown), unknown);
    const containers = { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta }, spec: { containers: ['nginx', null] } };
    assert.deepEqual(defaulted(containers).spec.containers, ['nginx', null]);
  });
});
