import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, type KubeObject } from '../../src/apis/kinds.ts';
import { applyDefaults } from '../../src/apis/strategies/index.ts';
import { validateObject, validateUpdate } from '../../src/apis/validation/index.ts';

// ---- helpers -------------------------------------------------------------------------

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(v: T): T => structuredClone(v);
/** `field: message` lines, as kube-apiserver prints causes. */
const causes = (obj: Json): string[] => validateObject(obj as KubeObject).map((c) => `${c.field}: ${c.message}`);
const updateCauses = (n: Json, o: Json): string[] => validateUpdate(n as KubeObject, o as KubeObject).map((c) => `${c.field}: ${c.message}`);
const valid = (obj: Json): void => assert.deepEqual(causes(obj), []);

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

const meta = (name = 'web', namespace: string | undefined = 'default'): Json => (namespace ? { name, namespace } : { name });

const pod = (spec: Json = {}, metadata: Json = meta()): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec },
});
const podWith = (container: Json, spec: Json = {}): Json => pod({ ...spec, containers: [{ name: 'web', image: 'nginx:1.25', ...container }] });

/** A typical production nginx Deployment: probes, volumes, securityContext, env, resources. */
const nginxDeployment = (): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'nginx',
    namespace: 'web',
    labels: { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/part-of': 'shop' },
    annotations: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'bump nginx to 1.25.3' },
  },
  spec: {
    replicas: 3,
    revisionHistoryLimit: 5,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'nginx' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: {
        labels: { 'app.kubernetes.io/name': 'nginx', version: '1.25.3' },
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9113' },
      },
      spec: {
        serviceAccountName: 'nginx',
        securityContext: { runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, fsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
        initContainers: [
          {
            name: 'render-config',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'cp /tmpl/* /conf/'],
            volumeMounts: [
              { name: 'conf', mountPath: '/conf' },
              { name: 'tmpl', mountPath: '/tmpl', readOnly: true },
            ],
          },
        ],
        containers: [
          {
            name: 'nginx',
            image: 'registry.example.com:5000/library/nginx:1.25.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
            imagePullPolicy: 'IfNotPresent',
            args: ['-g', 'daemon off;'],
            ports: [
              { name: 'http', containerPort: 8080, protocol: 'TCP' },
              { name: 'metrics', containerPort: 9113 },
            ],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
              { name: 'APP_LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
              { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
              { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'nginx-secrets', key: 'api-token', optional: true } } },
              { name: 'server.name', value: 'shop' },
            ],
            envFrom: [{ configMapRef: { name: 'nginx-env' }, prefix: 'NGINX_' }],
            resources: { requests: { cpu: '250m', memory: '128Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: 1, memory: '256Mi' } },
            startupProbe: { httpGet: { path: '/healthz', port: 'http' }, failureThreshold: 30, periodSeconds: 2 },
            readinessProbe: {
              httpGet: { path: '/ready', port: 8080, scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'k8s' }] },
              initialDelaySeconds: 5,
              periodSeconds: 10,
            },
            livenessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 15, timeoutSeconds: 2, successThreshold: 1 },
            lifecycle: { preStop: { exec: { command: ['nginx', '-s', 'quit'] } } },
            volumeMounts: [
              { name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: true },
              { name: 'cache', mountPath: '/var/cache/nginx' },
              { name: 'tls', mountPath: '/etc/tls', readOnly: true },
              { name: 'data', mountPath: '/usr/share/nginx/html', subPath: 'html' },
            ],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
          },
          {
            name: 'exporter',
            image: 'nginx/nginx-prometheus-exporter:1.1.0',
            ports: [{ containerPort: 9114 }],
            resources: { requests: { cpu: '10m', memory: '16Mi' } },
          },
        ],
        volumes: [
          { name: 'conf', emptyDir: {} },
          { name: 'tmpl', configMap: { name: 'nginx-templates', defaultMode: 0o644, items: [{ key: 'default.conf', path: 'default.conf' }] } },
          { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          { name: 'tls', secret: { secretName: 'nginx-tls', defaultMode: 0o400 } },
          { name: 'data', persistentVolumeClaim: { claimName: 'nginx-data' } },
        ],
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'nginx' } } },
              },
            ],
          },
        },
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [
          { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        priorityClassName: 'high-priority',
        terminationGracePeriodSeconds: 60,
        dnsPolicy: 'ClusterFirst',
      },
    },
  },
});

// ---- valid objects ---------------------------------------------------------------------

