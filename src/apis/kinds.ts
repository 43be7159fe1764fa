// The kinds kubeql serves. Everything generic (store keys, GraphQL operation names,
// RBAC resource names, apply) is derived from these entries; each entry is the `info`
// of the kind's strategy (src/apis/strategies), where everything else about the kind is.
import { STRATEGIES } from './strategies/index.ts';

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
  /** The API group: `` for core, `apps`, `networking.k8s.io`, … */
  group: string;
  /** `v1`, `v2`, … */
  version: string;
  /** Discovery's singularName: the lowercased kind (`persistentvolumeclaim`). */
  singularName: string;
  /** kubectl's short names (`po`, `deploy`, `pvc`). */
  shortNames: readonly string[];
  /** Discovery categories (`all` for what `kubectl get all` lists). */
  categories: readonly string[];
  /** The scale subresource: where the replica counts and the selector are (absent when the kind does not scale). */
  scale?: ScaleInfo;
  /** Other apiVersions accepted on write and converted to `apiVersion` (autoscaling/v1 for HorizontalPodAutoscaler). */
  acceptedVersions: readonly string[];
}

/** Where a scalable kind keeps its replica counts (apiextensions' CustomResourceSubresourceScale). */
export interface ScaleInfo {
  /** `spec.replicas` */
  specReplicasPath: string;
  /** `status.replicas` */
  statusReplicasPath: string;
  /** `status.selector` (a label selector string) or, for built-in kinds, `spec.selector` (a LabelSelector object) */
  labelSelectorPath?: string;
}

export const KINDS: readonly KindInfo[] = STRATEGIES.map((s) => s.info);

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
