// The objects, keys and reasons of the Deployment controller, with Kubernetes' names
// (apps/v1 DefaultDeploymentUniqueLabelKey, pkg/controller/deployment/util's reasons).
import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import type { KubeObjectOf } from '../../client/resources.ts';

export type Deployment = KubeObjectOf<'Deployment'>;
export type ReplicaSet = KubeObjectOf<'ReplicaSet'>;
export type Pod = KubeObjectOf<'Pod'>;
export type { DeploymentCondition, DeploymentStatus };

/** The label that tells the ReplicaSets (and pods) of one Deployment apart. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** Annotations of a Deployment never copied onto its ReplicaSets (annotationsToSkip). */
export const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);
/** The revision-history annotation is kept under this many characters (maxRevHistoryLengthInChars). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

export const Reason = {
  /** Available */
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  /** Progressing */
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  ReplicaSetCreateError: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
} as const;

/** spec.replicas as the apiserver defaults it (1 when absent). */
export const replicasOf = (o: Deployment | ReplicaSet): number => o.spec?.replicas ?? 1;

/** The controller reference of an object, if any (metav1.GetControllerOf). */
export const controllerOf = (o: { metadata: { ownerReferences?: { controller?: boolean; uid: string; kind: string; name: string }[] } }) =>
  o.metadata.ownerReferences?.find((r) => r.controller === true);
