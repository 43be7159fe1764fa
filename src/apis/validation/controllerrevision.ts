// ControllerRevisions (apps/v1): ValidateControllerRevision and
// ValidateControllerRevisionUpdate. `data` (the snapshot) is immutable; `revision` is not:
// a controller renumbers a revision it rolls back to (history.UpdateControllerRevision).

import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../kinds.ts';
import { FIELD_IMMUTABLE, checkNonNegative, invalid, present, required, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';

export function validateControllerRevision(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  if (!present(obj.data)) errs.push(required('data', 'data is mandatory'));
  checkNonNegative(errs, 'revision', obj.revision);
}

/** `data` is a runtime.RawExtension: compared as the JSON it holds, not field by field with zero values. */
export function validateControllerRevisionUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  if (!isDeepStrictEqual(n.data, o.data)) errs.push(invalid('data', n.data, FIELD_IMMUTABLE));
}