describe('valid manifests are accepted', () => {
  test('a realistic nginx Deployment, before and after defaulting', () => {
    const d = nginxDeployment();
    valid(d);
    applyDefaults(d as KubeObject);
    valid(d);
  });

  test('a minimal Pod, defaulted or not, and with status', () => {
    valid(pod());
    const p = pod();
    applyDefaults(p as KubeObject);
    valid(p);
    valid({ ...p, status: { phase: 'Running', podIP: '10.0.0.5', conditions: [{ type: 'Ready', status: 'True' }] } });
  });

  test('unknown extra fields are allowed everywhere', () => {
    valid(pod({ futureField: { x: 1 }, containers: [{ name: 'web', image: 'nginx', somethingNew: true }] }, { ...meta(), somethingElse: 'x' }));
    valid({ ...pod(), extraTopLevel: [1, 2, 3] });
  });

  test('generateName stands in for a missing name', () => {
    valid(pod({}, { generateName: 'web-', namespace: 'default' }));
    valid(pod({}, { generateName: 'web-abc-', namespace: 'default' }));
  });

  test('every other kind', () => {
    valid({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    valid({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1.example.com', labels: { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/control-plane': '' } },
      spec: { podCIDR: '10.244.1.0/24', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: '4', memory: '16374584Ki', pods: '110', 'ephemeral-storage': '102Gi', 'hugepages-2Mi': '0' },
        allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '192.168.1.10' }],
        nodeInfo: { kubeletVersion: 'v1.30.0' },
      },
    });
    valid({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('web'),
      spec: {
        type: 'NodePort',
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
    });
    valid({ apiVersion: 'v1', kind: 'Service', metadata: meta('db'), spec: { clusterIP: 'None', selector: { app: 'db' } } });
    valid({ apiVersion: 'v1', kind: 'Service', metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'db.example.com.' } });
    valid({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: meta('node-1', 'kube-node-lease'),
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:00.000000Z' },
    });
    valid({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta('web.17a8b3c2d1e0f'),
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/web to node-1',
      type: 'Normal',
      count: 1,
      source: { component: 'default-scheduler' },
    });
    valid({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta('node-1.abc'),
      involvedObject: { kind: 'Node', name: 'node-1' },
      reason: 'NodeReady',
      type: 'Normal',
    });
    valid({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { ...meta('web-abc12'), labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1' } }],
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: '', port: 9090 },
      ],
    });
    valid({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta('builder'),
      secrets: [{ name: 'builder-token' }],
      imagePullSecrets: [{ name: 'regcred' }],
      automountServiceAccountToken: false,
    });
    valid({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('pod-reader'),
      rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
    });
    valid({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:metrics' },
      rules: [
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] },
      ],
    });
    valid({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('read-pods'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [
        { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'default' },
        { kind: 'Group', name: 'system:authenticated' },
      ],
    });
    valid({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'admins' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'admin', namespace: 'kube-system' }],
    });
    valid({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...meta('web-5d9c7b'),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'abc', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'pod-template-hash', operator: 'In', values: ['5d9c7b'] }] },
        template: { metadata: { labels: { app: 'web', 'pod-template-hash': '5d9c7b' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    });
  });

  test('validation is fast (microseconds per object)', () => {
    const d = nginxDeployment();
    applyDefaults(d as KubeObject);
    const n = 2000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) validateObject(d as KubeObject);
    const perObjectUs = Number(process.hrtime.bigint() - start) / n / 1000;
    assert.ok(perObjectUs < 1000, `validateObject took ${perObjectUs.toFixed(1)}µs per Deployment`);
  });
});

// ---- invalid objects: exact paths and messages ------------------------------------------

/** [description, object, exact causes] */
type Case = [string, Json, string[]];

