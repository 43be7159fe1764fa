// ServiceAccounts: DNS-1123 subdomain names, secret and image-pull-secret references.

import type { KubeObject } from '../kinds.ts';
import { child, index, readBool, readObjects, readString, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';

export function validateServiceAccount(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  for (const f of ['secrets', 'imagePullSecrets'] as const) {
    for (const [ref, i] of readObjects(errs, f, obj[f])) readString(errs, child(index(f, i), 'name'), ref.name);
  }
  readBool(errs, 'automountServiceAccountToken', obj.automountServiceAccountToken);
}
