// Every stored object must be servable through its typed GraphQL fields: a status
// whose `startTime` is an object would make every later read of the pod fail. This
// check walks an object against the kind's GraphQL type and reports each value the
// type's own serializer refuses, with Kubernetes-style field paths — one generic
// check for every kind, derived from the schema itself.
import {
  getNullableType, isListType, isObjectType, isScalarType, type GraphQLOutputType, type GraphQLSchema,
} from 'graphql';
import type { KubeObject } from '../../apis/kinds.ts';
import type { Cause } from '../../apimachinery/errors.ts';
import { KIND_SHAPES } from './kinds/index.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type ConformanceCheck = (object: KubeObject) => Cause[];

export function createConformanceCheck(schema: GraphQLSchema): ConformanceCheck {
  return (object) => {
    const type = schema.getType(object.kind);
    if (!isObjectType(type)) return [];
    const fields = type.getFields();
    const causes: Cause[] = [];
    for (const key of ['metadata', ...Object.keys(KIND_SHAPES[object.kind]?.fields ?? {})]) {
      if (fields[key] && object[key] !== undefined) walk(object[key], fields[key].type, key, causes);
    }
    return causes;
  };
}

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
