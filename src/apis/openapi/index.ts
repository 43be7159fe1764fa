// Kubernetes' API types as JSON Schema (OpenAPI v3 definitions), generated from the npm
// package kubernetes-types by scripts/generate-openapi.ts: the one source of every built-in
// kind's fields, nesting and descriptions. The GraphQL types are built from these
// definitions, the same way a CustomResourceDefinition's openAPIV3Schema will be.
import { readFileSync } from 'node:fs';

/** A JSON Schema node, as Kubernetes' OpenAPI v3 spec and CRDs' openAPIV3Schema write them. */
export interface Schema {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  $ref?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

interface Document {
  source: string;
  definitions: Record<string, Schema>;
}

let loaded: Document | undefined;
const load = (): Document => (loaded ??= JSON.parse(readFileSync(new URL('./kubernetes.json', import.meta.url), 'utf8')) as Document);

/** Every definition, by its OpenAPI name (`io.k8s.api.core.v1.PodSpec`). */
export const definitions = (): Readonly<Record<string, Schema>> => load().definitions;

/** The OpenAPI name a `$ref` points to (`#/definitions/io.k8s.api.core.v1.PodSpec` → `io.k8s.api.core.v1.PodSpec`). */
export const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

let byKind: Map<string, string> | undefined;

/** The definition name of a kind (`apps/v1`, `Deployment` → `io.k8s.api.apps.v1.Deployment`); undefined when Kubernetes has none. */
export function kindDefinition(apiVersion: string, kind: string): string | undefined {
  if (!byKind) {
    byKind = new Map();
    for (const [name, schema] of Object.entries(definitions())) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        byKind.set(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`, name);
      }
    }
  }
  return byKind.get(`${apiVersion}/${kind}`);
}
