// Leases (coordination.k8s.io/v1): ValidateLeaseSpec.

import type { KubeObject } from '../kinds.ts';
import { IS_NEGATIVE, invalid, readInt, readObject, readString, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';

export function validateLease(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = readObject(errs, 'spec', obj.spec);
  if (!s) return;
  readString(errs, 'spec.holderIdentity', s.holderIdentity);
  const duration = readInt(errs, 'spec.leaseDurationSeconds', s.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = readInt(errs, 'spec.leaseTransitions', s.leaseTransitions);
  if (transitions !== undefined && transitions < 0) errs.push(invalid('spec.leaseTransitions', transitions, IS_NEGATIVE));
  readString(errs, 'spec.acquireTime', s.acquireTime);
  readString(errs, 'spec.renewTime', s.renewTime);
  readString(errs, 'spec.strategy', s.strategy);
  readString(errs, 'spec.preferredHolder', s.preferredHolder);
}
