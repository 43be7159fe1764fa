// The pod-template hash that names a Deployment's ReplicaSets (controller.ComputeHash): an
// FNV-1a 32-bit hash of the template, then of the collision count, printed in decimal and
// re-encoded with rand.SafeEncodeString (no vowels, no 0/1/3: never a word, never
// ambiguous). Kubernetes hashes the Go struct as printed by spew; kubeql hashes the
// template's canonical JSON (sorted keys, empty values dropped), so names are stable
// across kubeql versions but differ from the ones Kubernetes would give the same template.
import { isDeepStrictEqual } from 'node:util';
import { POD_TEMPLATE_HASH } from './types.ts';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;
/** rand.SafeEncodeString's alphabet. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(hash: number, bytes: Uint8Array): number {
  for (const b of bytes) hash = Math.imul(hash ^ b, FNV32_PRIME) >>> 0;
  return hash;
}

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/**
 * The value with object keys sorted and empty values (null, undefined, [], {}) dropped:
 * Kubernetes' semantic equality treats a nil and an empty slice or map alike, and so does
 * the hash.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[k]);
      if (v === undefined || v === null) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
      out[k] = v;
    }
    return out;
  }
  return value;
}

export function computeHash(template: unknown, collisionCount?: number | null): string {
  let hash = fnv32a(FNV32_OFFSET, new TextEncoder().encode(JSON.stringify(canonical(template) ?? {})));
  if (collisionCount != null) {
    const bytes = new Uint8Array(8); // a little-endian uint32 in an 8-byte buffer, as Kubernetes writes it
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(hash, bytes);
  }
  return safeEncodeString(String(hash));
}

type Template = { metadata?: { labels?: Record<string, string> } } | undefined;

/** EqualIgnoreHash: two pod templates are the same but for the pod-template-hash label. */
export function equalIgnoreHash(a: Template, b: Template): boolean {
  const strip = (t: Template) => {
    const copy = structuredClone(t ?? {}) as NonNullable<Template>;
    if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
    return canonical(copy);
  };
  return isDeepStrictEqual(strip(a), strip(b));
}
