// One realistic manifest for every kind kubeql serves, written as public projects write
// them (the Kubernetes docs' examples, Helm charts' rendered output, operators' deploy
// files): probes, env from ConfigMaps and Secrets, volumes, securityContext, resources,
// volumeClaimTemplates, TLS, behavior… Used by the round-trip and property tests.
//
// No manifest sets `status` or system metadata (uid, resourceVersion, creationTimestamp):
// the server owns those. Quantities and timestamps are written in Kubernetes' canonical
// form ("500m", "128Mi", "2024-05-01T10:00:00Z"), the form it prints them in.
import { KINDS, type KindInfo } from '../../src/apis/kinds.ts';

export type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The namespace of MANIFESTS' namespaced objects (MANIFESTS.Namespace is that namespace). */
export const MANIFESTS_NAMESPACE = 'round-trip';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/**
 * The manifests, one per kind, keyed by kind, in an order `kubectl apply -f` can take them
 * in (the Namespace and the classes first, ResourceQuota and LimitRange last so that they
 * constrain nothing written before them). Namespaced objects are in `namespace`, whose
 * Namespace manifest is among them; `suffix` is added to the names of cluster-scoped
 * objects (and what refers to them), so that several sets can live in one cluster.
 */
export function manifestsFor(namespace: string, suffix = ''): Record<string, Manifest> {
  return copyOf(written(namespace, suffix)); // no part shared between objects (the selector labels are written once)
}

