// Validation of kubeql's kinds, with Kubernetes' field paths and messages: one module
// per kind, dispatched through the table below.
//
//   validateObject(obj)        everything wrong with an object, on create and on update;
//   validateUpdate(new, old)   what an update may not change (run it in addition).
//
// Both return causes (`{ field, message }`); an empty array means valid. Unknown fields
// are accepted: Kubernetes keeps every field of a valid object.

import type { Cause } from '../../apimachinery/errors.ts';
import { KINDS, kindInfo, type KubeObject } from '../kinds.ts';
import { validateDeployment } from './deployment.ts';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './endpointslice.ts';
import { validateEvent } from './event.ts';
import { invalid, isRec, notSupported, type Errs } from './field.ts';
import { validateLease } from './lease.ts';
import { validateObjectMetaUpdate } from './meta.ts';
import { validateNamespace } from './namespace.ts';
import { validateNode, validateNodeUpdate } from './node.ts';
import { validatePod, validatePodUpdate } from './pod.ts';
import { validateBindingUpdate, validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from './rbac.ts';
import { validateReplicaSet, validateSelectorUpdate } from './replicaset.ts';
import { validateService, validateServiceUpdate } from './service.ts';
import { validateServiceAccount } from './serviceaccount.ts';

export type { Cause };

interface KindValidation {
  validate(errs: Errs, obj: KubeObject): void;
  validateUpdate?(errs: Errs, newObj: KubeObject, oldObj: KubeObject): void;
}

const VALIDATION: Readonly<Record<string, KindValidation>> = {
  Namespace: { validate: validateNamespace },
  Node: { validate: validateNode, validateUpdate: validateNodeUpdate },
  Pod: { validate: validatePod, validateUpdate: validatePodUpdate },
  Event: { validate: validateEvent },
  Lease: { validate: validateLease },
  ReplicaSet: { validate: validateReplicaSet, validateUpdate: validateSelectorUpdate },
  Deployment: { validate: validateDeployment, validateUpdate: validateSelectorUpdate },
  Service: { validate: validateService, validateUpdate: validateServiceUpdate },
  EndpointSlice: { validate: validateEndpointSlice, validateUpdate: validateEndpointSliceUpdate },
  ServiceAccount: { validate: validateServiceAccount },
  Role: { validate: validateRole },
  ClusterRole: { validate: validateClusterRole },
  RoleBinding: { validate: validateRoleBinding, validateUpdate: validateBindingUpdate },
  ClusterRoleBinding: { validate: validateClusterRoleBinding, validateUpdate: validateBindingUpdate },
};

const SUPPORTED_KINDS = KINDS.map((k) => k.kind);

/** The kind's validation, or the cause that says the object has no (known) kind. */
function dispatch(errs: Errs, obj: unknown): { obj: KubeObject; v: KindValidation } | undefined {
  if (!isRec(obj)) {
    errs.push(invalid('', obj, 'must be of type object'));
    return undefined;
  }
  const info = typeof obj.kind === 'string' ? kindInfo(obj.kind) : undefined;
  const v = info && VALIDATION[info.kind];
  if (!info || !v) {
    errs.push(notSupported('kind', obj.kind ?? '', SUPPORTED_KINDS));
    return undefined;
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== null && obj.apiVersion !== info.apiVersion) {
    errs.push(notSupported('apiVersion', obj.apiVersion, [info.apiVersion]));
  }
  return { obj: obj as KubeObject, v };
}

/** Everything wrong with an object of any kubeql kind (create and update alike). */
export function validateObject(obj: KubeObject): Cause[] {
  const errs: Errs = [];
  const d = dispatch(errs, obj);
  if (d) d.v.validate(errs, d.obj);
  return errs;
}

/**
 * What an update may not change: metadata.name, namespace, uid and creationTimestamp;
 * a Pod's spec beyond images, activeDeadlineSeconds, added tolerations and removed
 * scheduling gates; Deployment and ReplicaSet selectors; a Service's allocated clusterIP;
 * an EndpointSlice's addressType; a binding's roleRef; a Node's podCIDR and providerID.
 * Only these transition rules: run validateObject(newObj) as well.
 */
export function validateUpdate(newObj: KubeObject, oldObj: KubeObject): Cause[] {
  const errs: Errs = [];
  const d = dispatch([], newObj); // a bad kind is validateObject's to report
  if (!d || !isRec(oldObj)) return errs;
  validateObjectMetaUpdate(errs, newObj.metadata, oldObj.metadata);
  d.v.validateUpdate?.(errs, d.obj, oldObj);
  return errs;
}

export { validateObjectMeta, validateLabels, validateAnnotations } from './meta.ts';
export { validateLabelSelector } from './selector.ts';
