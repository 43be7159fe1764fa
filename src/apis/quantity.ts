// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), exactly:
// the same grammar and errors as resource.ParseQuantity, the same rounding (non-zero
// amounts round up, away from zero, to 1n; MilliValue rounds up), the same formats
// (DecimalSI `1500m`, BinarySI `128Mi`, DecimalExponent `1e3`) and the same canonical
// printing as Quantity.String(), so `0.5` prints `500m` and `2048Mi` prints `2Gi`.
//
// Amounts are kept exactly, as a bigint count of nano-units (10^-9 of the base unit):
// ParseQuantity never keeps more precision than that. `@kubernetes/client-node`'s
// quantityToScalar is not installed here and is not exact (no rounding rule, no
// canonical form), so this is a small port instead.

/** How a quantity prints: the format of the string it was parsed from. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** What a quantity may be given as: a parsed Quantity, a string (`"500m"`) or a JSON number. */
export type QuantityLike = Quantity | string | number;

/** A ResourceList (`{ cpu: "500m", memory: "128Mi" }`) as it appears in a manifest. */
export type ResourceList = Readonly<Record<string, unknown>>;

const splitREString = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** resource.ErrFormatWrong */
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${splitREString}'`;
/** resource.ErrSuffix */
export const ERR_SUFFIX = "unable to parse quantity's suffix";
/** resource.ErrNumeric */
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';

/** Thrown by parseQuantity; `message` is Kubernetes' own. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const NANO = 1_000_000_000n;
const MILLI_IN_NANO = 1_000_000n;
/** BinarySI amounts are capped at int64's maximum (resource.maxAllowed). */
const MAX_ALLOWED_NANO = (2n ** 63n - 1n) * NANO;

export class Quantity {
  /** The amount in base units (cores, bytes, …); a float, exact up to 2^53 nano-units. */
  readonly value: number;
  /** value × 1000 rounded up, as Quantity.MilliValue(): `0.5` → 500, `1n` → 1. */
  readonly milli: number;

  constructor(
    /** The exact amount, in units of 10^-9. */
    readonly nano: bigint,
    readonly format: QuantityFormat = 'DecimalSI',
  ) {
    this.value = nano % NANO === 0n ? Number(nano / NANO) : Number(nano) / 1e9;
    this.milli = Number(ceilDiv(nano, MILLI_IN_NANO));
  }

  isZero(): boolean {
    return this.nano === 0n;
  }

  /** -1, 0 or 1, as Quantity.Cmp. */
  cmp(other: QuantityLike): -1 | 0 | 1 {
    const o = toQuantity(other).nano;
    return this.nano < o ? -1 : this.nano > o ? 1 : 0;
  }

  /** Quantity.Add: the sum keeps the format of the first non-zero operand. */
  add(other: QuantityLike): Quantity {
    const o = toQuantity(other);
    return new Quantity(this.nano + o.nano, this.nano === 0n ? o.format : this.format);
  }

  /** Quantity.Sub. */
  sub(other: QuantityLike): Quantity {
    const o = toQuantity(other);
    return new Quantity(this.nano - o.nano, this.nano === 0n ? o.format : this.format);
  }

  /** The canonical form, as Quantity.String(): `500m`, `1536`, `2Gi`, `1e3`. */
  toString(): string {
    return canonicalize(this);
  }

  /** Quantities serialise as their canonical string, as in Kubernetes' JSON. */
  toJSON(): string {
    return canonicalize(this);
  }
}

/** Rounds n / d up (towards +∞), for d > 0. */
function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d > 0n ? q + 1n : q;
}

