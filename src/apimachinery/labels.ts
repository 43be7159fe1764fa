// Label selectors with the semantics of k8s.io/apimachinery/pkg/labels.
//
// The string form (`?labelSelector=` in Kubernetes) is parsed by a port of the lexer and
// parser in labels/selector.go: the same tokens, the same quirks (`a==` means `a` equals
// the empty string, `a in ()` means `a in ("")`, `in`/`notin` are keywords only where an
// operator is expected), the same validation of keys and values and the same error
// wording. No npm package parses Kubernetes selectors with these semantics, hence the port.
//
// The structured form (`spec.selector` of Deployments, ReplicaSets, …) is converted as
// metav1.LabelSelectorAsSelector does.

import { badInput, type Cause } from './errors.ts';
import { validateLabelKey, validateLabelValue } from './validation.ts';

/** selection.Operator, spelled as Kubernetes spells it. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and without duplicates (a Go sets.String). Empty for `exists` and `!`. */
  readonly values: readonly string[];
}

export interface LabelSelector {
  /** ANDed; sorted by key (stable). No requirements = matches everything. */
  readonly requirements: readonly LabelRequirement[];
  /** labels.Nothing(): matches no object at all (a nil structured selector). */
  readonly nothing?: boolean;
}

export const nothing: LabelSelector = Object.freeze({ requirements: Object.freeze([]), nothing: true });

// ---------------------------------------------------------------------------------------
// Validation (k8s.io/apimachinery/pkg/util/validation)

export { validateLabelKey, validateLabelValue } from './validation.ts';

// field.Error's rendering: `<path>: Invalid value: "<value>": <detail>`; a nil path prints
// as `<nil>`, which is what labels.Parse shows for a bad key.
const invalidValue = (path: string, value: unknown, detail: string): string =>
  `${path}: Invalid value: ${typeof value === 'string' ? JSON.stringify(value) : formatGoSlice(value)}: ${detail}`;
const formatGoSlice = (v: unknown): string => (Array.isArray(v) ? `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}` : String(v));

/** Go's strconv.ParseInt(s, 10, 64) succeeding. */
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < int64Min || n > int64Max ? undefined : n;
}

class SelectorError extends Error {}

/**
 * labels.NewRequirement: validates key, operator arity and values. Values are deduplicated
 * and sorted. Throws SelectorError with the aggregated messages.
 */