function written(namespace: string, suffix: string): Record<string, Manifest> {
  const sfx = (name: string) => `${name}${suffix}`;
  // A CRD's name is <plural>.<group>: another set gets another group.
  const crdGroup = suffix ? `stable${suffix.replace(/[^a-z0-9]/g, '')}.example.com` : 'stable.example.com';
  const appLabels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-prod', 'app.kubernetes.io/component': 'frontend' };
  const selectorLabels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-prod' };

  return {
    Namespace: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: { team: 'platform', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' },
        annotations: { 'scheduler.alpha.kubernetes.io/node-selector': 'kubernetes.io/os=linux', owner: 'platform-team@example.com' },
      },
    },

    PriorityClass: {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: sfx('high-priority'), labels: { tier: 'critical' } },
      value: 1000000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'This priority class should be used for XYZ service pods only.',
    },

    StorageClass: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: sfx('fast-ssd'), labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', iops: '3000', throughput: '125', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
      mountOptions: ['noatime'],
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.ebs.csi.aws.com/zone', values: ['us-east-1a', 'us-east-1b'] }] }],
    },

    IngressClass: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: sfx('nginx'),
        labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/version': '1.10.1' },
      },
      spec: {
        controller: 'k8s.io/ingress-nginx',
        parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb', scope: 'Namespace', namespace },
      },
    },

    CustomResourceDefinition: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `crontabs.${crdGroup}`, annotations: { 'controller-gen.kubebuilder.io/version': 'v0.14.0' } },
      spec: {
        group: crdGroup,
        scope: 'Namespaced',
        names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], categories: ['all'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                description: 'CronTab runs an image on a schedule.',
                type: 'object',
                properties: {
                  apiVersion: { type: 'string' },
                  kind: { type: 'string' },
                  metadata: { type: 'object' },
                  spec: {
                    type: 'object',
                    required: ['cronSpec', 'image'],
                    properties: {
                      cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$', description: 'The schedule, in cron format.' },
                      image: { type: 'string' },
                      replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
                      env: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } } },
                      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    },
                  },
                  status: { type: 'object', properties: { replicas: { type: 'integer' }, labelSelector: { type: 'string' } } },
                },
              },
            },
            subresources: {
              status: {},
              scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' },
            },
            additionalPrinterColumns: [
              { name: 'Spec', type: 'string', description: 'The cron spec defining the interval a CronJob is run', jsonPath: '.spec.cronSpec' },
              { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ],
          },
        ],
      },
    },

    Node: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: sfx('ip-10-0-1-23.ec2.internal'),
        labels: {
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/hostname': sfx('ip-10-0-1-23.ec2.internal'),
          'node.kubernetes.io/instance-type': 'm5.large',
          'topology.kubernetes.io/region': 'us-east-1',
          'topology.kubernetes.io/zone': 'us-east-1a',
          'node-role.kubernetes.io/worker': '',
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: {
        providerID: `aws:///us-east-1a/i-0abc123def456789${suffix ? '1' : '0'}`,
        taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
      },
    },

    ServiceAccount: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'web',
        namespace,
        labels: selectorLabels,
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/web-prod' },
      },
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'regcred' }],
    },

    ConfigMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace, labels: appLabels },
      data: {
        LOG_LEVEL: 'info',
        FEATURE_FLAGS: 'search,checkout',
        'nginx.conf': 'server {\n  listen 8080;\n  location / {\n    root /usr/share/nginx/html;\n  }\n}\n',
        'application.yaml': 'spring:\n  datasource:\n    url: jdbc:postgresql://postgres:5432/app\n',
      },
      binaryData: { 'favicon.ico': 'AAABAAEAEBAAAAEAIABoBAAAFgAAAA==' },
    },

    Secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-secrets', namespace, labels: appLabels },
      type: 'Opaque',
      data: { DATABASE_PASSWORD: b64('s3cr3t-pa55'), API_KEY: b64('0123456789abcdef'), username: b64('olduser') },
      // Folded into data on write, overwriting data's `username` (Kubernetes' rule).
      stringData: { username: 'admin', 'config.json': '{"endpoint":"https://api.example.com","retries":3}\n' },
    },

    Pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'debug-tools',
        namespace,
        labels: { app: 'debug-tools', 'sidecar.istio.io/inject': 'false' },
        annotations: { 'kubernetes.io/description': 'A debugging pod' },
      },
      spec: {
        priorityClassName: sfx('high-priority'),
        restartPolicy: 'Never',
        serviceAccountName: 'web',
        terminationGracePeriodSeconds: 10,
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
        initContainers: [
          {
            name: 'wait-for-db',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'until nslookup postgres; do echo waiting for postgres; sleep 2; done'],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
          },
        ],
        containers: [
          {
            name: 'shell',
            image: 'nicolaka/netshoot:v0.12',
            imagePullPolicy: 'IfNotPresent',
            command: ['sleep'],
            args: ['3600'],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
              { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'shell', resource: 'limits.memory', divisor: '1Mi' } } },
            ],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_RAW'] } },
            volumeMounts: [
              { name: 'tmp', mountPath: '/tmp' },
              { name: 'config', mountPath: '/etc/debug', readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          { name: 'config', configMap: { name: 'web-config', items: [{ key: 'nginx.conf', path: 'nginx.conf' }], defaultMode: 420 } },
        ],
      },
    },

    Deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace,
        labels: { ...appLabels, 'app.kubernetes.io/version': '1.4.2', 'helm.sh/chart': 'web-0.3.1', 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { 'meta.helm.sh/release-name': 'web-prod', 'meta.helm.sh/release-namespace': namespace },
      },
      spec: {
        replicas: 3,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 300,
        minReadySeconds: 5,
        selector: { matchLabels: selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: selectorLabels,
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'checksum/config': 'a3f5c2e1b4d6' },
          },
          spec: {
            serviceAccountName: 'web',
            priorityClassName: sfx('high-priority'),
            securityContext: { runAsNonRoot: true, runAsUser: 101, fsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: { labelSelector: { matchLabels: selectorLabels }, topologyKey: 'kubernetes.io/hostname' },
                  },
                ],
              },
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
                },
              },
            },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels } },
            ],
            containers: [
              {
                name: 'web',
                image: 'ghcr.io/example/web:1.4.2',
                imagePullPolicy: 'IfNotPresent',
                ports: [
                  { name: 'http', containerPort: 8080, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
                ],
                env: [
                  { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'LOG_LEVEL' } } },
                  { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'DATABASE_PASSWORD' } } },
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                  { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
                  { name: 'JAVA_OPTS', value: '-XX:MaxRAMPercentage=75.0' },
                ],
                envFrom: [{ configMapRef: { name: 'web-config' } }, { secretRef: { name: 'web-secrets', optional: true }, prefix: 'SECRET_' }],
                resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '1Gi' } },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
                  initialDelaySeconds: 15,
                  periodSeconds: 20,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: { path: '/ready', port: 8080, httpHeaders: [{ name: 'X-Probe', value: 'readiness' }] },
                  periodSeconds: 5,
                  successThreshold: 1,
                },
                startupProbe: { tcpSocket: { port: 8080 }, failureThreshold: 30, periodSeconds: 10 },
                lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true },
                  { name: 'secrets', mountPath: '/var/run/secrets/web', readOnly: true },
                  { name: 'cache', mountPath: '/var/cache/nginx' },
                ],
              },
              {
                name: 'log-shipper',
                image: 'fluent/fluent-bit:3.0',
                args: ['--config=/fluent-bit/etc/fluent-bit.conf'],
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
                volumeMounts: [{ name: 'cache', mountPath: '/var/cache/nginx', readOnly: true }],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } },
              { name: 'secrets', secret: { secretName: 'web-secrets', defaultMode: 256, items: [{ key: 'config.json', path: 'config.json' }] } },
              { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
            ],
          },
        },
      },
    },

    ReplicaSet: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'frontend', namespace, labels: { app: 'guestbook', tier: 'frontend' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { tier: 'frontend' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['guestbook'] }] },
        template: {
          metadata: { labels: { app: 'guestbook', tier: 'frontend' } },
          spec: {
            containers: [
              {
                name: 'php-redis',
                image: 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5',
                ports: [{ containerPort: 80 }],
                env: [{ name: 'GET_HOSTS_FROM', value: 'dns' }],
              },
            ],
          },
        },
      },
    },

    ReplicationController: {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'nginx', namespace, labels: { app: 'nginx' } },
      spec: {
        replicas: 3,
        selector: { app: 'nginx' },
        template: {
          metadata: { name: 'nginx', labels: { app: 'nginx' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
        },
      },
    },

    StatefulSet: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace, labels: { app: 'postgres' } },
      spec: {
        serviceName: 'postgres-headless',
        replicas: 3,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
        minReadySeconds: 10,
        selector: { matchLabels: { app: 'postgres' } },
        template: {
          metadata: { labels: { app: 'postgres' } },
          spec: {
            terminationGracePeriodSeconds: 30,
            securityContext: { fsGroup: 999 },
            containers: [
              {
                name: 'postgres',
                image: 'postgres:16.3',
                ports: [{ name: 'postgres', containerPort: 5432 }],
                env: [
                  { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'DATABASE_PASSWORD' } } },
                  { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                ],
                readinessProbe: { exec: { command: ['pg_isready', '-U', 'postgres'] }, initialDelaySeconds: 5, periodSeconds: 10 },
                resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: { app: 'postgres' } },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: sfx('fast-ssd'), resources: { requests: { storage: '20Gi' } } },
          },
        ],
      },
    },

    DaemonSet: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'fluentd-elasticsearch', namespace, labels: { 'k8s-app': 'fluentd-logging' } },
      spec: {
        selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { name: 'fluentd-elasticsearch' } },
          spec: {
            tolerations: [
              { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
              { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
            ],
            priorityClassName: sfx('high-priority'),
            containers: [
              {
                name: 'fluentd-elasticsearch',
                image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
                resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
                volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
              },
            ],
            terminationGracePeriodSeconds: 30,
            volumes: [{ name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } }],
          },
        },
      },
    },

    ControllerRevision: {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: 'postgres-7d4b9c8f6',
        namespace,
        labels: { app: 'postgres', 'controller.kubernetes.io/hash': '7d4b9c8f6' },
      },
      data: {
        spec: {
          template: { $patch: 'replace', metadata: { labels: { app: 'postgres' } }, spec: { containers: [{ name: 'postgres', image: 'postgres:16.3' }] } },
        },
      },
      revision: 1,
    },

    Job: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace, labels: { app: 'pi' } },
      spec: {
        completions: 5,
        parallelism: 2,
        backoffLimit: 4,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 100,
        completionMode: 'Indexed',
        template: {
          metadata: { labels: { app: 'pi' } },
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'pi',
                image: 'perl:5.34.0',
                command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'],
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    },

    CronJob: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'db-backup', namespace, labels: { app: 'db-backup' } },
      spec: {
        schedule: '30 2 * * *',
        timeZone: 'Europe/Berlin',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 200,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        suspend: false,
        jobTemplate: {
          metadata: { labels: { app: 'db-backup' } },
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels: { app: 'db-backup' } },
              spec: {
                restartPolicy: 'OnFailure',
                containers: [
                  {
                    name: 'backup',
                    image: 'postgres:16.3',
                    command: ['/bin/sh', '-c', 'pg_dump -h postgres -U postgres app | gzip > /backup/app-$(date +%F).sql.gz'],
                    env: [{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'DATABASE_PASSWORD' } } }],
                    volumeMounts: [{ name: 'backup', mountPath: '/backup' }],
                  },
                ],
                volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: 'backup' } }],
              },
            },
          },
        },
      },
    },

    PodTemplate: {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: 'batch-worker', namespace, labels: { app: 'batch-worker' } },
      template: {
        metadata: { labels: { app: 'batch-worker' } },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [
            { name: 'worker', image: 'ghcr.io/example/worker:2.0', args: ['--queue', 'default'], resources: { requests: { cpu: '200m', memory: '128Mi' } } },
          ],
        },
      },
    },

    Service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace, labels: appLabels, annotations: { 'prometheus.io/scrape': 'true' } },
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels,
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
          { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' },
        ],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      },
    },

    Endpoints: {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'external-db', namespace, labels: { app: 'external-db' } },
      subsets: [
        {
          addresses: [{ ip: '10.0.12.34' }, { ip: '10.0.12.35', hostname: 'replica' }],
          ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
        },
      ],
    },

    EndpointSlice: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'external-db-1',
        namespace,
        labels: { 'kubernetes.io/service-name': 'external-db', 'endpointslice.kubernetes.io/managed-by': 'cluster-admins' },
      },
      addressType: 'IPv4',
      ports: [{ name: 'postgres', protocol: 'TCP', port: 5432 }],
      endpoints: [
        { addresses: ['10.0.12.34'], conditions: { ready: true, serving: true, terminating: false }, zone: 'us-east-1a' },
        { addresses: ['10.0.12.35'], conditions: { ready: false }, hostname: 'replica', zone: 'us-east-1b' },
      ],
    },

    Ingress: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'web',
        namespace,
        labels: appLabels,
        annotations: {
          'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
          'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
          'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
        },
      },
      spec: {
        ingressClassName: sfx('nginx'),
        tls: [{ hosts: ['www.example.com', 'example.com'], secretName: 'web-tls' }],
        rules: [
          {
            host: 'www.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } },
                { path: '/metrics', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 9090 } } } },
              ],
            },
          },
          {
            host: 'example.com',
            http: { paths: [{ path: '/', pathType: 'ImplementationSpecific', backend: { service: { name: 'web', port: { number: 80 } } } }] },
          },
        ],
      },
    },

    NetworkPolicy: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-allow', namespace, labels: appLabels },
      spec: {
        podSelector: { matchLabels: selectorLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
              },
            ],
            ports: [
              { protocol: 'TCP', port: 8080 },
              { protocol: 'TCP', port: 'metrics' },
            ],
          },
        ],
        egress: [
          {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432, endPort: 5440 }] },
        ],
      },
    },

    HorizontalPodAutoscaler: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace, labels: appLabels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 3,
        maxReplicas: 20,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '400Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 300,
            selectPolicy: 'Min',
            policies: [
              { type: 'Percent', value: 10, periodSeconds: 60 },
              { type: 'Pods', value: 2, periodSeconds: 60 },
            ],
          },
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [
              { type: 'Percent', value: 100, periodSeconds: 15 },
              { type: 'Pods', value: 4, periodSeconds: 15 },
            ],
          },
        },
      },
    },

    PodDisruptionBudget: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace, labels: appLabels },
      spec: { minAvailable: 2, selector: { matchLabels: selectorLabels }, unhealthyPodEvictionPolicy: 'IfHealthyBudget' },
    },

    PersistentVolume: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: sfx('nfs-share-01'), labels: { type: 'nfs', 'topology.kubernetes.io/zone': 'us-east-1a' } },
      spec: {
        capacity: { storage: '100Gi' },
        volumeMode: 'Filesystem',
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: sfx('fast-ssd'),
        mountOptions: ['hard', 'nfsvers=4.1'],
        nfs: { server: '10.0.0.5', path: '/exports/share01', readOnly: false },
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] }] },
        },
      },
    },

    PersistentVolumeClaim: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'backup',
        namespace,
        labels: { app: 'db-backup' },
        annotations: { 'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com' },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: sfx('fast-ssd'),
        volumeMode: 'Filesystem',
        resources: { requests: { storage: '50Gi' }, limits: { storage: '100Gi' } },
        selector: { matchLabels: { tier: 'backup' } },
      },
    },

    Role: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'web-config-reader', namespace, labels: appLabels },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['web-config'], verbs: ['get', 'watch', 'list'] },
        { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      ],
    },

    RoleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'web-config-reader', namespace, labels: appLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web-config-reader' },
      subjects: [
        { kind: 'ServiceAccount', name: 'web', namespace },
        { kind: 'User', name: 'jane@example.com', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'Group', name: 'developers', apiGroup: 'rbac.authorization.k8s.io' },
      ],
    },

    ClusterRole: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: sfx('metrics-reader'), labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
      ],
    },

    ClusterRoleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: sfx('metrics-reader') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: sfx('metrics-reader') },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace }],
    },

    Lease: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'web-leader', namespace, labels: appLabels },
      spec: {
        holderIdentity: 'web-7c9d8b6f5-x2kqz_1f0e7c3a-2b4d-4e8f-9a1b-3c5d7e9f0a2b',
        leaseDurationSeconds: 15,
        acquireTime: '2024-05-01T10:00:00.000000Z',
        renewTime: '2024-05-01T10:05:30.123456Z',
        leaseTransitions: 3,
      },
    },

    Event: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-7c9d8b6f5-x2kqz.17c5a6b2e4f0d1a3', namespace },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web-7c9d8b6f5-x2kqz', namespace, fieldPath: 'spec.containers{web}' },
      reason: 'Pulled',
      message: 'Container image "ghcr.io/example/web:1.4.2" already present on machine',
      source: { component: 'kubelet', host: 'ip-10-0-1-23.ec2.internal' },
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:02:00Z',
      count: 2,
      type: 'Normal',
      reportingComponent: 'kubelet',
      reportingInstance: 'ip-10-0-1-23.ec2.internal',
    },

    ResourceQuota: {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute-resources', namespace },
      spec: {
        hard: {
          pods: '50',
          'requests.cpu': '20',
          'requests.memory': '64Gi',
          'limits.cpu': '40',
          'limits.memory': '128Gi',
          persistentvolumeclaims: '20',
          'requests.storage': '1Ti',
          'count/deployments.apps': '20',
        },
      },
    },

    LimitRange: {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'default-limits', namespace },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            max: { cpu: '4', memory: '8Gi' },
            min: { cpu: '10m', memory: '16Mi' },
          },
          { type: 'PersistentVolumeClaim', max: { storage: '500Gi' }, min: { storage: '1Gi' } },
        ],
      },
    },
  };
}

/** The manifests in MANIFESTS_NAMESPACE: the one realistic manifest of each kind. */
export const MANIFESTS: Record<string, Manifest> = manifestsFor(MANIFESTS_NAMESPACE);

/** The served kinds that have no manifest here (a new kind needs one: the tests fail until it has). */
export function kindsWithoutManifest(kinds: readonly KindInfo[] = KINDS): string[] {
  return kinds.filter((k) => !Object.hasOwn(MANIFESTS, k.kind)).map((k) => k.kind);
}

/** Manifests here of kinds that are not served (a kind renamed or dropped). */
export function manifestsOfUnservedKinds(kinds: readonly KindInfo[] = KINDS): string[] {
  return Object.keys(MANIFESTS).filter((kind) => !kinds.some((k) => k.kind === kind));
}

/** A deep copy sharing nothing (unlike structuredClone, which keeps shared parts shared), so that a test may change a manifest freely. */
export function copyOf<T>(m: T): T {
  return JSON.parse(JSON.stringify(m)) as T;
}