const metaCases: Case[] = [
  ['pod name not a subdomain', pod({}, meta('Foo_Bar')), [`metadata.name: Invalid value: "Foo_Bar": ${SUBDOMAIN}`]],
  ['name too long', pod({}, meta('a'.repeat(254))), [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`]],
  ['name and generateName missing', pod({}, { namespace: 'default' }), ['metadata.name: Required value: name or generateName is required']],
  ['generateName with a bad prefix', pod({}, { generateName: 'Web-', namespace: 'default' }), [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN}`]],
  ['namespace missing on a namespaced kind', pod({}, { name: 'web' }), ['metadata.namespace: Required value']],
  ['namespace not a DNS label', pod({}, meta('web', 'team.a')), [`metadata.namespace: Invalid value: "team.a": ${LABEL}`]],
  [
    'namespace on a cluster-scoped kind',
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'default' } },
    ['metadata.namespace: Forbidden: not allowed on this type'],
  ],
  ['metadata missing', { apiVersion: 'v1', kind: 'Pod', spec: pod().spec }, ['metadata: Required value']],
  ['metadata not an object', { ...pod(), metadata: 'web' }, ['metadata: Invalid value: "web": must be of type object']],
  ['name not a string', pod({}, { name: 42, namespace: 'default' }), ['metadata.name: Invalid value: 42: must be of type string']],
  ['negative generation', pod({}, { ...meta(), generation: -1 }), ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
  [
    'bad label key and value',
    pod({}, { ...meta(), labels: { 'bad key': 'ok', app: 'not ok!' } }),
    [`metadata.labels: Invalid value: "bad key": ${QUALIFIED_NAME}`, `metadata.labels: Invalid value: "not ok!": ${LABEL_VALUE}`],
  ],
  [
    'label value too long',
    pod({}, { ...meta(), labels: { app: 'a'.repeat(64) } }),
    [`metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`],
  ],
  [
    'label key with an empty prefix',
    pod({}, { ...meta(), labels: { '/app': 'x' } }),
    ['metadata.labels: Invalid value: "/app": prefix part must be non-empty'],
  ],
  ['label value not a string', pod({}, { ...meta(), labels: { replicas: 3 } }), ['metadata.labels[replicas]: Invalid value: 3: must be of type string']],
  [
    'annotation value not a string',
    pod({}, { ...meta(), annotations: { enabled: true } }),
    ['metadata.annotations[enabled]: Invalid value: true: must be of type string'],
  ],
  ['annotation key', pod({}, { ...meta(), annotations: { 'a b': 'x' } }), [`metadata.annotations: Invalid value: "a b": ${QUALIFIED_NAME}`]],
  [
    'annotations over 256KiB',
    pod({}, { ...meta(), annotations: { big: 'x'.repeat(256 * 1024) } }),
    ['metadata.annotations: Too long: must have at most 262144 bytes'],
  ],
  [
    'ownerReference without uid and kind',
    pod({}, { ...meta(), ownerReferences: [{ apiVersion: 'apps/v1', name: 'web-rs' }] }),
    ['metadata.ownerReferences.kind: Invalid value: "": must not be empty', 'metadata.ownerReferences.uid: Invalid value: "": must not be empty'],
  ],
  [
    'ownerReference with a bad apiVersion',
    pod({}, { ...meta(), ownerReferences: [{ apiVersion: 'apps/', kind: 'ReplicaSet', name: 'x', uid: 'u' }] }),
    ['metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty'],
  ],
  [
    'two controllers',
    pod(
      {},
      {
        ...meta(),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
        ],
      },
    ),
    [
      'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
    ],
  ],
  [
    'finalizer neither standard nor qualified',
    pod({}, { ...meta(), finalizers: ['example.com/cleanup', 'cleanup'] }),
    ['metadata.finalizers[1]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
  ],
  [
    'orphan and foregroundDeletion',
    pod({}, { ...meta(), finalizers: ['orphan', 'foregroundDeletion'] }),
    ['metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set'],
  ],
  [
    'unknown kind',
    { apiVersion: 'v1', kind: 'Gadget', metadata: meta() },
    [`kind: Unsupported value: "Gadget": supported values: ${KINDS.map((k) => JSON.stringify(k.kind)).join(', ')}`],
  ],
  ['wrong apiVersion', { ...pod(), apiVersion: 'v2' }, ['apiVersion: Unsupported value: "v2": supported values: "v1"']],
];