function newRequirement(key: string, operator: LabelOperator, vals: readonly string[], path = ''): LabelRequirement {
  const at = (child: string): string => (path ? `${path}.${child}` : child);
  const errs: string[] = [];
  const keyErrs = validateLabelKey(key);
  if (keyErrs.length) errs.push(invalidValue(at('key'), key, keyErrs.join('; ')));
  const valuePath = at('values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) {
        errs.push(invalidValue(valuePath, vals, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(invalidValue(valuePath, vals, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) {
        errs.push(invalidValue(valuePath, vals, 'values set must be empty for exists and does not exist'));
      }
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) {
        errs.push(invalidValue(valuePath, vals, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidValue(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(`${at('operator')}: Unsupported value: ${JSON.stringify(operator)}`);
  }
  vals.forEach((v, i) => {
    const valueErrs = validateLabelValue(v);
    if (valueErrs.length) errs.push(invalidValue(`${valuePath}[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  if (errs.length) {
    const unique = [...new Set(errs)];
    throw new SelectorError(unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`);
  }
  return { key, operator, values: sortedSet(vals) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sortedSet = (vals: readonly string[]): string[] => [...new Set(vals)].sort(compare);
const byKey = (rs: LabelRequirement[]): LabelRequirement[] => rs.sort((a, b) => compare(a.key, b.key));

// ---------------------------------------------------------------------------------------
// Lexer (labels/selector.go)

const enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const string2token: ReadonlyMap<string, Tok> = new Map([
  [')', Tok.ClosedPar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
]);

interface Scanned {
  tok: Tok;
  lit: string;
}

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';

class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  // Go reads bytes and returns 0 at the end; a NUL in the input reads the same way.
  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++]!;
    return '\0';
  }
  private unread(): void {
    this.pos--;
  }

  lex(): Scanned {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === '\0') return { tok: Tok.EndOfString, lit: '' };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIDOrKeyword();
  }

  private scanIDOrKeyword(): Scanned {
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
    }
    return { tok: string2token.get(buffer) ?? Tok.Identifier, lit: buffer };
  }

  private scanSpecialSymbol(): Scanned {
    let last: Scanned | undefined;
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (!isSpecialSymbol(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
      const tok = string2token.get(buffer);
      if (tok !== undefined) last = { tok, lit: buffer };
      else if (last) {
        this.unread();
        break;
      }
    }
    return last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buffer}'` };
  }
}

// ---------------------------------------------------------------------------------------
// Parser (labels/selector.go)

const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

const enum Ctx {
  KeyAndOperator,
  Values,
}

class Parser {
  private items: Scanned[] = [];
  private position = 0;

  constructor(s: string) {
    const l = new Lexer(s);
    for (;;) {
      const item = l.lex();
      this.items.push(item);
      if (item.tok === Tok.EndOfString) break;
    }
  }

  private lookahead(ctx: Ctx): Scanned {
    return Parser.inContext(this.items[this.position]!, ctx);
  }
  private consume(ctx: Ctx): Scanned {
    return Parser.inContext(this.items[this.position++]!, ctx);
  }
  // In a value position, `in` and `notin` are plain identifiers.
  private static inContext(item: Scanned, ctx: Ctx): Scanned {
    if (ctx === Ctx.Values && (item.tok === Tok.In || item.tok === Tok.NotIn)) {
      return { tok: Tok.Identifier, lit: item.lit };
    }
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: LabelRequirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
            throw e;
          }
          requirements.push(r);
          const t = this.consume(Ctx.Values);
          if (t.tok === Tok.EndOfString) return requirements;
          if (t.tok === Tok.Comma) {
            const t2 = this.lookahead(Ctx.Values);
            if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
              throw new SelectorError(`found '${t2.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new SelectorError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return requirements;
        default:
          throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, values);
  }

  private parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let operator: LabelOperator | undefined;
    let { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.DoesNotExist) {
      operator = '!';
      ({ tok, lit } = this.consume(Ctx.Values));
    }
    if (tok !== Tok.Identifier) throw new SelectorError(`found '${lit}', expected: identifier`);
    const keyErrs = validateLabelKey(lit);
    if (keyErrs.length) throw new SelectorError(invalidValue('<nil>', lit, keyErrs.join('; ')));
    const t = this.lookahead(Ctx.Values).tok;
    if ((t === Tok.EndOfString || t === Tok.Comma) && operator !== '!') operator = 'exists';
    // `!key` followed by anything else is still `!key`; parse() then rejects what follows.
    return [lit, operator];
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(Ctx.KeyAndOperator);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new SelectorError(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume(Ctx.Values);
    if (open.tok !== Tok.OpenPar) throw new SelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(Ctx.Values);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        if (this.consume(Ctx.Values).tok !== Tok.ClosedPar) {
          throw new SelectorError(`found '${lit}', expected: ')'`);
        }
        return s;
      }
      case Tok.ClosedPar: // "()"
        this.consume(Ctx.Values);
        return [''];
      default:
        throw new SelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Ctx.Values);
      switch (tok) {
        case Tok.Identifier: {
          s.add(lit);
          const t2 = this.lookahead(Ctx.Values);
          if (t2.tok === Tok.Comma) continue;
          if (t2.tok === Tok.ClosedPar) return [...s];
          throw new SelectorError(`found '${t2.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          if (s.size === 0) s.add(''); // "(,"
          const t2 = this.lookahead(Ctx.Values).tok;
          if (t2 === Tok.ClosedPar) {
            s.add(''); // ",)"
            return [...s];
          }
          if (t2 === Tok.Comma) s.add(''); // ",," (the second comma is consumed next round)
          continue;
        }
        default:
          throw new SelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const t = this.lookahead(Ctx.Values).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return [''];
    const { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.Identifier) return [lit];
    throw new SelectorError(`found '${lit}', expected: identifier`);
  }
}

// ---------------------------------------------------------------------------------------
// Public API

/**
 * labels.Parse: `app=web,tier in (a,b),!canary,env!=prod,release,ver>3`. The empty string
 * (or only whitespace) selects everything. Throws `badInput` (cause field
 * `labelSelector`) with Kubernetes' message on a syntax or validation error.
 */
export function parseLabelSelector(s: string): LabelSelector {
  let requirements: LabelRequirement[];
  try {
    requirements = new Parser(s).parse();
  } catch (e) {
    if (e instanceof SelectorError) throw badInput(e.message, [{ field: 'labelSelector', message: e.message }]);
    throw e;
  }
  return { requirements: byKey(requirements) };
}

/** Requirement.String / Selector.String: the canonical text form; parses back to `sel`. */
export function formatLabelSelector(sel: LabelSelector): string {
  if (sel.nothing) return '';
  return sel.requirements.map(formatRequirement).join(',');
}

function formatRequirement(r: LabelRequirement): string {
  switch (r.operator) {
    case '!':
      return `!${r.key}`;
    case 'exists':
      return r.key;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt':
      return `${r.key}<${r.values[0] ?? ''}`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** Requirement.Matches. `key!=v` and `key notin (…)` match objects without the key. */
export function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  // Anything but a plain object (null, an array, a string: never stored by the apiserver)
  // has no labels, as in SQL where `->` with a text key finds nothing in those.
  const has = typeof labels === 'object' && labels !== null && !Array.isArray(labels) && hasOwn(labels, r.key);
  const value: unknown = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || typeof value !== 'string' || r.values.length !== 1) return false;
      const lv = parseInt64(value);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

/** Selector.Matches: every requirement holds (the empty selector matches everything). */
export function matchesLabels(sel: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (sel.nothing) return false;
  return sel.requirements.every((r) => requirementMatches(r, labels));
}

export const isEverything = (sel: LabelSelector): boolean => !sel.nothing && sel.requirements.length === 0;

/** metav1.LabelSelector, the structured form used in specs. */
export interface LabelSelectorObject {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: ReadonlyArray<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
    values?: readonly string[] | null;
  }> | null;
}

const structuredOperators: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, `{}` everything;
 * matchLabels become `=` requirements, matchExpressions In/NotIn/Exists/DoesNotExist.
 * Throws `badInput` with causes under `path` (e.g. `spec.selector`) when invalid.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined, path = 'selector'): LabelSelector {
  if (sel == null) return nothing;
  const requirements: LabelRequirement[] = [];
  const causes: Cause[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    const field = `${path}.matchLabels`;
    try {
      requirements.push(newRequirement(k, '=', [v], field));
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      causes.push({ field, message: e.message });
    }
  }
  (sel.matchExpressions ?? []).forEach((expr, i) => {
    const field = `${path}.matchExpressions[${i}]`;
    const op = hasOwn(structuredOperators, expr.operator) ? structuredOperators[expr.operator] : undefined;
    if (!op) {
      causes.push({ field: `${field}.operator`, message: `${JSON.stringify(expr.operator)} is not a valid label selector operator` });
      return;
    }
    try {
      requirements.push(newRequirement(expr.key, op, [...(expr.values ?? [])], field));
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      causes.push({ field, message: e.message });
    }
  });
  if (causes.length) {
    throw badInput(`invalid label selector: ${causes.map((c) => c.message).join(', ')}`, causes);
  }
  return { requirements: byKey(requirements) };
}

/** labels.SelectorFromValidatedSet / SelectorFromSet: `k=v` for each entry (a Service's selector). */
export function labelSelectorFromSet(set: Readonly<Record<string, string>> | null | undefined, path = 'selector'): LabelSelector {
  return labelSelectorFromObject({ matchLabels: set ?? {} }, path);
}
