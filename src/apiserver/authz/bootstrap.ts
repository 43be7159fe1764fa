// Kubernetes' bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go and
// controller_policy.go), restricted to what kubeql serves.
//
// Every rule is written as Kubernetes writes it; `served` then keeps only the API groups and
// resources kubeql has (its kinds, with the subresources Kubernetes names for them, and the access
// review resources behind `can` / `whoami`), and drops a rule left with nothing. So `view` keeps
// `get list watch` on pods, pods/status, services, endpointslices, … and loses configmaps,
// persistentvolumeclaims, statefulsets, jobs, … which kubeql does not serve.
//
// kubeql-specific, each marked below:
// - `system:node` is bound to Group `system:nodes` (Kubernetes leaves the binding without subjects and
//   uses the Node authorizer; here NodeRestriction admission narrows it), and may read EndpointSlices
//   (kubeql's node agent also does kube-proxy's service routing, for which Kubernetes has system:node-proxier).
// - `system:kube-controller-manager` runs every control loop under its own identity (Kubernetes'
//   --use-service-account-credentials=false), so its role is Kubernetes' plus the rules of the
//   `system:controller:*` roles of the loops that manage kubeql's kinds.

import { KINDS, type KubeObject } from '../../apis/kinds.ts';
import { aggregateClusterRoles } from './authorizer.ts';
import { RbacCache } from './cache.ts';
import { RBAC_API_VERSION, RBAC_GROUP, type PolicyRule } from './types.ts';

const Read = ['get', 'list', 'watch'];
const Write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ReadWrite = [...Read, ...Write];

const legacy = '';
const apps = 'apps';
const authentication = 'authentication.k8s.io';
const authorization = 'authorization.k8s.io';
const autoscaling = 'autoscaling';
const batch = 'batch';
const coordination = 'coordination.k8s.io';
const discovery = 'discovery.k8s.io';
const events = 'events.k8s.io';
const extensions = 'extensions';
const networking = 'networking.k8s.io';
const policy = 'policy';
const rbac = RBAC_GROUP;
const scheduling = 'scheduling.k8s.io';

/** rbacv1helpers.NewRule(verbs...).Groups(groups...).Resources(resources...)[.Names(names...)] */
const rule = (verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule => ({
  verbs,
  apiGroups: groups,
  resources,
  ...(names ? { resourceNames: names } : {}),
});
/** rbacv1helpers.NewRule(verbs...).URLs(urls...) */
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });
const eventsRule = (): PolicyRule => rule(['create', 'update', 'patch'], [legacy, events], ['events']);

// ---- restriction to what kubeql serves --------------------------------------------------------

const SERVED = new Map<string, Set<string>>();
for (const k of KINDS) {
  const group = k.apiVersion.includes('/') ? k.apiVersion.slice(0, k.apiVersion.indexOf('/')) : '';
  if (!SERVED.has(group)) SERVED.set(group, new Set());
  SERVED.get(group)!.add(k.resource);
}
// Access reviews: `can` is a selfsubjectaccessreview, `whoami` a selfsubjectreview.
SERVED.set(authorization, new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'localsubjectaccessreviews', 'subjectaccessreviews']));
SERVED.set(authentication, new Set(['selfsubjectreviews', 'tokenreviews']));

const servedIn = (group: string, resource: string): boolean => {
  const base = resource.split('/')[0]!;
  if (group === '*') return [...SERVED.values()].some((s) => s.has(base));
  return SERVED.get(group)?.has(base) ?? false;
};

/** The rules restricted to kubeql's API groups and resources; rules left empty are dropped. */
function served(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const r of rules) {
    if (r.nonResourceURLs?.length) {
      out.push(r);
      continue;
    }
    const groups = (r.apiGroups ?? []).filter((g) => g === '*' || SERVED.has(g));
    const resources = (r.resources ?? []).filter((res) => res === '*' || res.startsWith('*/') || groups.some((g) => servedIn(g, res)));
    if (groups.length && resources.length) out.push({ ...r, apiGroups: groups, resources });
  }
  return out;
}

// ---- the roles ------------------------------------------------------------------------------

const AGGREGATE_TO = (role: 'admin' | 'edit' | 'view'): Record<string, string> => ({ [`rbac.authorization.k8s.io/aggregate-to-${role}`]: 'true' });

interface RoleSpec {
  name: string;
  rules?: PolicyRule[];
  labels?: Record<string, string>;
  aggregateFrom?: 'admin' | 'edit' | 'view';
}

