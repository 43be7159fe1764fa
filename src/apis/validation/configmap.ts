// ConfigMaps (core/v1): ValidateConfigMap and ValidateConfigMapUpdate — config-map keys
// in `data` and `binaryData` (base64, like a Secret's data), no key in both, 1 MiB of the
// two together, and nothing changes once `immutable` is true.

import type { KubeObject } from '../kinds.ts';
import { forbidden, invalid, isRec, key, readBool, readStringMap, tooLong, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { byteLength, checkWith, isConfigMapKey, nameIsDNSSubdomain } from './names.ts';
import { IMMUTABLE_WHEN_SET, MAX_SECRET_SIZE, decodeBase64Map, sameBytes } from './secret.ts';

export function validateConfigMap(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });

  const data = readStringMap(errs, 'data', obj.data) ?? {};
  const binary = decodeBase64Map(errs, 'binaryData', obj.binaryData);
  const binaryKeys = isRec(obj.binaryData) ? Object.keys(obj.binaryData) : [];
  let total = 0;
  for (const [k, value] of Object.entries(data)) {
    checkWith(errs, key('data', k), k, isConfigMapKey);
    if (binaryKeys.includes(k)) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += byteLength(value);
  }
  for (const k of binaryKeys) {
    checkWith(errs, key('binaryData', k), k, isConfigMapKey);
    total += binary.get(k)?.length ?? 0;
  }
  // Kubernetes reports the size at the whole object ("").
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  readBool(errs, 'immutable', obj.immutable);
}

/** Two string maps with the same entries (absent and empty alike: Go's nil and empty maps). */
function sameStrings(a: unknown, b: unknown): boolean {
  const ra = isRec(a) ? a : {};
  const rb = isRec(b) ? b : {};
  const ka = Object.keys(ra);
  return ka.length === Object.keys(rb).length && ka.every((k) => Object.hasOwn(rb, k) && rb[k] === ra[k]);
}

/** ValidateConfigMapUpdate: an immutable ConfigMap keeps its data, binaryData and `immutable`. */
export function validateConfigMapUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  if (o.immutable !== true) return;
  if (n.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_WHEN_SET));
  if (!sameStrings(n.data, o.data)) errs.push(forbidden('data', IMMUTABLE_WHEN_SET));
  if (!sameBytes(n.binaryData, o.binaryData)) errs.push(forbidden('binaryData', IMMUTABLE_WHEN_SET));
}
