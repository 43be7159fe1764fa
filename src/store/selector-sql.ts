// Label and field selectors as a parameterised SQL condition over the jsonb "object"
// column of kubeql_resource (or kubeql_change), with exactly the results of
// matchesLabels / matchesFields.
//
// - Equality and set membership use containment, `labels @> '{"k":"v"}'`, so that a GIN
//   index on ("object"->'metadata'->'labels') jsonb_path_ops can serve them.
// - Key existence is `(labels -> k) IS NOT NULL`, not the `?` operator: `?` collides
//   with positional-placeholder handling in some drivers.
// - `k!=v` and `k notin (…)` also hold for objects without the key (Kubernetes semantics).
// - `k>n` / `k<n` compare only values that are integers in int64 range; the cast is
//   behind a CASE guard, so a non-numeric label never raises a cast error.
// - Every user-supplied string (keys, values, field paths) is a parameter; the SQL text
//   holds only fixed operators, the column expressions and `$n` placeholders.
// - Every generated condition is two-valued (never NULL), so it can be negated, e.g. to
//   tell that an object left a watch's selector.

import type { LabelRequirement, LabelSelector } from '../apimachinery/labels.ts';
import type { FieldRequirement, FieldSelector } from '../apimachinery/fields.ts';

/** SQL expressions for the columns, for use with table aliases or `prev_object`. Never user input. */
export interface SelectorColumns {
  /** The jsonb object; default `"object"`. */
  object?: string;
  /** The text column holding metadata.name; default `"name"`. */
  name?: string;
  /** The text column holding metadata.namespace ('' when cluster-scoped); default `"namespace"`. */
  namespace?: string;
}

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const INT64_MIN = '-9223372036854775808';
const INT64_MAX = '9223372036854775807';

class Params {
  readonly values: unknown[] = [];
  constructor(private readonly first: number) {}
  /** Adds a parameter and returns its placeholder with the given cast. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.first + this.values.length - 1}::${cast}`;
  }
}

function labelRequirementSql(r: LabelRequirement, labels: string, p: Params): string {
  const contains = (value: string): string => `${labels} @> ${p.add(JSON.stringify({ [r.key]: value }), 'jsonb')}`;
  // Containment of any of the values; NULL when there are no labels, hence the guard.
  const anyOf = (): string => {
    const ors = r.values.map(contains);
    return ors.length === 1 ? ors[0]! : `(${ors.join(' OR ')})`;
  };
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return `${anyOf()} AND ${labels} IS NOT NULL`;
    case '!=':
    case 'notin':
      return `NOT COALESCE(${anyOf()}, false)`;
    case 'exists':
      return `(${labels} -> ${p.add(r.key, 'text')}) IS NOT NULL`;
    case '!':
      return `(${labels} -> ${p.add(r.key, 'text')}) IS NULL`;
    case 'gt':
    case 'lt': {
      const k = p.add(r.key, 'text');
      const v = `(${labels} ->> ${k})`;
      const op = r.operator === 'gt' ? '>' : '<';
      return (
        `CASE WHEN jsonb_typeof(${labels} -> ${k}) = 'string' AND ${v} ~ '^[+-]{0,1}[0-9]+$' AND length(${v}) <= 1000 ` +
        `THEN ${v}::numeric BETWEEN ${INT64_MIN} AND ${INT64_MAX} AND ${v}::numeric ${op} ${p.add(r.values[0] ?? '', 'numeric')} ` +
        `ELSE false END`
      );
    }
    default: {
      const unknown: never = r.operator;
      throw new Error(`unknown label selector operator ${String(unknown)}`);
    }
  }
}

/** A Postgres text[] literal, every element quoted, for `#>` / `#>>` paths. */
const textArrayLiteral = (items: readonly string[]): string => `{${items.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;

function fieldRequirementSql(r: FieldRequirement, cols: Required<SelectorColumns>, p: Params): string {
  let expr: string;
  if (r.field === 'metadata.name') expr = cols.name;
  else if (r.field === 'metadata.namespace') expr = cols.namespace;
  else {
    // As fieldValue(): strings, numbers and booleans in text form; anything else is ''.
    const path = p.add(textArrayLiteral(r.field.split('.')), 'text[]');
    expr = `(CASE WHEN jsonb_typeof(${cols.object} #> ${path}) IN ('string', 'number', 'boolean') ` + `THEN ${cols.object} #>> ${path} ELSE '' END)`;
  }
  return `${expr} ${r.operator === '!=' ? '<>' : '='} ${p.add(r.value, 'text')}`;
}

/**
 * The condition selecting the rows whose object matches both selectors (undefined = no
 * constraint), with placeholders `$firstParamIndex`, `$firstParamIndex+1`, … for
 * `params`. `TRUE` when neither constrains, `FALSE` for a match-nothing label selector.
 */
export function selectorToSql(
  labels: LabelSelector | undefined,
  fields: FieldSelector | undefined,
  firstParamIndex: number,
  columns: SelectorColumns = {},
): SqlFragment {
  if (!Number.isInteger(firstParamIndex) || firstParamIndex < 1) {
    throw new RangeError(`firstParamIndex must be a positive integer, got ${firstParamIndex}`);
  }
  const cols: Required<SelectorColumns> = {
    object: columns.object ?? '"object"',
    name: columns.name ?? '"name"',
    namespace: columns.namespace ?? '"namespace"',
  };
  if (labels?.nothing) return { sql: 'FALSE', params: [] };
  const p = new Params(firstParamIndex);
  const labelsExpr = `(${cols.object}->'metadata'->'labels')`;
  const conds = [
    ...(labels?.requirements ?? []).map((r) => labelRequirementSql(r, labelsExpr, p)),
    ...(fields?.requirements ?? []).map((r) => fieldRequirementSql(r, cols, p)),
  ];
  if (conds.length === 0) return { sql: 'TRUE', params: [] };
  return { sql: conds.map((c) => `(${c})`).join(' AND '), params: p.values };
}