/** NodeRules(), without the feature-gated and non-served parts. */
const nodeRules = (): PolicyRule[] => [
  // Needed to check API access.  These creates are non-mutating
  rule(['create'], [authentication], ['tokenreviews']),
  rule(['create'], [authorization], ['subjectaccessreviews', 'localsubjectaccessreviews']),
  // Needed to build serviceLister, to populate env vars for services
  rule(Read, [legacy], ['services']),
  // Nodes can register Node API objects and report status.
  // Use the NodeRestriction admission plugin to limit a node to creating/updating its own API object.
  rule(['create', 'get', 'list', 'watch'], [legacy], ['nodes']),
  rule(['update', 'patch'], [legacy], ['nodes/status']),
  rule(['update', 'patch'], [legacy], ['nodes']),
  rule(['create', 'update', 'patch'], [legacy], ['events']),
  rule(Read, [legacy], ['pods']),
  // Needed for the node to create/delete mirror pods.
  rule(['create', 'delete'], [legacy], ['pods']),
  // Needed for the node to report status of pods it is running.
  rule(['update', 'patch'], [legacy], ['pods/status']),
  // Needed for the node to create pod evictions.
  rule(['create'], [legacy], ['pods/eviction']),
  rule(['get', 'list', 'watch'], [legacy], ['secrets', 'configmaps']),
  rule(['get'], [legacy], ['persistentvolumeclaims', 'persistentvolumes']),
  rule(['get'], [legacy], ['endpoints']),
  rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  // Leases
  rule(['get', 'create', 'update', 'patch', 'delete'], [coordination], ['leases']),
  rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
  rule(['create'], [legacy], ['serviceaccounts/token']),
  rule(['get', 'update', 'patch'], [legacy], ['persistentvolumeclaims/status']),
  rule(['get', 'watch', 'list'], ['storage.k8s.io'], ['csidrivers']),
  rule(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
  rule(['get', 'list', 'watch'], ['node.k8s.io'], ['runtimeclasses']),
  // kubeql: the node agent routes Services to their endpoints (kube-proxy's system:node-proxier reads them).
  rule(Read, [discovery], ['endpointslices']),
];

const kubeSchedulerRules = (): PolicyRule[] => [
  eventsRule(),
  // This is for leaderlease access
  rule(['create'], [coordination], ['leases']),
  rule(['get', 'update'], [coordination], ['leases'], ['kube-scheduler']),
  // Fundamental resources
  rule(Read, [legacy], ['nodes']),
  rule(['get', 'list', 'watch', 'delete'], [legacy], ['pods']),
  rule(['create'], [legacy], ['pods/binding', 'bindings']),
  rule(['patch', 'update'], [legacy], ['pods/status']),
  // Things that select pods
  rule(Read, [legacy], ['services', 'replicationcontrollers']),
  rule(Read, [apps, extensions], ['replicasets']),
  rule(Read, [apps], ['statefulsets']),
  // Things that pods use or applies to them
  rule(Read, [policy], ['poddisruptionbudgets']),
  rule(Read, [legacy], ['persistentvolumeclaims', 'persistentvolumes']),
  // Needed to check API access. These creates are non-mutating
  rule(['create'], [authentication], ['tokenreviews']),
  rule(['create'], [authorization], ['subjectaccessreviews']),
  // Needed for volume limits
  rule(Read, ['storage.k8s.io'], ['csinodes']),
  // Needed for namespaceSelector feature in pod affinity
  rule(Read, [legacy], ['namespaces']),
  rule(Read, ['storage.k8s.io'], ['csidrivers']),
  rule(Read, ['storage.k8s.io'], ['csistoragecapacities']),
  // kubeql: the scheduler reads the PriorityClasses it preempts by (spec.priority is resolved on pods by admission)
  rule(Read, [scheduling], ['priorityclasses']),
];

const kubeControllerManagerRules = (): PolicyRule[] => [
  // Kubernetes' system:kube-controller-manager
  eventsRule(),
  // Needed for leader election.
  rule(['create'], [coordination], ['leases']),
  rule(['get', 'update'], [coordination], ['leases'], ['kube-controller-manager']),
  // Fundamental resources.
  rule(['create'], [legacy], ['secrets', 'serviceaccounts']),
  rule(['delete'], [legacy], ['secrets']),
  rule(['get'], [legacy], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
  rule(['update'], [legacy], ['secrets', 'serviceaccounts']),
  // Needed to check API access.  These creates are non-mutating
  rule(['create'], [authentication], ['tokenreviews']),
  rule(['create'], [authorization], ['subjectaccessreviews']),
  // Needed for all shared informers
  rule(['list', 'watch'], ['*'], ['*']),
  rule(['create'], [legacy], ['serviceaccounts/token']),

  // kubeql: the control loops run under this identity; the rules of their system:controller:* roles.
  // system:controller:clusterrole-aggregation-controller
  rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], [rbac], ['clusterroles']),
  // system:controller:deployment-controller
  rule(['get', 'list', 'watch', 'update'], [extensions, apps], ['deployments']),
  rule(['update'], [extensions, apps], ['deployments/status']),
  rule(['update'], [extensions, apps], ['deployments/finalizers']),
  rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [apps, extensions], ['replicasets']),
  rule(['get', 'list', 'watch', 'update'], [legacy], ['pods']),
  // system:controller:replicaset-controller
  rule(['get', 'list', 'watch', 'update'], [apps, extensions], ['replicasets']),
  rule(['update'], [apps, extensions], ['replicasets/status']),
  rule(['update'], [apps, extensions], ['replicasets/finalizers']),
  rule(['list', 'watch', 'patch', 'create', 'delete'], [legacy], ['pods']),
  // system:controller:endpointslice-controller
  rule(['get', 'list', 'watch'], [legacy], ['services', 'pods', 'nodes']),
  rule(['update'], [legacy], ['services/finalizers']),
  rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [discovery], ['endpointslices']),
  rule(['create'], [discovery], ['endpointslices/restricted']),
  // system:controller:namespace-controller
  rule(['get', 'list', 'watch', 'delete'], [legacy], ['namespaces']),
  rule(['update'], [legacy], ['namespaces/finalize', 'namespaces/status']),
  rule(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
  // system:controller:node-controller
  rule(['get', 'list', 'watch', 'update', 'delete', 'patch'], [legacy], ['nodes']),
  rule(['patch', 'update'], [legacy], ['nodes/status']),
  rule(['patch', 'update'], [legacy], ['pods/status']),
  rule(['list', 'watch', 'get', 'delete'], [legacy], ['pods']),
  rule(['get', 'list', 'watch'], [coordination], ['leases']),
  // system:controller:pod-garbage-collector
  rule(['list', 'watch', 'delete'], [legacy], ['pods']),
  rule(['get', 'list', 'watch'], [legacy], ['nodes']),
  rule(['patch'], [legacy], ['pods/status']),
  // system:controller:generic-garbage-collector
  rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']),
  // system:controller:service-account-controller
  rule(['create'], [legacy], ['serviceaccounts']),
];