// suffixHandler.interpret: decimal SI, binary SI, then `e<int>` / `E<int>`.
const decimalSuffixes: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByExponent = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } | undefined {
  if (hasOwn(decimalSuffixes, suffix)) return { base: 10, exponent: decimalSuffixes[suffix]!, format: 'DecimalSI' };
  if (hasOwn(binarySuffixes, suffix)) return { base: 2, exponent: binarySuffixes[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt(suffix[1:], 10, 64)
    const rest = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const n = BigInt(rest);
    if (n < -(2n ** 63n) || n > 2n ** 63n - 1n) return undefined;
    // int32(parsed): Kubernetes truncates; exponents that large are nonsense either way.
    return { base: 10, exponent: Number(BigInt.asIntN(32, n)), format: 'DecimalExponent' };
  }
  return undefined;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const SUFFIX_CHARS = 'eEinumkKMGTP';

/** parseQuantityString: sign, numerator digits, denominator digits, suffix. */
function splitQuantity(str: string): { positive: boolean; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') {
      pos++;
    }
  }
  // leading zeros
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  let num = str.slice(numStart, pos);
  if (pos >= end) return { positive, num, denom: '', suffix: '' };
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
    if (pos >= end) return { positive, num, denom, suffix: '' };
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos]!)) pos++;
  if (pos >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(ERR_FORMAT_WRONG);
}

/**
 * resource.ParseQuantity. A number is read as the JSON number it came from (`cpu: 0.5`);
 * surrounding whitespace is ignored, as Quantity.UnmarshalJSON does. Throws QuantityError
 * with Kubernetes' message when the string is not a quantity.
 */
export function parseQuantity(s: string | number): Quantity {
  let str: string;
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) throw new QuantityError(ERR_FORMAT_WRONG);
    str = String(s);
  } else if (typeof s === 'string') {
    str = s.trim();
  } else {
    throw new QuantityError(ERR_FORMAT_WRONG);
  }
  if (str.length === 0) throw new QuantityError(ERR_FORMAT_WRONG);
  if (str === '0') return new Quantity(0n, 'DecimalSI');

  const { positive, num, denom, suffix } = splitQuantity(str);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw new QuantityError(ERR_SUFFIX);
  const { base, exponent } = interpreted;
  let format = interpreted.format;

  // amount = (num.denom) × base^exponent, exactly, as a fraction numerator / denominator.
  let numerator = BigInt(num + denom);
  // Exponents this far out would make kube-apiserver itself allocate without bound;
  // tiny ones round up to 1n like any other non-zero amount below a nano-unit.
  if (exponent > 1000) throw new QuantityError(ERR_NUMERIC);
  if (exponent < -(num.length + denom.length + 30)) {
    const nano = numerator === 0n ? 0n : 1n;
    return new Quantity(positive ? nano : -nano, format);
  }
  let denominator = 10n ** BigInt(denom.length);
  if (base === 10) {
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  } else {
    numerator *= 1n << BigInt(exponent);
  }
  // Round up (away from zero) to whole nano-units.
  let nano = ceilDiv(numerator * NANO, denominator);

  if (format === 'BinarySI' && nano > MAX_ALLOWED_NANO) nano = MAX_ALLOWED_NANO;
  // Binary fractions below 1 print as decimal ("0.5Ki" is 512, but "0.1Ki" is not bytes).
  if (format === 'BinarySI' && nano > 0n && nano < NANO) format = 'DecimalSI';
  return new Quantity(positive ? nano : -nano, format);
}

/** parseQuantity that answers undefined instead of throwing. */
export function tryParseQuantity(s: unknown): Quantity | undefined {
  if (s instanceof Quantity) return s;
  if (typeof s !== 'string' && typeof s !== 'number') return undefined;
  try {
    return parseQuantity(s);
  } catch {
    return undefined;
  }
}

const toQuantity = (q: QuantityLike): Quantity => (q instanceof Quantity ? q : parseQuantity(q));

/** Quantity.CanonicalizeBytes. */
function canonicalize(q: Quantity): string {
  if (q.nano === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const whole = q.nano % NANO === 0n;
    // Small or fractional binary amounts print as decimal to avoid rounding.
    if ((q.nano > -1024n * NANO && q.nano < 1024n * NANO) || !whole) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let amount = q.nano / NANO;
    let exp = 0;
    while (amount % 1024n === 0n && exp < binarySuffixByExponent.length - 1) {
      amount /= 1024n;
      exp++;
    }
    return `${amount}${binarySuffixByExponent[exp]}`;
  }
  // Move factors of ten into the exponent, then lower it to a multiple of three.
  let amount = q.nano;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  if (exponent > 18) {
    amount *= 10n ** BigInt(exponent - 18);
    exponent = 18;
  }
  return `${amount}${decimalSuffixByExponent.get(exponent)!}`;
}

