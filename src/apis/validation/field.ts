// field.Error of k8s.io/apimachinery/pkg/util/validation/field: the causes and their
// wording (`Required value`, `Invalid value: "x": detail`, `Unsupported value: …`), plus
// readers that check a JSON value's type before a validator looks inside it.
//
// A manifest reaches kubeql as JSON, not as a Go struct, so a field of the wrong type is
// reported here as `Invalid value: <value>: must be of type <type>` at its path (Kubernetes
// fails such a request while decoding it). JSON null counts as absent, as in Go.

import type { Cause } from '../../apimachinery/errors.ts';
import { isRecord } from '../../apimachinery/json.ts';

export type { Cause };
export type Rec = Record<string, unknown>;

// ---- paths -------------------------------------------------------------------------

/** `spec` + `containers` → `spec.containers` (field.Path.Child). */
export function child(path: string, ...names: string[]): string {
  let p = path;
  for (let i = 0; i < names.length; i++) p = p ? `${p}.${names[i]}` : names[i]!; // a loop, not reduce: it runs for every field of every write
  return p;
}
/** `spec.containers` + 0 → `spec.containers[0]` (field.Path.Index). */
export const index = (path: string, i: number): string => `${path}[${i}]`;
/** `resources.requests` + `cpu` → `resources.requests[cpu]` (field.Path.Key). */
export const key = (path: string, k: string): string => `${path}[${k}]`;

// ---- values as Go's field.Error prints them ---------------------------------------

const isStringArray = (v: unknown[]): v is string[] => v.every((x) => typeof x === 'string');

/** A Go string literal, as %q prints it. */
export const quote = (s: string): string => JSON.stringify(s);

/** `[]string{"a", "b"}` */
export const goStringSlice = (v: readonly string[]): string => `[]string{${v.map(quote).join(', ')}}`;

/** `map[string]string{"a":"1", "b":"2"}` (keys sorted, as fmt prints maps). */
export const goStringMap = (v: Readonly<Record<string, string>>): string =>
  `map[string]string{${Object.keys(v)
    .sort()
    .map((k) => `${quote(k)}:${quote(v[k]!)}`)
    .join(', ')}}`;

/**
 * The bad value of a cause, printed as field.Error.ErrorBody does: strings quoted, numbers
 * and booleans bare, nil as `null`, string slices as Go literals, anything else as JSON
 * (callers that know the Go type pass a Literal instead).
 */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
  }
  if (Array.isArray(v) && isStringArray(v)) return goStringSlice(v);
  return JSON.stringify(v) ?? String(v);
}

/** A value that is printed as given (a Go literal built by the caller). */
export class Literal {
  constructor(readonly text: string) {}
}
const body = (v: unknown): string => (v instanceof Literal ? v.text : formatValue(v));

// ---- causes ------------------------------------------------------------------------

const withDetail = (head: string, detail: string): string => (detail ? `${head}: ${detail}` : head);

/** field.Required: `Required value` (`Required value: <detail>`). */
export const required = (field: string, detail = ''): Cause => ({ field, message: withDetail('Required value', detail) });
/** field.Invalid: `Invalid value: <value>: <detail>`. */
export const invalid = (field: string, value: unknown, detail: string): Cause => ({
  field,
  message: withDetail(`Invalid value: ${body(value)}`, detail),
});
/** field.NotSupported: `Unsupported value: <value>: supported values: "a", "b"`. */
export const notSupported = (field: string, value: unknown, valid: readonly string[]): Cause => ({
  field,
  message: withDetail(`Unsupported value: ${body(value)}`, valid.length ? `supported values: ${valid.map(quote).join(', ')}` : ''),
});
/** field.Duplicate: `Duplicate value: <value>`. */
export const duplicate = (field: string, value: unknown): Cause => ({ field, message: `Duplicate value: ${body(value)}` });
/** field.NotFound: `Not found: <value>`. */
export const notFound = (field: string, value: unknown): Cause => ({ field, message: `Not found: ${body(value)}` });
/** field.Forbidden: `Forbidden: <detail>`. */
export const forbidden = (field: string, detail: string): Cause => ({ field, message: withDetail('Forbidden', detail) });
/** field.TooLong: `Too long: must have at most <n> bytes`. */
export const tooLong = (field: string, max: number): Cause => ({ field, message: `Too long: must have at most ${max} bytes` });
/** field.TooMany: `Too many: <n>: must have at most <max> items`. */
export const tooMany = (field: string, actual: number, max: number): Cause => ({
  field,
  message: `Too many: ${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}`,
});

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

