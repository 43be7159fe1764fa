// Namespaces: DNS-1123 label names and `spec.finalizers`.

import type { KubeObject } from '../kinds.ts';
import { readObject, readStringArray, type Errs } from './field.ts';
import { validateFinalizerName, validateObjectMeta } from './meta.ts';
import { nameIsDNSLabel } from './names.ts';

export function validateNamespace(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: false, nameFn: nameIsDNSLabel });
  const s = readObject(errs, 'spec', obj.spec);
  if (s) {
    // Kubernetes reports each at `spec.finalizers`, without an index.
    for (const f of readStringArray(errs, 'spec.finalizers', s.finalizers) ?? []) validateFinalizerName(errs, 'spec.finalizers', f);
  }
  readObject(errs, 'status', obj.status);
}