const podCases: Case[] = [
  ['containers missing', pod({ containers: [] }), ['spec.containers: Required value']],
  ['spec missing', { apiVersion: 'v1', kind: 'Pod', metadata: meta() }, ['spec.containers: Required value']],
  ['containers not an array', pod({ containers: { name: 'web' } }), ['spec.containers: Invalid value: {"name":"web"}: must be of type array']],
  ['container not an object', pod({ containers: ['nginx'] }), ['spec.containers[0]: Invalid value: "nginx": must be of type object']],
  ['image required', podWith({ image: '' }), ['spec.containers[0].image: Required value']],
  ['image missing', pod({ containers: [{ name: 'web' }] }), ['spec.containers[0].image: Required value']],
  ['image with whitespace', podWith({ image: ' nginx' }), ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']],
  ['container name required', pod({ containers: [{ image: 'nginx' }] }), ['spec.containers[0].name: Required value']],
  ['container name not a DNS label', podWith({ name: 'Web_1' }), [`spec.containers[0].name: Invalid value: "Web_1": ${LABEL}`]],
  [
    'duplicate container names, across init containers too',
    pod({
      containers: [
        { name: 'web', image: 'a' },
        { name: 'web', image: 'b' },
      ],
      initContainers: [{ name: 'web', image: 'c' }],
    }),
    ['spec.containers[1].name: Duplicate value: "web"', 'spec.initContainers[0].name: Duplicate value: "web"'],
  ],
  [
    'containerPort out of range',
    podWith({ ports: [{ containerPort: 70000 }] }),
    [`spec.containers[0].ports[0].containerPort: Invalid value: 70000: ${PORT_RANGE}`],
  ],
  ['containerPort missing', podWith({ ports: [{ name: 'http' }] }), ['spec.containers[0].ports[0].containerPort: Required value']],
  [
    'containerPort not a number',
    podWith({ ports: [{ containerPort: '80' }] }),
    ['spec.containers[0].ports[0].containerPort: Invalid value: "80": must be of type integer'],
  ],
  [
    'port protocol',
    podWith({ ports: [{ containerPort: 80, protocol: 'tcp' }] }),
    ['spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"'],
  ],
  [
    'port name rules',
    podWith({ ports: [{ containerPort: 80, name: 'HTTP-port-number-1' }] }),
    [
      'spec.containers[0].ports[0].name: Invalid value: "HTTP-port-number-1": must be no more than 15 characters',
      'spec.containers[0].ports[0].name: Invalid value: "HTTP-port-number-1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  ],
  [
    'duplicate port names and host ports',
    podWith({
      ports: [
        { containerPort: 80, name: 'http', hostPort: 8080 },
        { containerPort: 81, name: 'http', hostPort: 8080 },
      ],
    }),
    ['spec.containers[0].ports[1].name: Duplicate value: "http"', 'spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//8080"'],
  ],
  [
    'request above limit',
    podWith({ resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1024Mi' } } }),
    ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
  ],
  [
    'bad quantities',
    podWith({ resources: { requests: { cpu: 'lots', memory: '1Kb' }, limits: { memory: true } } }),
    [
      'spec.containers[0].resources.limits[memory]: Invalid value: true: must be of type string',
      `spec.containers[0].resources.requests[cpu]: Invalid value: "lots": ${QUANTITY_FORMAT}`,
      `spec.containers[0].resources.requests[memory]: Invalid value: "1Kb": ${QUANTITY_FORMAT}`,
    ],
  ],
  [
    'bad quantity suffix',
    podWith({ resources: { limits: { memory: '1K' } } }),
    ['spec.containers[0].resources.limits[memory]: Invalid value: "1K": unable to parse quantity\'s suffix'],
  ],
  [
    'negative request',
    podWith({ resources: { requests: { cpu: '-100m' } } }),
    ['spec.containers[0].resources.requests[cpu]: Invalid value: "-100m": must be greater than or equal to 0'],
  ],
  [
    'unknown resource name',
    podWith({ resources: { requests: { gpu: '1' } } }),
    [
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ],
  ],
  [
    'extended resources are whole and not overcommitted',
    podWith({ resources: { requests: { 'nvidia.com/gpu': '0.5' }, limits: { 'nvidia.com/gpu': '1' } } }),
    [
      'spec.containers[0].resources.requests[nvidia.com/gpu]: Invalid value: "500m": must be an integer',
      'spec.containers[0].resources.requests: Invalid value: "500m": must be equal to nvidia.com/gpu limit of 1',
    ],
  ],
  [
    'extended resource request without limit',
    podWith({ resources: { requests: { 'example.com/foo': '1' } } }),
    ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources'],
  ],
  [
    'restartPolicy',
    pod({ restartPolicy: 'Sometimes' }),
    ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
  ],
  [
    'dnsPolicy',
    pod({ dnsPolicy: 'Cluster' }),
    ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
  ],
  ['dnsPolicy None without dnsConfig', pod({ dnsPolicy: 'None' }), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
  [
    'imagePullPolicy',
    podWith({ imagePullPolicy: 'Sometimes' }),
    ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
  ],
  [
    'terminationMessagePolicy',
    podWith({ terminationMessagePolicy: 'Log' }),
    ['spec.containers[0].terminationMessagePolicy: Unsupported value: "Log": supported values: "File", "FallbackToLogsOnError"'],
  ],
  [
    'negative terminationGracePeriodSeconds',
    pod({ terminationGracePeriodSeconds: -5 }),
    ['spec.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0'],
  ],
  ['activeDeadlineSeconds', pod({ activeDeadlineSeconds: 0 }), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
  ['nodeSelector', pod({ nodeSelector: { 'disk type': 'ssd' } }), [`spec.nodeSelector: Invalid value: "disk type": ${QUALIFIED_NAME}`]],
  ['nodeName', pod({ nodeName: 'Node_1' }), [`spec.nodeName: Invalid value: "Node_1": ${SUBDOMAIN}`]],
  ['serviceAccountName', pod({ serviceAccountName: 'My SA' }), [`spec.serviceAccountName: Invalid value: "My SA": ${SUBDOMAIN}`]],
  ['hostname', pod({ hostname: 'a.b' }), [`spec.hostname: Invalid value: "a.b": ${LABEL}`]],
  [
    'tolerations',
    pod({
      tolerations: [
        { operator: 'Equal', value: 'x' },
        { key: 'k', operator: 'Exists', value: 'v' },
        { key: 'k', operator: 'Like' },
        { key: 'k', effect: 'NoRun' },
        { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 },
      ],
    }),
    [
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      'spec.tolerations[1].operator: Invalid value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'',
      'spec.tolerations[2].operator: Unsupported value: "Like": supported values: "Equal", "Exists"',
      'spec.tolerations[3].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'spec.tolerations[4].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
    ],
  ],
  [
    'env',
    podWith({
      env: [
        { value: 'x' },
        { name: 'A=B' },
        { name: 'FROM', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        { name: 'NONE', valueFrom: {} },
        { name: 'FIELD', valueFrom: { fieldRef: { fieldPath: 'spec.host' } } },
        { name: 'KEY', valueFrom: { configMapKeyRef: { name: 'cm' } } },
      ],
    }),
    [
      'spec.containers[0].env[0].name: Required value',
      'spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
      'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.containers[0].env[3].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.host": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      'spec.containers[0].env[5].valueFrom.configMapKeyRef.key: Required value',
    ],
  ],
  [
    'volume mounts',
    podWith(
      { volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cache', mountPath: '/data' }, { name: 'cache' }] },
      { volumes: [{ name: 'cache', emptyDir: {} }] },
    ),
    [
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
      'spec.containers[0].volumeMounts[2].mountPath: Required value',
    ],
  ],
  [
    'volumes',
    pod({
      volumes: [
        { name: 'a', emptyDir: {}, hostPath: { path: '/tmp' } },
        { name: 'a', secret: {} },
        { name: 'B', configMap: { name: 'cm', defaultMode: 1000 } },
        { name: 'c', hostPath: { path: '/x', type: 'Folder' } },
        { name: 'd', persistentVolumeClaim: {} },
        { emptyDir: {} },
      ],
    }),
    [
      'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[1].secret.secretName: Required value',
      'spec.volumes[1].name: Duplicate value: "a"',
      'spec.volumes[2].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
      `spec.volumes[2].name: Invalid value: "B": ${LABEL}`,
      'spec.volumes[3].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
      'spec.volumes[4].persistentVolumeClaim.claimName: Required value',
      'spec.volumes[5].name: Required value',
    ],
  ],
  [
    'probes',
    podWith({
      livenessProbe: { httpGet: { path: '/', port: 0 }, successThreshold: 2 },
      readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 }, periodSeconds: -1 },
      startupProbe: {},
    }),
    [
      `spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: ${PORT_RANGE}`,
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.containers[0].startupProbe: Required value: must specify a handler type',
    ],
  ],
  [
    'probe scheme and named port',
    podWith({ readinessProbe: { httpGet: { path: '/', port: 'Http', scheme: 'FTP' } } }),
    [
      'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"',
    ],
  ],
  [
    'lifecycle hook without handler',
    podWith({ lifecycle: { preStop: {} } }),
    ['spec.containers[0].lifecycle.preStop: Required value: must specify a handler type'],
  ],
  [
    'init containers',
    pod({
      initContainers: [
        { name: 'init', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } },
        { name: 'side', image: 'envoy', restartPolicy: 'Never' },
      ],
    }),
    [
      'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
      'spec.initContainers[1].restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
  ],
  [
    'restartPolicy on a regular container',
    podWith({ restartPolicy: 'Always' }),
    ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers'],
  ],
  [
    'hostNetwork ports',
    podWith({ ports: [{ containerPort: 80, hostPort: 8080 }] }, { hostNetwork: true }),
    ['spec.containers[0].ports[0].containerPort: Invalid value: 80: must match `hostPort` when `hostNetwork` is true'],
  ],
  [
    'securityContext user',
    podWith({ securityContext: { runAsUser: -1, privileged: 'yes' } }),
    [
      'spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
      'spec.containers[0].securityContext.privileged: Invalid value: "yes": must be of type boolean',
    ],
  ],
  ['command not strings', podWith({ command: ['sh', 1] }), ['spec.containers[0].command[1]: Invalid value: 1: must be of type string']],
  ['status not an object', { ...pod(), status: 'Running' }, ['status: Invalid value: "Running": must be of type object']],
];

const rsSpec = (spec: Json = {}): Json => ({
  replicas: 1,
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  ...spec,
});
const deployment = (spec: Json = {}): Json => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(), spec: rsSpec(spec) });
const replicaSet = (spec: Json = {}): Json => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta(), spec: rsSpec(spec) });

const workloadCases: Case[] = [
  [
    'selector does not match template labels',
    deployment({ selector: { matchLabels: { app: 'api' } } }),
    ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
  ],
  [
    'selector missing',
    deployment({ selector: undefined }),
    [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ],
  ],
  [
    'empty selector',
    deployment({ selector: {} }),
    [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ],
  ],
  [
    'invalid selector stops template checks',
    deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['web'] }] }, template: {} }),
    [
      'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Like", Values:[]string{"web"}}}}: invalid label selector',
    ],
  ],
  [
    'In without values',
    deployment({ selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' }] } }),
    [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
    ],
  ],
  [
    'a selector of nulls and bad values is printed, not thrown on',
    deployment({ selector: { matchExpressions: [null, { key: 'k', operator: 'In', values: 'x' }] }, template: {} }),
    [
      'spec.selector.matchExpressions[0]: Invalid value: null: must be of type object',
      'spec.selector.matchExpressions[1].values: Invalid value: "x": must be of type array',
      "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"", Operator:"", Values:[]string(nil)}, v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
    ],
  ],
  ['negative replicas', deployment({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
  ['replicas not an integer', replicaSet({ replicas: 1.5 }), ['spec.replicas: Invalid value: 1.5: must be of type integer']],
  [
    'template pod spec paths',
    deployment({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: '' }] } } }),
    ['spec.template.spec.containers[0].image: Required value'],
  ],
  [
    'template labels path is spec.template.labels',
    deployment({
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', 'bad key': 'x' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    }),
    [`spec.template.labels: Invalid value: "bad key": ${QUALIFIED_NAME}`],
  ],
  [
    'template restartPolicy must be Always',
    replicaSet({ template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'web', image: 'nginx' }] } } }),
    ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  ],
  [
    'strategy type',
    deployment({ strategy: { type: 'BlueGreen' } }),
    ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"'],
  ],
  [
    'Recreate with rollingUpdate',
    deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }),
    ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  ],
  [
    'maxSurge and maxUnavailable both zero',
    deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }),
    ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
  ],
  [
    'bad percents',
    deployment({ strategy: { rollingUpdate: { maxSurge: '25', maxUnavailable: '150%' } } }),
    [
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"25\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ],
  ],
  [
    'negative maxSurge',
    deployment({ strategy: { rollingUpdate: { maxSurge: -1 } } }),
    ['spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0'],
  ],
  [
    'progressDeadlineSeconds',
    deployment({ minReadySeconds: 10, progressDeadlineSeconds: 10 }),
    ['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds'],
  ],
  ['revisionHistoryLimit', deployment({ revisionHistoryLimit: -1 }), ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
];

const svc = (spec: Json, name = 'web'): Json => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec });

