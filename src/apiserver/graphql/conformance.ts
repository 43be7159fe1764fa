// Every stored object must be servable through its typed GraphQL fields: a status
// whose `startTime` is an object would make every later read of the pod fail. This
// check is the apiserver's decoding step: it holds an object against the kind's GraphQL
// type and reports each value the type's own serializer refuses, with Kubernetes-style
// field paths — one generic check for every kind, derived from the schema itself.
//
// It runs on every write, so the schema is compiled once per kind into a predicate of
// closures (no type lookups, no allocations, no exceptions on well-typed input); only
// when the predicate fails is the object walked again to say what is wrong.
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLString,
  getNullableType,
  isListType,
  isObjectType,
  isOutputType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import type { FieldExtensions } from './openapi-types.ts';
import { kindInfo, type KubeObject } from '../../apis/kinds.ts';
import type { Cause } from '../../apimachinery/errors.ts';
import { definitions, kindDefinition } from '../../apis/openapi/index.ts';
import { isRecord } from '../../apimachinery/json.ts';

/**
 * The causes of the object's non-conformance ([] when it conforms). `fields` limits the
 * check to those top-level fields (a status write checks `status` only).
 */
export type ConformanceCheck = (object: KubeObject, fields?: readonly string[]) => Cause[];

type Check = (value: unknown) => boolean;

interface KindChecker {
  /** The kind's checked top-level fields and their types. */
  fields: Map<string, { type: GraphQLOutputType | MapOf; check: Check }>;
}

export function createConformanceCheck(schema: GraphQLSchema): ConformanceCheck {
  const compiled = new Map<string, Check>();
  const kinds = new Map<string, KindChecker | null>();

  const kindChecker = (kind: string): KindChecker | null => {
    let k = kinds.get(kind);
    if (k !== undefined) return k;
    const type = schema.getType(kind);
    if (!isObjectType(type)) {
      k = null;
    } else {
      const fields = type.getFields();
      k = { fields: new Map() };
      // The kind's own fields (Kubernetes' schema), not relations or `manifest`.
      const info = kindInfo(kind);
      const definition = info ? kindDefinition(info.apiVersion, kind) : undefined;
      const own = Object.keys(definition ? (definitions()[definition]?.properties ?? {}) : { spec: 1, status: 1 }).filter(
        (k) => k !== 'apiVersion' && k !== 'kind',
      );
      for (const key of own.includes('metadata') ? own : ['metadata', ...own]) {
        if (fields[key]) k.fields.set(key, { type: typeOf(fields[key], schema), check: compile(typeOf(fields[key], schema), compiled, schema) });
      }
    }
    kinds.set(kind, k);
    return k;
  };

  return (object, only) => {
    const k = kindChecker(object.kind);
    if (!k) return [];
    let causes: Cause[] | undefined;
    for (const key of only ?? k.fields.keys()) {
      const f = k.fields.get(key);
      const value = object[key];
      if (!f || value === undefined || f.check(value)) continue;
      walk(value, f.type, key, (causes ??= []), schema);
    }
    return causes ?? [];
  };
}

/** The property a field reads (JSONSchemaProps' `ref` reads `$ref`). */
const propertyOf = (name: string, field: GraphQLField<unknown, unknown>): string => (field.extensions as FieldExtensions).property ?? name;

/** A map of typed values (a map is JSON in GraphQL; the schema's type of its values rides on the field). */
class MapOf {
  constructor(readonly values: GraphQLOutputType) {}
}

/** The type a field's values are checked against: its GraphQL type, or a map of the schema's value type. */
function typeOf(field: GraphQLField<unknown, unknown>, schema: GraphQLSchema): GraphQLOutputType | MapOf {
  const values = (field.extensions as FieldExtensions).mapValues;
  const named = values ? schema.getType(values.type) : undefined;
  if (!values || !named || !isOutputType(named)) return field.type;
  let t: GraphQLOutputType = named;
  for (let i = 0; i < values.list; i++) t = new GraphQLList(t);
  return new MapOf(t);
}

