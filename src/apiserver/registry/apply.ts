// kubectl's client-side apply: the manifest's fields win, and fields that the last
// applied manifest set but this one no longer does are removed. The last applied
// manifest is kept in an annotation, as kubectl does.
import { isRecord } from '../../apimachinery/json.ts';
import { defineKey } from '../../apimachinery/merge-patch.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => isRecord(v);

/** A JSON merge patch (RFC 7386) that turns the live object into "live + manifest − removed fields". */
export function threeWayMergePatch(lastApplied: Json | undefined, manifest: Json): Json {
  if (!isObject(manifest)) return manifest;
  const patch: Record<string, Json> = {};
  const original = isObject(lastApplied) ? lastApplied : {};
  for (const [k, v] of Object.entries(manifest)) {
    defineKey(patch, k, isObject(v) ? threeWayMergePatch(Object.hasOwn(original, k) ? original[k] : undefined, v) : v);
  }
  for (const k of Object.keys(original)) if (!Object.hasOwn(manifest, k)) defineKey(patch, k, null);
  return patch;
}
