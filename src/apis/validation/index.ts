// Validation of kubeql's kinds, with Kubernetes' field paths and messages: one module
// per kind, each named by the kind's strategy (src/apis/strategies), which these two
// functions dispatch to.
//
//   validateObject(obj)        everything wrong with an object, on create and on update;
//   validateUpdate(new, old)   what an update may not change (run it in addition).
//
// Both return causes (`{ field, message }`); an empty array means valid. Unknown fields
// are accepted: Kubernetes keeps every field of a valid object.

import type { Cause } from '../../apimachinery/errors.ts';
import { KINDS, type KubeObject } from '../kinds.ts';
import { strategyFor } from '../strategies/index.ts';
import type { Strategy } from '../strategy.ts';
import { invalid, isRec, notSupported, type Errs } from './field.ts';

export type { Cause };

const SUPPORTED_KINDS = KINDS.map((k) => k.kind);

/** The kind's strategy, or the cause that says the object has no (known) kind. */
function dispatch(errs: Errs, obj: unknown): { obj: KubeObject; strategy: Strategy } | undefined {
  if (!isRec(obj)) {
    errs.push(invalid('', obj, 'must be of type object'));
    return undefined;
  }
  const strategy = typeof obj.kind === 'string' ? strategyFor(obj.kind) : undefined;
  if (!strategy) {
    errs.push(notSupported('kind', obj.kind ?? '', SUPPORTED_KINDS));
    return undefined;
  }
  const { apiVersion } = strategy.info;
  if (obj.apiVersion !== undefined && obj.apiVersion !== null && obj.apiVersion !== apiVersion) {
    errs.push(notSupported('apiVersion', obj.apiVersion, [apiVersion]));
  }
  return { obj: obj as KubeObject, strategy };
}

/** Everything wrong with an object of any kubeql kind (create and update alike). */
export function validateObject(obj: KubeObject): Cause[] {
  const errs: Errs = [];
  const d = dispatch(errs, obj);
  if (d) errs.push(...d.strategy.validate(d.obj));
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
  const d = dispatch([], newObj); // a bad kind is validateObject's to report
  if (!d || !isRec(oldObj)) return [];
  return d.strategy.validateUpdate(d.obj, oldObj);
}