/** A predicate equivalent to "walk() finds nothing", built once per GraphQL type. */
function compile(type: GraphQLOutputType | MapOf, cache: Map<string, Check>, schema: GraphQLSchema): Check {
  if (type instanceof MapOf) {
    const value = compile(type.values, cache, schema);
    return (v) => {
      if (v === null || v === undefined) return true;
      if (!isRecord(v)) return false;
      for (const k of Object.keys(v)) if (!value(v[k])) return false;
      return true;
    };
  }
  const t = getNullableType(type);
  if (isListType(t)) {
    const item = compile(t.ofType, cache, schema);
    return (v) => {
      if (v === null || v === undefined) return true;
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
      return true;
    };
  }
  if (isObjectType(t)) {
    const cached = cache.get(t.name);
    if (cached) return cached;
    // Types may refer to themselves: the field checks are filled in after the entry exists.
    const fields = new Map<string, Check>();
    const check: Check = (v) => {
      if (v === null || v === undefined) return true;
      if (!isRecord(v)) return false;
      for (const k of Object.keys(v)) {
        const f = fields.get(k);
        if (f && !f(v[k])) return false;
      }
      return true;
    };
    cache.set(t.name, check);
    for (const [name, field] of Object.entries((t as GraphQLObjectType).getFields()))
      fields.set(propertyOf(name, field), compile(typeOf(field, schema), cache, schema));
    return check;
  }
  if (isScalarType(t)) return scalarCheck(t);
  return () => true; // enums and the rest: never checked
}

/**
 * What a scalar accepts, as Kubernetes' JSON decoding into Go types does: graphql-js's own
 * serializers coerce (`String` takes 42, `Int` takes "7" and true), which would store a
 * value of the wrong JSON type that the typed field and `manifest` then disagree on; so the
 * built-in scalars are held to their JSON type, and kubeql's own (IntOrString, Quantity,
 * SafeInt, JSON) to their serializers, which do not coerce.
 */
function accepts(t: GraphQLScalarType): (v: unknown) => boolean {
  if (t === GraphQLString) return (v) => typeof v === 'string';
  if (t === GraphQLInt) return (v) => typeof v === 'number' && Number.isInteger(v) && v <= 2147483647 && v >= -2147483648;
  if (t === GraphQLFloat) return (v) => typeof v === 'number' && Number.isFinite(v);
  if (t === GraphQLBoolean) return (v) => typeof v === 'boolean';
  if (t.name === 'SafeInt') return (v) => typeof v === 'number' && Number.isSafeInteger(v);
  if (t.name === 'JSON') return () => true; // graphql-scalars' JSON serializes any value as it is
  if (t.name === 'JSONObject') return isRecord;
  return (v) => {
    try {
      t.serialize(v);
      return true;
    } catch {
      return false;
    }
  };
}

function scalarCheck(t: GraphQLScalarType): Check {
  const ok = accepts(t);
  return (v) => v === null || v === undefined || ok(v);
}

/** The slow path: every value the types refuse, with its field path. */
function walk(value: unknown, type: GraphQLOutputType | MapOf, path: string, causes: Cause[], schema: GraphQLSchema): void {
  if (value === null || value === undefined) return; // required-ness is validation's business
  if (type instanceof MapOf) {
    if (!isRecord(value)) return void causes.push({ field: path, message: `Invalid value: ${short(value)}: must be of type object` });
    for (const [k, v] of Object.entries(value)) walk(v, type.values, `${path}[${k}]`, causes, schema);
    return;
  }
  const t = getNullableType(type);
  if (isListType(t)) {
    if (!Array.isArray(value)) return void causes.push({ field: path, message: `Invalid value: ${short(value)}: must be of type array` });
    value.forEach((item, i) => walk(item, t.ofType, `${path}[${i}]`, causes, schema));
  } else if (isObjectType(t)) {
    if (!isRecord(value)) return void causes.push({ field: path, message: `Invalid value: ${short(value)}: must be of type object` });
    const fields = new Map(Object.entries(t.getFields()).map(([name, f]) => [propertyOf(name, f), f]));
    for (const [k, v] of Object.entries(value)) {
      const f = fields.get(k);
      if (f) walk(v, typeOf(f, schema), `${path}.${k}`, causes, schema);
    }
  } else if (isScalarType(t)) {
    if (!accepts(t)(value)) causes.push({ field: path, message: `Invalid value: ${short(value)}: must be of type ${SCALAR_NAMES[t.name] ?? t.name}` });
  }
}

const SCALAR_NAMES: Record<string, string> = {
  String: 'string',
  Int: 'int32',
  SafeInt: 'int64',
  Float: 'number',
  Boolean: 'boolean',
  JSONObject: 'object',
  IntOrString: 'int or string',
  Quantity: 'quantity',
};

const short = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};
