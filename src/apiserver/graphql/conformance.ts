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
  GraphQLBoolean, GraphQLFloat, GraphQLInt, GraphQLString, getNullableType, isListType, isObjectType, isScalarType,
  type GraphQLObjectType, type GraphQLOutputType, type GraphQLScalarType, type GraphQLSchema,
} from 'graphql';
import { kindInfo, type KubeObject } from '../../apis/kinds.ts';
import type { Cause } from '../../apimachinery/errors.ts';
import { definitions, kindDefinition } from '../../apis/openapi/index.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The causes of the object's non-conformance ([] when it conforms). `fields` limits the
 * check to those top-level fields (a status write checks `status` only).
 */
export type ConformanceCheck = (object: KubeObject, fields?: readonly string[]) => Cause[];

type Check = (value: unknown) => boolean;

interface KindChecker {
  /** The kind's checked top-level fields and their types. */
  fields: Map<string, { type: GraphQLOutputType; check: Check }>;
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
      const own = Object.keys(definition ? definitions()[definition]?.properties ?? {} : { spec: 1, status: 1 }).filter((k) => k !== 'apiVersion' && k !== 'kind');
      for (const key of own.includes('metadata') ? own : ['metadata', ...own]) {
        if (fields[key]) k.fields.set(key, { type: fields[key].type, check: compile(fields[key].type, compiled) });
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
      walk(value, f.type, key, (causes ??= []));
    }
    return causes ?? [];
  };
}

/** A predicate equivalent to "walk() finds nothing", built once per GraphQL type. */
function compile(type: GraphQLOutputType, cache: Map<string, Check>): Check {
  const t = getNullableType(type);
  if (isListType(t)) {
    const item = compile(t.ofType, cache);
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
    for (const [name, field] of Object.entries((t as GraphQLObjectType).getFields())) fields.set(name, compile(field.type, cache));
    return check;
  }
  if (isScalarType(t)) return scalarCheck(t);
  return () => true; // enums and the rest: never checked
}

/** Does the scalar's serializer take the value? A fast path for the common types, the serializer itself otherwise. */
function scalarCheck(t: GraphQLScalarType): Check {
  const serializes = (v: unknown): boolean => {
    try {
      t.serialize(v);
      return true;
    } catch {
      return false;
    }
  };
  const nullable = (fast: (v: unknown) => boolean): Check => (v) => v === null || v === undefined || fast(v) || serializes(v);
  if (t === GraphQLString) return nullable((v) => typeof v === 'string');
  if (t === GraphQLInt) return nullable((v) => typeof v === 'number' && Number.isInteger(v) && v <= 2147483647 && v >= -2147483648);
  if (t === GraphQLFloat) return nullable((v) => typeof v === 'number' && Number.isFinite(v));
  if (t === GraphQLBoolean) return nullable((v) => typeof v === 'boolean');
  if (t.name === 'JSON') return () => true; // graphql-scalars' JSON serializes any value as it is
  if (t.name === 'JSONObject') return nullable(isRecord);
  return nullable(() => false);
}

/** The slow path: every value the types refuse, with its field path. */
function walk(value: unknown, type: GraphQLOutputType, path: string, causes: Cause[]): void {
  if (value === null || value === undefined) return; // required-ness is validation's business
  const t = getNullableType(type);
  if (isListType(t)) {
    if (!Array.isArray(value)) return void causes.push({ field: path, message: `Invalid value: ${short(value)}: must be of type array` });
    value.forEach((item, i) => walk(item, t.ofType, `${path}[${i}]`, causes));
  } else if (isObjectType(t)) {
    if (!isRecord(value)) return void causes.push({ field: path, message: `Invalid value: ${short(value)}: must be of type object` });
    const fields = t.getFields();
    for (const [k, v] of Object.entries(value)) if (fields[k]) walk(v, fields[k].type, `${path}.${k}`, causes);
  } else if (isScalarType(t)) {
    try {
      t.serialize(value);
    } catch {
      causes.push({ field: path, message: `Invalid value: ${short(value)}: must be of type ${SCALAR_NAMES[t.name] ?? t.name}` });
    }
  }
}

const SCALAR_NAMES: Record<string, string> = { String: 'string', Int: 'int32', Float: 'number', Boolean: 'boolean', JSONObject: 'object' };

const short = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};
