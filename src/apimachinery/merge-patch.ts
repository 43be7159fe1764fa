// JSON merge patch (RFC 7386). Written here because the npm package calls
// `target.hasOwnProperty(…)`, which a patch with a key named "hasOwnProperty" breaks;
// keys such as "__proto__" must also land as plain data, never on a prototype.

import { deepCopy } from './deep-copy.ts';
import { isRecord } from './json.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Sets an own, enumerable data property, whatever the key (even "__proto__"). */
export function defineKey(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `target` with `patch` applied; neither is changed. */
export function applyMergePatch(target: unknown, patch: unknown): Json {
  if (!isRecord(patch)) return deepCopy(patch) as Json;
  const result: Record<string, unknown> = {};
  if (isRecord(target)) for (const [k, v] of Object.entries(target)) defineKey(result, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else defineKey(result, k, applyMergePatch(Object.hasOwn(result, k) ? result[k] : undefined, v));
  }
  return result as Json;
}
