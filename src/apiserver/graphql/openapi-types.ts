// GraphQL object types generated from JSON Schema (OpenAPI v3 definitions): Kubernetes'
// own schema for the built-in kinds (src/apis/openapi), and the same generator for a
// CustomResourceDefinition's openAPIV3Schema. Nothing here names a kind or a field.
//
//   object with properties      → an object type, one field per property, with its description
//   $ref                        → the referenced definition's object type
//   array                       → a list of the item type
//   string / boolean            → String / Boolean
//   integer (int32)             → Int; other integers → SafeInt (int64 values exceed Int's 32 bits)
//   number                      → Float
//   format quantity             → Quantity; x-kubernetes-int-or-string → IntOrString
//   maps (additionalProperties), x-kubernetes-preserve-unknown-fields, objects without
//   properties                  → JSON (GraphQL has no map type)
//
// Every field is nullable, lists and their items too: objects are read from stored JSON,
// where an absent field resolves to null, and a required field's absence is validation's
// business, not a reason for a read to fail.
import 'reflect-metadata';
import { GraphQLBoolean, GraphQLFloat, GraphQLInt, GraphQLString } from 'graphql';
import { GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';
import { Extensions, Field, ObjectType, type ClassType } from 'type-graphql';
import { definitions, refName, type Schema } from '../../apis/openapi/index.ts';
import { IntOrString, Quantity } from './scalars.ts';

/** A type-graphql type function: `() => PodSpec`, `() => [String]`, `() => GraphQLJSON`. */
export type FieldType = () => unknown;

export interface GeneratedField {
  type: FieldType;
  /** type-graphql's nullable option: `itemsAndList` for lists. */
  nullable: true | 'itemsAndList';
  description?: string;
}

type Decorate = (target: object, key: string, descriptor?: PropertyDescriptor) => void;

/**
 * What the schema says of a field that its GraphQL type cannot: the property it reads (when
 * the property is no GraphQL name) and, for a map (JSON in GraphQL), the type of its values —
 * so that the decoding check (conformance.ts) holds a map's values to the schema too.
 */
export interface FieldExtensions {
  property?: string;
  /** The GraphQL named type of a map's values, and how many lists deep (`{[k]: string[]}`: String, 1). */
  mapValues?: { type: string; list: number };
}

/** `io.k8s.api.discovery.v1.Endpoint` → `DiscoveryV1`: the prefix that tells a taken name apart. */
function groupPrefix(definition: string): string {
  const parts = definition.split('.');
  const version = parts[parts.length - 2] ?? '';
  const group = parts[parts.length - 3] ?? '';
  const pascal = (s: string) =>
    s
      .split(/[-.]/)
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
      .join('');
  return pascal(group) + pascal(version);
}

/** Packages whose types keep their short names when another package has a type of the same name. */
const rank = (definition: string): number =>
  definition.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.') ? 0 : definition.startsWith('io.k8s.api.core.v1.') ? 1 : 2;

export interface OpenApiTypesOptions {
  /** GraphQL type names that are not this generator's to use (kubeql's own types). */
  reserved?: Iterable<string>;
  /**
   * Definitions that have a GraphQL type of their own (a kind's object type for its
   * definition; the type function is called only once the schema is built).
   */
  provided?: ReadonlyMap<string, FieldType>;
}

export class OpenApiTypes {
  private readonly classes = new Map<string, ClassType>();
  private readonly names = new Map<string, string>();
  private readonly taken: Set<string>;
  private readonly provided: Map<string, FieldType>;

  constructor(
    private readonly defs: Readonly<Record<string, Schema>>,
    options: OpenApiTypesOptions = {},
  ) {
    this.taken = new Set(options.reserved);
    this.provided = new Map(options.provided);
    // The types the provided ones reach are named first, in a fixed order (meta, then core,
    // then the rest by name): a type's name does not depend on the order of the kinds.
    const order = [...reachable(defs, this.provided.keys())].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    for (const def of order) this.name(def);
  }

  /** The GraphQL name of a definition: its own name, or prefixed by its group and version when that is taken. */
  name(definition: string): string {
    let name = this.names.get(definition);
    if (name) return name;
    const short = definition.slice(definition.lastIndexOf('.') + 1);
    name = this.taken.has(short) ? `${groupPrefix(definition)}${short}` : short;
    for (let i = 2; this.taken.has(name); i++) name = `${groupPrefix(definition)}${short}${i}`;
    this.taken.add(name);
    this.names.set(definition, name);
    return name;
  }

  /** The type-graphql type, nullability and description of a field with this schema. */
  field(schema: Schema, description = schema.description): GeneratedField {
    const base = { ...(description ? { description } : {}) };
    if (schema.type === 'array' && !schema['x-kubernetes-preserve-unknown-fields']) {
      const item = schema.items ? this.field(schema.items) : undefined;
      return { ...base, type: () => [item ? item.type() : GraphQLJSON], nullable: 'itemsAndList' };
    }
    return { ...base, type: this.scalarOrObject(schema), nullable: true };
  }

  /** The object type of a definition (`io.k8s.api.core.v1.PodSpec` → `PodSpec`), made on first use. */
  objectType(definition: string): ClassType {
    let cls = this.classes.get(definition);
    if (cls) return cls;
    const schema = this.defs[definition];
    if (!schema) throw new Error(`no definition ${definition}`);
    const name = this.name(definition);
    cls = class {};
    Object.defineProperty(cls, 'name', { value: name });
    this.classes.set(definition, cls); // before its fields: definitions refer to themselves (JSONSchemaProps)
    ObjectType(name, schema.description ? { description: schema.description } : {})(cls);
    for (const [key, property] of Object.entries(schema.properties ?? {})) this.decorateField(cls, key, property);
    return cls;
  }

  /** Adds a property as a GraphQL field of a class (a kind's top-level fields). */
  decorateField(cls: ClassType, key: string, property: Schema): void {
    const f = this.field(property);
    const name = graphqlFieldName(key);
    (
      Field(f.type as () => ClassType, {
        nullable: f.nullable,
        ...(f.description ? { description: f.description } : {}),
        ...(name !== key ? { name } : {}),
      }) as Decorate
    )(cls.prototype, key);
    const extensions: FieldExtensions = {};
    if (name !== key) extensions.property = key;
    const values = this.mapValues(property);
    if (values) extensions.mapValues = values;
    if (Object.keys(extensions).length) (Extensions(extensions as Record<string, unknown>) as Decorate)(cls.prototype, key);
  }

  /** The named type of a map's values (JSON when they may be anything); undefined when the schema is no map. */
  private mapValues(schema: Schema): FieldExtensions['mapValues'] {
    const values = schema.additionalProperties;
    if (schema.type !== 'object' || schema.properties || schema['x-kubernetes-preserve-unknown-fields'] || typeof values !== 'object') return undefined;
    let list = 0;
    let item: Schema = values;
    while (item.type === 'array' && item.items && !item['x-kubernetes-preserve-unknown-fields']) {
      list++;
      item = item.items;
    }
    if (item.$ref) {
      const def = refName(item.$ref);
      const target = this.defs[def];
      if (!target || isOpaque(target) || this.provided.has(def)) return { type: 'JSON', list }; // still a map: its values are any JSON
      this.objectType(def);
      return { type: this.name(def), list };
    }
    const scalar = this.scalarOrObject(item)() as { name?: string };
    return { type: scalar.name ?? 'JSON', list };
  }

  private scalarOrObject(schema: Schema): FieldType {
    if (schema.$ref) {
      const def = refName(schema.$ref);
      const provided = this.provided.get(def);
      if (provided) return provided;
      const target = this.defs[def];
      if (target && isOpaque(target)) return () => GraphQLJSON;
      // Made now, not when type-graphql first asks: it reads the object types registered
      // when its schema build starts.
      const cls = this.objectType(def);
      return () => cls;
    }
    if (schema['x-kubernetes-int-or-string']) return () => IntOrString;
    if (schema['x-kubernetes-preserve-unknown-fields'] || schema['x-kubernetes-embedded-resource']) return () => GraphQLJSON;
    switch (schema.type) {
      case 'string':
        return schema.format === 'quantity' ? () => Quantity : () => GraphQLString;
      case 'boolean':
        return () => GraphQLBoolean;
      case 'integer':
        return schema.format === 'int32' ? () => GraphQLInt : () => GraphQLSafeInt;
      case 'number':
        return () => GraphQLFloat;
      default:
        return () => GraphQLJSON; // maps, objects without properties, untyped nodes
    }
  }
}

/**
 * The GraphQL name of a property: itself when it is a GraphQL name, else without `$` and
 * in camelCase (JSONSchemaProps' `$ref` → `ref`, `x-kubernetes-int-or-string` →
 * `xKubernetesIntOrString`). The field still reads the property by its own name.
 */
export function graphqlFieldName(property: string): string {
  if (/^[_A-Za-z][_0-9A-Za-z]*$/.test(property)) return property;
  const name = property.replace(/^\$/, '').replace(/[^_0-9A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return /^[_A-Za-z]/.test(name) ? name : `_${name}`;
}

/** The definitions reachable from the roots through $refs (the roots included). */
function reachable(defs: Readonly<Record<string, Schema>>, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (schema: Schema | boolean | undefined): void => {
    if (!schema || typeof schema !== 'object') return;
    if (schema.$ref) enter(refName(schema.$ref));
    visit(schema.items);
    visit(schema.additionalProperties);
    for (const p of Object.values(schema.properties ?? {})) visit(p);
  };
  const enter = (def: string): void => {
    if (seen.has(def) || !defs[def]) return;
    seen.add(def);
    visit(defs[def]);
  };
  for (const root of roots) enter(root);
  return seen;
}

/** A definition with no properties of its own: any JSON object (FieldsV1, an empty Go struct). */
const isOpaque = (schema: Schema): boolean => !schema.properties || Object.keys(schema.properties).length === 0;

let builtin: OpenApiTypes | undefined;

/** The generator over Kubernetes' built-in definitions, shared by every resolver of the process. */
export function builtinTypes(options?: OpenApiTypesOptions): OpenApiTypes {
  return (builtin ??= new OpenApiTypes(definitions(), options));
}
