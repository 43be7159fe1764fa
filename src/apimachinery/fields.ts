// Field selectors with the semantics of k8s.io/apimachinery/pkg/fields: comma-separated
// terms (ANDed) `field=value`, `field==value`, `field!=value`; `\,`, `\=` and `\\` escape
// in values; an unescaped `,`/`=` in a value or an unknown escape is an error. Fields are
// dotted paths into the object (`metadata.name`, `spec.nodeName`); a missing field reads
// as "". Each kind declares which fields it supports, as kube-apiserver does.

import { badInput } from './errors.ts';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  /** Unescaped. */
  readonly value: string;
}

export interface FieldSelector {
  /** ANDed; sorted as Kubernetes sorts the terms. Empty = matches everything. */
  readonly requirements: readonly FieldRequirement[];
}

const fail = (message: string): never => {
  throw badInput(message, [{ field: 'fieldSelector', message }]);
};

/** fields.splitTerms: split on commas not escaped by a backslash (escapes kept). */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// `!=` and `==` are tried before `=` at each position, so `a==b` is not `a` = `=b`.
const termOperators: readonly FieldOperator[] = ['!=', '==', '='];

function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** fields.UnescapeValue. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else fail(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') fail(`invalid field selector: unescaped character in value: ${c}`);
    else out += c;
  }
  if (inSlash) fail('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue: the inverse of unescapeFieldValue. */
export const escapeFieldValue = (s: string): string => s.replace(/[\\,=]/g, (c) => `\\${c}`);

/**
 * fields.ParseSelector plus the apiserver's field-label check: every field must be one of
 * `supported`, else `field label not supported: <field>`. The empty string selects
 * everything. Errors are `badInput` with cause field `fieldSelector`. Field names are not
 * trimmed (`metadata.name = x` names the field `metadata.name `), as in Kubernetes.
 */
export function parseFieldSelector(s: string, supported: readonly string[]): FieldSelector {
  const parts = splitTerms(s).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) return fail(`invalid selector: '${s}'; can't understand '${part}'`);
    const [field, operator, rhs] = split;
    requirements.push({ field, operator, value: unescapeFieldValue(rhs) });
  }
  // The apiserver converts field labels after the whole selector has parsed.
  for (const { field } of requirements) {
    if (!supported.includes(field)) fail(`field label not supported: ${field}`);
  }
  return { requirements };
}

/** Selector.String: the canonical text form. */
export const formatFieldSelector = (sel: FieldSelector): string => sel.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');

/**
 * The value of a dotted path as a field set holds it: strings as they are, numbers and
 * booleans in their text form, anything else (missing, null, objects, arrays) as "".
 */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return '';
    if (!Object.hasOwn(cur, seg)) return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return '';
}

/** Every term holds: `=`/`==` equal, `!=` different (a missing field is ""). */
export function matchesFields(sel: FieldSelector, obj: Record<string, unknown>): boolean {
  return sel.requirements.every((r) => (fieldValue(obj, r.field) === r.value) === (r.operator !== '!='));
}