const ROLES: RoleSpec[] = [
  // a "root" role which can do absolutely anything
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  // a role which provides just enough power to determine if the server is ready and discover API versions for negotiation
  {
    name: 'system:discovery',
    rules: [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])],
  },
  // a role which provides minimal read access to the monitoring endpoints
  {
    name: 'system:monitoring',
    rules: [urls(['get'], ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'])],
  },
  // a role which provides minimal resource access to allow a "normal" user to learn information about themselves
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], [authorization], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], [authentication], ['selfsubjectreviews']),
    ],
  },
  // a role which provides just enough power read insensitive cluster information
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])] },
  // a role for a namespace level admin.  It is `edit` plus the power to grant permissions to other users.
  { name: 'admin', aggregateFrom: 'admin' },
  // a role for a namespace level editor.  It grants access to all user level actions in a namespace.
  // It does not grant powers for "privileged" resources which are domain of the system: `/status`
  // subresources or `quota`/`limits` which are used to control namespaces
  { name: 'edit', labels: AGGREGATE_TO('admin'), aggregateFrom: 'edit' },
  // a role for namespace level viewing.  It grants Read-only access to non-escalating resources in a namespace.
  { name: 'view', labels: AGGREGATE_TO('edit'), aggregateFrom: 'view' },
  {
    name: 'system:aggregate-to-admin',
    labels: AGGREGATE_TO('admin'),
    rules: [
      // additional admin powers
      rule(['create'], [authorization], ['localsubjectaccessreviews']),
      rule(ReadWrite, [rbac], ['roles', 'rolebindings']),
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: AGGREGATE_TO('edit'),
    rules: [
      // Allow read on escalating resources
      rule(Read, [legacy], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      rule(['impersonate'], [legacy], ['serviceaccounts']),
      rule(Write, [legacy], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [legacy], ['pods/eviction']),
      rule(
        Write,
        [legacy],
        [
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/proxy',
          'persistentvolumeclaims',
          'configmaps',
          'secrets',
          'events',
        ],
      ), // prettier-ignore
      rule(['create'], [legacy], ['serviceaccounts/token']),
      rule(
        Write,
        [apps],
        ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale'],
      ), // prettier-ignore
      rule(Write, [autoscaling], ['horizontalpodautoscalers']),
      rule(Write, [batch], ['jobs', 'cronjobs']),
      rule(
        Write,
        [extensions],
        [
          'daemonsets',
          'deployments',
          'deployments/scale',
          'deployments/rollback',
          'ingresses',
          'replicasets',
          'replicasets/scale',
          'replicationcontrollers/scale',
          'networkpolicies',
        ],
      ), // prettier-ignore
      rule(Write, [policy], ['poddisruptionbudgets']),
      rule(Write, [networking], ['networkpolicies', 'ingresses']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: AGGREGATE_TO('view'),
    rules: [
      rule(
        Read,
        [legacy],
        [
          'pods',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/status',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'configmaps',
        ],
      ), // prettier-ignore
      rule(
        Read,
        [legacy],
        [
          'limitranges',
          'resourcequotas',
          'bindings',
          'events',
          'pods/status',
          'resourcequotas/status',
          'namespaces/status',
          'replicationcontrollers/status',
          'pods/log',
        ],
      ), // prettier-ignore
      // read access to namespaces at the namespace scope means you can read *this* namespace.  This can be used as an
      // indicator of which namespaces you have access to.
      rule(Read, [legacy], ['namespaces']),
      rule(Read, [discovery], ['endpointslices']),
      rule(
        Read,
        [apps],
        [
          'controllerrevisions',
          'statefulsets',
          'statefulsets/status',
          'statefulsets/scale',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/status',
          'deployments/scale',
          'replicasets',
          'replicasets/status',
          'replicasets/scale',
        ],
      ), // prettier-ignore
      rule(Read, [autoscaling], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(Read, [batch], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(
        Read,
        [extensions],
        [
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'ingresses',
          'ingresses/status',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'replicationcontrollers/scale',
          'networkpolicies',
        ],
      ), // prettier-ignore
      rule(Read, [policy], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(Read, [networking], ['networkpolicies', 'ingresses', 'ingresses/status']),
    ],
  },
  // a role for nodes to use to have the access they need for running pods
  { name: 'system:node', rules: nodeRules() },
  // kubeql: a simulated node fleet (`kubeql node`, thousands of kubelets in one process) acts as one
  // identity with exactly a kubelet's rights (KWOK's controller does the same); NodeRestriction,
  // keyed on system:node:<name>, does not narrow it to one node.
  { name: 'system:kubeql-node-fleet', rules: nodeRules() },
  // a role to use for bootstrapping the kube-controller-manager so it can create the shared informers
  { name: 'system:kube-controller-manager', rules: kubeControllerManagerRules() },
  // a role to use for the kube-scheduler
  { name: 'system:kube-scheduler', rules: kubeSchedulerRules() },
];

interface BindingSpec {
  name: string;
  groups?: string[];
  users?: string[];
}

const BINDINGS: BindingSpec[] = [
  { name: 'cluster-admin', groups: ['system:masters'] },
  { name: 'system:monitoring', groups: ['system:monitoring'] },
  { name: 'system:discovery', groups: ['system:authenticated'] },
  { name: 'system:basic-user', groups: ['system:authenticated'] },
  { name: 'system:public-info-viewer', groups: ['system:authenticated', 'system:unauthenticated'] },
  { name: 'system:kube-controller-manager', users: ['system:kube-controller-manager'] },
  { name: 'system:kube-scheduler', users: ['system:kube-scheduler'] },
  // kubeql: Kubernetes keeps this binding without subjects and authorizes kubelets with the Node authorizer.
  { name: 'system:node', groups: ['system:nodes'] },
  { name: 'system:kubeql-node-fleet', users: ['system:kubeql-node-fleet'] },
];

const metadata = (name: string, labels: Record<string, string> = {}): KubeObject['metadata'] => ({
  name,
  labels: { ...labels, 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
});

function buildPolicy(): KubeObject[] {
  const roles: KubeObject[] = ROLES.map((spec) => ({
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRole',
    metadata: metadata(spec.name, spec.labels),
    ...(spec.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: AGGREGATE_TO(spec.aggregateFrom) }] } } : {}),
    rules: served(spec.rules ?? []),
  }));
  // The aggregated roles are stored with their rules filled in, as the aggregation controller leaves them.
  const cache = new RbacCache();
  cache.replace(roles);
  const effective = aggregateClusterRoles(cache.clusterRoles());
  for (const role of roles) {
    if (role.aggregationRule) role.rules = structuredClone(effective.get(role.metadata.name!)!.map((r) => ({ ...r })));
  }
  const bindings: KubeObject[] = BINDINGS.map((spec) => ({
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: metadata(spec.name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: spec.name },
    subjects: [
      ...(spec.groups ?? []).map((name) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name })),
      ...(spec.users ?? []).map((name) => ({ apiGroup: RBAC_GROUP, kind: 'User', name })),
    ],
  }));
  return [...roles, ...bindings];
}

/** A fresh copy of the bootstrap policy (callers may mutate it, e.g. to store it). */
export const bootstrapPolicy = (): KubeObject[] => buildPolicy();

/**
 * Kubernetes' bootstrap policy, as objects ready to store on first start: ClusterRoles first,
 * then the ClusterRoleBindings. Shared: clone before mutating (or call `bootstrapPolicy()`).
 */
export const BOOTSTRAP_POLICY: KubeObject[] = buildPolicy();