// ---- typed readers -----------------------------------------------------------------
// Each reads one JSON value: absent/null → undefined; the wrong type → a cause and
// undefined; otherwise the value.

export type Errs = Cause[];

const typeError = (errs: Errs, path: string, v: unknown, type: string): undefined => {
  errs.push(invalid(path, v, `must be of type ${type}`));
  return undefined;
};

/** A JSON object: apimachinery's isRecord, by the name the validators use. */
export const isRec: (v: unknown) => v is Rec = isRecord;
export const present = (v: unknown): boolean => v !== undefined && v !== null;

export function readObject(errs: Errs, path: string, v: unknown): Rec | undefined {
  if (!present(v)) return undefined;
  return isRec(v) ? v : typeError(errs, path, v, 'object');
}

export function readArray(errs: Errs, path: string, v: unknown): unknown[] | undefined {
  if (!present(v)) return undefined;
  return Array.isArray(v) ? v : typeError(errs, path, v, 'array');
}

export function readString(errs: Errs, path: string, v: unknown): string | undefined {
  if (!present(v)) return undefined;
  return typeof v === 'string' ? v : typeError(errs, path, v, 'string');
}

export function readBool(errs: Errs, path: string, v: unknown): boolean | undefined {
  if (!present(v)) return undefined;
  return typeof v === 'boolean' ? v : typeError(errs, path, v, 'boolean');
}

export function readInt(errs: Errs, path: string, v: unknown): number | undefined {
  if (!present(v)) return undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : typeError(errs, path, v, 'integer');
}

/** intstr.IntOrString. */
export function readIntOrString(errs: Errs, path: string, v: unknown): number | string | undefined {
  if (!present(v)) return undefined;
  if (typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v))) return v;
  return typeError(errs, path, v, 'integer or string');
}

/** An array of strings; a non-string item is reported at its index and left out. */
export function readStringArray(errs: Errs, path: string, v: unknown): string[] | undefined {
  const arr = readArray(errs, path, v);
  if (!arr) return undefined;
  const out: string[] = [];
  arr.forEach((x, i) => {
    const s = readString(errs, index(path, i), x);
    if (s !== undefined) out.push(s);
  });
  return out;
}

/** A map of strings (labels, annotations, selectors); a non-string value is reported at its key and left out. */
export function readStringMap(errs: Errs, path: string, v: unknown): Record<string, string> | undefined {
  const obj = readObject(errs, path, v);
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj)) {
    if (typeof x === 'string') out[k] = x;
    else typeError(errs, key(path, k), x, 'string');
  }
  return out;
}

/** Objects of an array, with their index; non-object items are reported and skipped. */
export function readObjects(errs: Errs, path: string, v: unknown): Array<[Rec, number]> {
  const arr = readArray(errs, path, v);
  if (!arr) return [];
  const out: Array<[Rec, number]> = [];
  arr.forEach((x, i) => {
    const o = readObject(errs, index(path, i), x);
    if (o) out.push([o, i]);
    else if (!present(x)) typeError(errs, index(path, i), x, 'object');
  });
  return out;
}

/** Checks `value` is one of `valid` when present (`Unsupported value` otherwise). */
export function checkEnum(errs: Errs, path: string, v: unknown, valid: readonly string[]): string | undefined {
  const s = readString(errs, path, v);
  if (s === undefined) return undefined;
  if (!valid.includes(s)) errs.push(notSupported(path, s, valid));
  return s;
}

/** ValidateNonnegativeField for an optional integer. */
export function checkNonNegative(errs: Errs, path: string, v: unknown): number | undefined {
  const n = readInt(errs, path, v);
  if (n !== undefined && n < 0) errs.push(invalid(path, n, IS_NEGATIVE));
  return n;
}