/**
 * The canonical form of a quantity, as Kubernetes prints it back (`0.5` → `500m`,
 * `1024Mi` → `1Gi`, `1.5G` → `1500M`). A resource name may be given first, for call sites
 * that format the entries of a ResourceList; the canonical form does not depend on it.
 */
export function formatQuantity(q: QuantityLike): string;
export function formatQuantity(resourceName: string, q: QuantityLike): string;
export function formatQuantity(a: QuantityLike, b?: QuantityLike): string {
  return canonicalize(toQuantity(b === undefined ? a : b));
}

/** Sum of quantities (format of the first non-zero one; `0` when none). */
export function sumQuantities(...qs: QuantityLike[]): Quantity {
  return qs.reduce<Quantity>((acc, q) => acc.add(q), new Quantity(0n));
}

/** -1, 0 or 1. */
export function compareQuantities(a: QuantityLike, b: QuantityLike): -1 | 0 | 1 {
  return toQuantity(a).cmp(b);
}

/**
 * Adds ResourceLists entry by entry (`[{cpu: "100m"}, {cpu: "0.5", memory: "1Gi"}]` →
 * `{cpu: 600m, memory: 1Gi}`), as quota and Node.allocated do. Entries that are not valid
 * quantities are skipped: stored objects were validated when written.
 */
export function addQuantities(lists: ReadonlyArray<ResourceList | null | undefined>): Record<string, Quantity> {
  const total: Record<string, Quantity> = {};
  for (const list of lists) addInto(total, list);
  return total;
}

/** A ResourceList of Quantities printed canonically (`{cpu: "600m", memory: "1Gi"}`). */
export function formatResourceList(list: Readonly<Record<string, Quantity>>): Record<string, string> {
  return Object.fromEntries(Object.entries(list).map(([k, v]) => [k, canonicalize(v)]));
}

function addInto(total: Record<string, Quantity>, list: ResourceList | null | undefined): void {
  if (!list || typeof list !== 'object') return;
  for (const [name, raw] of Object.entries(list)) {
    const q = tryParseQuantity(raw);
    if (!q) continue;
    total[name] = hasOwn(total, name) ? total[name]!.add(q) : q;
  }
}

function maxInto(target: Record<string, Quantity>, list: Readonly<Record<string, Quantity>>): void {
  for (const [name, q] of Object.entries(list)) {
    if (!hasOwn(target, name) || q.cmp(target[name]!) > 0) target[name] = q;
  }
}

type Rec = Record<string, unknown>;
const asRec = (v: unknown): Rec | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined);
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A container's requests; limits stand in for requests that are missing (Pod defaulting). */
function containerRequests(c: unknown): Record<string, Quantity> {
  const resources = asRec(asRec(c)?.resources);
  const out: Record<string, Quantity> = {};
  addInto(out, asRec(resources?.limits));
  const requests: Record<string, Quantity> = {};
  addInto(requests, asRec(resources?.requests));
  return Object.assign(out, requests);
}

/**
 * The effective requests of a pod spec, as the scheduler counts them
 * (resourcehelper.PodRequests): the sum over containers and restartable (sidecar) init
 * containers, at least the largest of each one-shot init container together with the
 * sidecars started before it, plus `spec.overhead`.
 */
export function podRequests(spec: unknown): Record<string, Quantity> {
  const s = asRec(spec);
  const reqs: Record<string, Quantity> = {};
  for (const c of asArr(s?.containers)) addInto(reqs, containerRequests(c));
  const sidecars: Record<string, Quantity> = {};
  const initMax: Record<string, Quantity> = {};
  for (const c of asArr(s?.initContainers)) {
    const r = containerRequests(c);
    if (asRec(c)?.restartPolicy === 'Always') {
      addInto(reqs, r);
      addInto(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const tmp: Record<string, Quantity> = {};
      addInto(tmp, r);
      addInto(tmp, sidecars);
      maxInto(initMax, tmp);
    }
  }
  maxInto(reqs, initMax);
  addInto(reqs, asRec(s?.overhead));
  return reqs;
}
