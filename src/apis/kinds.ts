// The registry of kinds kubeql serves. Everything generic (store keys, GraphQL
// operation names, RBAC resource names, apply) is derived from these entries.

export interface KindInfo {
  /** `Pod` */
  kind: string;
  /** `v1`, `apps/v1`, … */
  apiVersion: string;
  /** RBAC resource and REST path name: `pods` */
  resource: string;
  /** GraphQL list field: `pods` (camelCase plural) */
  plural: string;
  /** GraphQL single field: `pod` */
  singular: string;
  namespaced: boolean;
  /** Has a status subresource: status is ignored by create/replace/patch of the object. */
  hasStatus: boolean;
  /** Field selectors beyond metadata.name and metadata.namespace. */
  fieldSelectors: readonly string[];
}

const kind = (
  k: string,
  apiVersion: string,
  resource: string,
  namespaced: boolean,
  opts: { hasStatus?: boolean; fieldSelectors?: string[]; plural?: string } = {},
): KindInfo => ({
  kind: k,
  apiVersion,
  resource,
  plural: opts.plural ?? k.charAt(0).toLowerCase() + k.slice(1) + 's',
  singular: k.charAt(0).toLowerCase() + k.slice(1),
  namespaced,
  hasStatus: opts.hasStatus ?? true,
  fieldSelectors: ['metadata.name', 'metadata.namespace', ...(opts.fieldSelectors ?? [])],
});

export const KINDS: readonly KindInfo[] = [
  kind('Namespace', 'v1', 'namespaces', false, { fieldSelectors: ['status.phase'] }),
  kind('Node', 'v1', 'nodes', false, { fieldSelectors: ['spec.unschedulable'] }),
  kind('Pod', 'v1', 'pods', true, { fieldSelectors: ['spec.nodeName', 'status.phase', 'spec.schedulerName', 'spec.restartPolicy'] }),
  kind('Event', 'v1', 'events', true, {
    hasStatus: false,
    fieldSelectors: ['involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'reason', 'type', 'source'],
  }),
  kind('Lease', 'coordination.k8s.io/v1', 'leases', true, { hasStatus: false }),
  kind('ReplicaSet', 'apps/v1', 'replicasets', true),
  kind('Deployment', 'apps/v1', 'deployments', true),
  kind('Service', 'v1', 'services', true),
  kind('EndpointSlice', 'discovery.k8s.io/v1', 'endpointslices', true, { hasStatus: false }),
  kind('ServiceAccount', 'v1', 'serviceaccounts', true, { hasStatus: false }),
  kind('Role', 'rbac.authorization.k8s.io/v1', 'roles', true, { hasStatus: false }),
  kind('RoleBinding', 'rbac.authorization.k8s.io/v1', 'rolebindings', true, { hasStatus: false }),
  kind('ClusterRole', 'rbac.authorization.k8s.io/v1', 'clusterroles', false, { hasStatus: false }),
  kind('ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'clusterrolebindings', false, { hasStatus: false }),
];

const byKind = new Map(KINDS.map((k) => [k.kind, k]));

export const kindInfo = (k: string): KindInfo | undefined => byKind.get(k);

/** The namespaces every cluster has from its first start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** A Kubernetes object as stored and returned (`kubectl get -o json`). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [field: string]: unknown;
}