const otherCases: Case[] = [
  ['service name is a DNS-1035 label', svc({ ports: [{ port: 80 }] }, '1web'), [`metadata.name: Invalid value: "1web": ${DNS1035}`]],
  ['service ports required', svc({ selector: { app: 'web' } }), ['spec.ports: Required value']],
  ['service port range', svc({ ports: [{ port: 0 }] }), [`spec.ports[0].port: Invalid value: 0: ${PORT_RANGE}`]],
  [
    'service ports need names when several',
    svc({ ports: [{ port: 80 }, { name: 'http', port: 81, targetPort: 70000 }, { name: 'http', port: 82, protocol: 'HTTP' }] }),
    [
      'spec.ports[0].name: Required value',
      `spec.ports[1].targetPort: Invalid value: 70000: ${PORT_RANGE}`,
      'spec.ports[2].name: Duplicate value: "http"',
      'spec.ports[2].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ],
  ],
  [
    'service type',
    svc({ type: 'Internal', ports: [{ port: 80 }] }),
    ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
  ],
  ['service selector', svc({ ports: [{ port: 80 }], selector: { app: 'web app' } }), [`spec.selector: Invalid value: "web app": ${LABEL_VALUE}`]],
  [
    'nodePort with ClusterIP',
    svc({ type: 'ClusterIP', ports: [{ port: 80, nodePort: 30000 }] }),
    ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
  ],
  [
    'duplicate service port',
    svc({
      ports: [
        { name: 'a', port: 80 },
        { name: 'b', port: 80 },
      ],
    }),
    [
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ],
  ],
  ['ExternalName needs externalName', svc({ type: 'ExternalName' }), ['spec.externalName: Required value']],
  [
    'headless NodePort',
    svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }),
    ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services'],
  ],
  [
    'clusterIP',
    svc({ clusterIP: '10.0.0.300', ports: [{ port: 80 }] }),
    ['spec.clusterIP: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  ],
  [
    'sessionAffinity',
    svc({ sessionAffinity: 'Sticky', ports: [{ port: 80 }] }),
    ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
  ],

  [
    'namespace name is a DNS label',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } },
    [`metadata.name: Invalid value: "team.a": ${LABEL}`],
  ],
  [
    'namespace name length',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a'.repeat(64) } },
    [`metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`],
  ],
  [
    'namespace finalizers',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { finalizers: ['foo'] } },
    ['spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified'],
  ],

  [
    'node taints',
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: {
        taints: [
          { key: 'a', effect: 'NoRun' },
          { key: 'b' },
          { key: 'c', effect: 'NoSchedule' },
          { key: 'c', value: 'x', effect: 'NoSchedule' },
          { key: 'bad key', effect: 'NoExecute' },
        ],
      },
    },
    [
      'spec.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'spec.taints[1].effect: Required value',
      'spec.taints[3]: Duplicate value: core.Taint{Key:"c", Value:"x", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
      `spec.taints[4].key: Invalid value: "bad key": ${QUALIFIED_NAME}`,
    ],
  ],
  [
    'node capacity quantities',
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: { capacity: { cpu: 'four', memory: '-1Gi' }, allocatable: { 'nvidia.com/gpu': '0.5' } },
    },
    [
      `status.capacity.cpu: Invalid value: "four": ${QUANTITY_FORMAT}`,
      'status.capacity.memory: Invalid value: "-1Gi": must be greater than or equal to 0',
      'status.allocatable.nvidia.com/gpu: Invalid value: "500m": must be an integer',
    ],
  ],

  [
    'lease',
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('l'), spec: { holderIdentity: 7, leaseDurationSeconds: 0, leaseTransitions: -1 } },
    [
      'spec.holderIdentity: Invalid value: 7: must be of type string',
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ],
  ],

  ['event involvedObject required', { apiVersion: 'v1', kind: 'Event', metadata: meta('e1'), reason: 'x' }, ['involvedObject: Required value']],
  [
    'event type',
    { apiVersion: 'v1', kind: 'Event', metadata: meta('e1'), involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, type: 'Error' },
    ['type: Unsupported value: "Error": supported values: "Normal", "Warning"'],
  ],
  [
    'event namespace mismatch',
    { apiVersion: 'v1', kind: 'Event', metadata: meta('e1'), involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } },
    ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
  ],
  [
    'new-style event needs reporting fields',
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta('e1'),
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      reportingComponent: 'kubelet',
    },
    ['reportingInstance: Required value', 'action: Required value'],
  ],
  [
    'event name',
    { apiVersion: 'v1', kind: 'Event', metadata: meta('a/b'), involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' } },
    ['metadata.name: Invalid value: "a/b": may not contain \'/\''],
  ],

  [
    'endpointslice',
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta('web-1'),
      addressType: 'IPv4',
      endpoints: [{ addresses: [] }, { addresses: ['10.0.0.999'] }, { addresses: ['::1'], hostname: 'Web' }],
      ports: [
        { name: 'http', protocol: 'TCP' },
        { name: 'http', protocol: 'ICMP' },
      ],
    },
    [
      'endpoints[0].addresses: Required value: must contain at least 1 address',
      'endpoints[1].addresses[0]: Invalid value: "10.0.0.999": must be a valid IPv4 address',
      'endpoints[2].addresses[0]: Invalid value: "::1": must be a valid IPv4 address',
      `endpoints[2].hostname: Invalid value: "Web": ${LABEL}`,
      'ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ],
  ],
  ['endpointslice addressType required', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('e') }, ['addressType: Required value']],
  [
    'endpointslice addressType',
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('e'), addressType: 'IP' },
    ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
  ],
  [
    'endpointslice FQDN',
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('e'), addressType: 'FQDN', endpoints: [{ addresses: ['localhost'] }] },
    ['endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots'],
  ],

  [
    'role rules',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('r'),
      rules: [{ apiGroups: [''], resources: ['pods'] }, { verbs: ['get'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }],
    },
    [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[1].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[1].resources: Required value: resource rules must supply at least one resource',
      'rules[2].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ],
  ],
  [
    'rbac names are path segments',
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'a/b' } },
    ['metadata.name: Invalid value: "a/b": may not contain \'/\''],
  ],
  ['roleRef required', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('b') }, ['roleRef: Required value']],
  [
    'roleRef fields',
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('b'), roleRef: { apiGroup: 'apps', kind: 'Deployment' } },
    [
      'roleRef.apiGroup: Unsupported value: "apps": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Deployment": supported values: "Role", "ClusterRole"',
      'roleRef.name: Required value',
    ],
  ],
  [
    'cluster role binding refers to a ClusterRole, subjects',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [{ kind: 'Robot', name: 'r2' }, { kind: 'ServiceAccount', name: 'sa' }, { kind: 'User', name: 'u', apiGroup: 'v1' }, { kind: 'Group' }],
    },
    [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[1].namespace: Required value',
      'subjects[2].apiGroup: Unsupported value: "v1": supported values: "rbac.authorization.k8s.io"',
      'subjects[3].name: Required value',
    ],
  ],
  ['serviceaccount name', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('Builder') }, [`metadata.name: Invalid value: "Builder": ${SUBDOMAIN}`]],
];

