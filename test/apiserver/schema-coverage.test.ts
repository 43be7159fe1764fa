// Every property of Kubernetes' schema for every served kind is a typed GraphQL field — no
// hand-picked subset — and the definitions are current with their npm source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { getNamedType, getNullableType, isListType, isObjectType, isScalarType, type GraphQLObjectType, type GraphQLOutputType } from 'graphql';
import { KINDS } from '../../src/apis/kinds.ts';
import { definitions, kindDefinition, refName, type Schema } from '../../src/apis/openapi/index.ts';
import { buildApiSchema } from '../../src/apiserver/graphql/schema.ts';
import { graphqlFieldName } from '../../src/apiserver/graphql/openapi-types.ts';
import { OUTPUT, generateDefinitions, render, typesDirectory } from '../../scripts/generate-openapi.ts';

test('src/apis/openapi/kubernetes.json is current with kubernetes-types (npm run generate:openapi)', () => {
  assert.equal(readFileSync(OUTPUT, 'utf8'), render(generateDefinitions(typesDirectory())), 'stale: run npm run generate:openapi');
});

const defs = definitions();
const opaque = (s: Schema): boolean => !s.properties || Object.keys(s.properties).length === 0;

/** The GraphQL scalar a leaf schema must be (null: an object or list, checked by the walk). */
function expectedScalar(s: Schema): string | null {
  if (s.$ref) return opaque(defs[refName(s.$ref)]!) ? 'JSON' : null;
  if (s['x-kubernetes-int-or-string']) return 'IntOrString';
  if (s['x-kubernetes-preserve-unknown-fields']) return 'JSON';
  if (s.type === 'array') return null;
  if (s.type === 'string') return s.format === 'quantity' ? 'Quantity' : 'String';
  if (s.type === 'integer') return s.format === 'int32' ? 'Int' : 'SafeInt';
  if (s.type === 'number') return 'Float';
  if (s.type === 'boolean') return 'Boolean';
  return 'JSON'; // maps (additionalProperties) and objects without properties
}

test('every property of every kind, nested all the way down, is a GraphQL field of the matching type', async () => {
  const schema = await buildApiSchema();
  const seen = new Set<string>();
  let fields = 0;
  const problems: string[] = [];

  const checkValue = (path: string, s: Schema, type: GraphQLOutputType): void => {
    const t = getNullableType(type);
    if (s.type === 'array' && !s['x-kubernetes-preserve-unknown-fields']) {
      if (!isListType(t)) return void problems.push(`${path}: a list in the schema, ${String(type)} in GraphQL`);
      return checkValue(`${path}[]`, s.items ?? {}, t.ofType);
    }
    const scalar = expectedScalar(s);
    const named = getNamedType(type);
    if (scalar) {
      if (!isScalarType(named) || named.name !== scalar) problems.push(`${path}: expected ${scalar}, found ${String(type)}`);
      return;
    }
    if (!isObjectType(named)) return void problems.push(`${path}: expected an object type, found ${String(type)}`);
    checkObject(path, refName(s.$ref!), named);
  };

  const checkObject = (path: string, def: string, type: GraphQLObjectType): void => {
    const key = `${def}→${type.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const gqlFields = type.getFields();
    for (const [property, s] of Object.entries(defs[def]!.properties ?? {})) {
      const field = gqlFields[graphqlFieldName(property)];
      fields++;
      if (!field) {
        problems.push(`${path}.${property} (${def}) has no field on ${type.name}`);
        continue;
      }
      if (s.description && !field.description?.includes(s.description.slice(0, 40))) problems.push(`${path}.${property}: the schema's description is missing`);
      if (property === 'apiVersion' || property === 'kind') continue; // kubeql's String! on every kind
      checkValue(`${path}.${property}`, s, field.type);
    }
  };

  for (const info of KINDS) {
    const def = kindDefinition(info.apiVersion, info.kind);
    assert.ok(def, `${info.apiVersion} ${info.kind} has a definition in Kubernetes' schema`);
    const type = schema.getType(info.kind);
    assert.ok(isObjectType(type), `${info.kind} is an object type`);
    checkObject(info.kind, def, type);
  }
  assert.deepEqual(problems, []);
  assert.ok(fields > 1000, `checked ${fields} fields`);
});

test('Pod.spec is fully typed: containers, env, probes, volumes and securityContext are object types with descriptions', async () => {
  const schema = await buildApiSchema();
  const type = (name: string) => schema.getType(name) as GraphQLObjectType;
  const container = type('Container').getFields();
  assert.equal(String(container.env!.type), '[EnvVar]');
  assert.equal(String(container.livenessProbe!.type), 'Probe');
  assert.equal(String(container.resources!.type), 'ResourceRequirements');
  assert.equal(String(type('PodSpec').getFields().volumes!.type), '[Volume]');
  assert.equal(String(type('HTTPGetAction').getFields().port!.type), 'IntOrString');
  assert.match(type('Probe').getFields().periodSeconds!.description ?? '', /How often \(in seconds\) to perform the probe/);
});
