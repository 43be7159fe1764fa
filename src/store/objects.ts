// Converting between stored rows and API objects. The store keeps objects without
// metadata.resourceVersion (the row's revision is the truth) and adds it on the way out.
import type { KubeObject } from '../apis/kinds.ts';
import { badInput } from '../apimachinery/errors.ts';

const TOP = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const META = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers'];

/** JSONB sorts keys by length; put them back in the order `kubectl get -o json` prints. */
function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

export function fromRow(object: unknown, revision: bigint | number): KubeObject {
  const o = object as KubeObject;
  const metadata = ordered({ ...o.metadata, resourceVersion: String(revision) }, META);
  return ordered({ ...o, metadata }, TOP) as KubeObject;
}

/** The JSON text to store: the object without its resourceVersion. */
export function toStoredJson(object: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

export const toNumber = (v: bigint | number | null | undefined): number => Number(v ?? 0);

/** Driver adapters report a unique violation as this error kind. */
export function isUniqueViolation(err: unknown): boolean {
  const meta = (err as { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }).meta;
  return meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
}

/**
 * Text PostgreSQL cannot store — NUL characters (22021, 22P05) or a lone UTF-16
 * surrogate in JSON (22P02; every parameter the store casts itself is well-formed) — is
 * bad input, not an outage.
 */
export function translateDatabaseError(err: unknown): unknown {
  const cause = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause;
  if (cause?.originalCode === '22021' || cause?.originalCode === '22P05' || cause?.originalCode === '22P02') {
    return badInput('strings must be valid Unicode without NUL characters (\\u0000) or unpaired surrogates', [{ field: '', message: 'Invalid value: not valid Unicode text' }]);
  }
  return err;
}