for (const [title, cases] of [
  ['ObjectMeta', metaCases],
  ['Pod', podCases],
  ['Deployment and ReplicaSet', workloadCases],
  ['Service, Namespace, Node, Lease, Event, EndpointSlice, RBAC, ServiceAccount', otherCases],
] as const) {
  describe(`${title}: exact paths and messages`, () => {
    for (const [name, obj, expected] of cases) {
      test(name, () => assert.deepEqual(causes(obj), expected));
    }
  });
}

test('causes feed errors.invalid() unchanged', async () => {
  const { invalid } = await import('../../src/apimachinery/errors.ts');
  const err = invalid('Pod', 'web', validateObject(podWith({ image: '' }) as KubeObject));
  assert.equal(err.message, 'Pod "web" is invalid: spec.containers[0].image: Required value');
});

// ---- updates -------------------------------------------------------------------------------

describe('validateUpdate', () => {
  const stored = (obj: Json): Json => {
    const o = clone(obj);
    applyDefaults(o as KubeObject);
    o.metadata = { ...o.metadata, uid: 'uid-1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5' };
    return o;
  };

  test('unchanged objects and metadata-only changes pass', () => {
    const old = stored(pod());
    assert.deepEqual(updateCauses(clone(old), old), []);
    const relabeled = clone(old);
    relabeled.metadata.labels = { app: 'web' };
    relabeled.metadata.annotations = { note: 'x' };
    assert.deepEqual(updateCauses(relabeled, old), []);
  });

  test('name, namespace, uid and creationTimestamp are immutable', () => {
    const old = stored(pod());
    const n = clone(old);
    n.metadata.name = 'other';
    n.metadata.namespace = 'prod';
    n.metadata.uid = 'uid-2';
    n.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
    assert.deepEqual(updateCauses(n, old), [
      'metadata.name: Invalid value: "other": field is immutable',
      'metadata.namespace: Invalid value: "prod": field is immutable',
      'metadata.uid: Invalid value: "uid-2": field is immutable',
      'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    ]);
  });

  test('an update that leaves out uid and creationTimestamp keeps them', () => {
    const old = stored(pod());
    const n = clone(old);
    delete n.metadata.uid;
    delete n.metadata.creationTimestamp;
    assert.deepEqual(updateCauses(n, old), []);
  });

  const forbidden = (changed: string): string =>
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' +
    `\n  changed: ${changed}`;

  test('pods: images, activeDeadlineSeconds and added tolerations may change', () => {
    const old = stored(pod({ nodeName: 'node-1', tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] }));
    const n = clone(old);
    n.spec.containers[0].image = 'nginx:1.26';
    n.spec.activeDeadlineSeconds = 100;
    n.spec.tolerations = [
      { key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
      { key: 'b', operator: 'Exists' },
    ];
    assert.deepEqual(updateCauses(n, old), []);
  });

  test('pods: spec.nodeName cannot change once set', () => {
    const old = stored(pod({ nodeName: 'node-1' }));
    const n = clone(old);
    n.spec.nodeName = 'node-2';
    assert.deepEqual(updateCauses(n, old), [forbidden('spec.nodeName')]);
    const unset = clone(old);
    delete unset.spec.nodeName;
    assert.deepEqual(updateCauses(unset, old), [forbidden('spec.nodeName')]);
  });

  test('pods: other spec fields are forbidden', () => {
    const old = stored(pod());
    const n = clone(old);
    n.spec.containers[0].ports = [{ containerPort: 80, protocol: 'TCP' }];
    n.spec.restartPolicy = 'Never';
    assert.deepEqual(updateCauses(n, old), [forbidden('spec.containers, spec.restartPolicy')]);
  });

  test('pods: equal quantities and zero values are not changes', () => {
    const old = stored(podWith({ resources: { requests: { cpu: '1' } } }));
    const n = clone(old);
    n.spec.containers[0].resources.requests.cpu = '1000m';
    n.spec.containers[0].resources.limits = {};
    n.spec.hostNetwork = false;
    assert.deepEqual(updateCauses(n, old), []);
  });

  test('pods: containers cannot be added or removed', () => {
    const old = stored(pod());
    const n = clone(old);
    n.spec.containers.push({ name: 'sidecar', image: 'envoy' });
    assert.deepEqual(updateCauses(n, old), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  });

  test('pods: tolerations may only be added; activeDeadlineSeconds may only shrink', () => {
    const old = stored(pod({ tolerations: [{ key: 'a', operator: 'Exists' }], activeDeadlineSeconds: 100 }));
    const n = clone(old);
    n.spec.tolerations = [{ key: 'b', operator: 'Exists' }];
    assert.deepEqual(updateCauses(n, old), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
    const longer = clone(old);
    longer.spec.activeDeadlineSeconds = 200;
    assert.deepEqual(updateCauses(longer, old), ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
    const removed = clone(old);
    delete removed.spec.activeDeadlineSeconds;
    assert.deepEqual(updateCauses(removed, old), ['spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value']);
  });

  test('pods: terminationGracePeriodSeconds may go from negative to 1', () => {
    const old = stored(pod({ terminationGracePeriodSeconds: -1 }));
    const n = clone(old);
    n.spec.terminationGracePeriodSeconds = 1;
    assert.deepEqual(updateCauses(n, old), []);
  });

  test('deployments and replicasets: spec.selector is immutable', () => {
    for (const make of [deployment, replicaSet]) {
      const old = stored(make());
      const n = clone(old);
      n.spec.selector = { matchLabels: { app: 'web', tier: 'front' } };
      assert.deepEqual(updateCauses(n, old), [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      ]);
      const scaled = clone(old);
      scaled.spec.replicas = 5;
      scaled.spec.template.spec.containers[0].image = 'nginx:2';
      assert.deepEqual(updateCauses(scaled, old), []);
    }
  });

  test('services: an allocated clusterIP is immutable', () => {
    const old = stored(svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' }));
    const n = clone(old);
    n.spec.clusterIP = '10.96.0.11';
    assert.deepEqual(updateCauses(n, old), ['spec.clusterIP: Invalid value: "10.96.0.11": field is immutable']);
    const kept = clone(old);
    delete kept.spec.clusterIP;
    assert.deepEqual(updateCauses(kept, old), []);
    const toExternal = clone(old);
    toExternal.spec = { type: 'ExternalName', externalName: 'db.example.com' };
    assert.deepEqual(updateCauses(toExternal, old), []);
  });

  test('bindings: roleRef is immutable', () => {
    const old = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('b'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' },
    };
    const n = clone(old);
    n.roleRef.name = 'b';
    assert.deepEqual(updateCauses(n, old), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
    ]);
  });

  test('endpointslices: addressType is immutable; nodes: podCIDR once set', () => {
    const es = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('e'), addressType: 'IPv4' };
    assert.deepEqual(updateCauses({ ...es, addressType: 'IPv6' }, es), ['addressType: Invalid value: "IPv6": field is immutable']);
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} as Json };
    assert.deepEqual(updateCauses({ ...node, spec: { podCIDR: '10.0.0.0/24' } }, node), []);
    assert.deepEqual(updateCauses({ ...node, spec: { podCIDR: '10.0.1.0/24' } }, { ...node, spec: { podCIDR: '10.0.0.0/24' } }), [
      'spec.podCIDR: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
  });

  test('kinds without update rules only check metadata', () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('l'), spec: { holderIdentity: 'a' } };
    assert.deepEqual(updateCauses({ ...lease, spec: { holderIdentity: 'b' } }, lease), []);
  });
});
