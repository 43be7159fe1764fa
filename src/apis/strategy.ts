// What the generic registry asks of a kind: kube-apiserver's RESTCreateStrategy,
// RESTUpdateStrategy, RESTDeleteStrategy and status strategy folded into one object per
// kind (pkg/registry/core/pod/strategy.go and its siblings). The registry names no kind;
// everything that differs between kinds is behind this interface. The objects themselves
// live beside the API they serve, one file per kind: src/apis/strategies/<kind>.strategy.ts.
// The contract lives in src/apis, below the apiserver, so that kinds import nothing of it.
import type { KindInfo, KubeObject } from './kinds.ts';
import type { ApiError, Cause } from '../apimachinery/errors.ts';

export interface Strategy {
  /** Names, scope, status subresource and field selectors of the kind. */
  readonly info: KindInfo;

  /**
   * PrepareForCreate: on a new object, after the shape check and before defaulting.
   * Resets what a client may not set (the status of kinds with a status subresource)
   * and fills what the server owns (a Pod's phase and QoS class).
   */
  prepareForCreate(obj: KubeObject): void;
  /** PrepareForUpdate of the main resource: `obj` keeps the stored status (`old`'s). */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /**
   * The status strategy's PrepareForUpdate: `obj` is `old` with the written status (spec
   * and metadata are already the stored ones); restores what a status write may not change.
   */
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void;

  /**
   * Canonicalize: Kubernetes' defaults (SetDefaults_*), in place. Idempotent, fills only
   * absent (or zero) fields, and leaves values of the wrong shape for validation to report.
   */
  defaults(obj: KubeObject): void;
  /** Everything wrong with the object (create and update alike); [] when valid. */
  validate(obj: KubeObject): Cause[];
  /** What an update may not change (metadata's identity and the kind's immutable fields); run with `validate`. */
  validateUpdate(obj: KubeObject, old: KubeObject): Cause[];
  /** A status write's check (ValidatePodStatusUpdate and kin): the rest of the object is the stored, valid one. */
  validateStatus(obj: KubeObject): Cause[];

  /** Graceful deletion: seconds the object is kept, terminating, before it goes; 0 deletes at once. */
  gracePeriod(obj: KubeObject, requested: number | null | undefined): number;
  /** What still holds a deleted object (metadata.finalizers, and e.g. a Namespace's spec.finalizers). */
  pendingFinalizers(obj: KubeObject): string[];
  /** The object as it is kept while it terminates (e.g. a Namespace's status.phase Terminating). */
  prepareForDeletion(obj: KubeObject): void;

  /** Subresources besides `status`, by name (a Pod's `binding`). */
  readonly subresources: Readonly<Record<string, SubresourceStrategy>>;

  /** `kubectl get`'s columns for the kind (metav1.TableColumnDefinition), as data. */
  readonly printColumns: readonly PrintColumn[];

  /** An object written in one of `info.acceptedVersions`, converted in place to `info.apiVersion`. */
  convert(obj: KubeObject): void;

  /** Values the apiserver hands out to objects of the kind (a Service's clusterIP and node ports); none when absent. */
  readonly allocator?: Allocator;
}

/**
 * One allocated value, held as a record object in the store (kube-apiserver's IPAddress
 * objects): a record's key is unique, so two objects never hold the same value — the
 * record is created in the same atomic write as its holder and deleted with it.
 */
export interface AllocationRecord {
  /** The record's store key (the store's ObjectKey). */
  key: { kind: string; namespace: string; name: string };
  object: KubeObject;
}

/** Hands out unique values (kube-apiserver's service IP and node port allocators). */
export interface Allocator {
  /** The records the object holds, one per allocated value. */
  records(obj: KubeObject): AllocationRecord[];
  /**
   * Fills, on a valid object about to be written, every value it needs and leaves unset
   * (an update keeps `old`'s); checks the values it was given (range). `avoid`: record
   * keys (`kind/name`) seen taken; `taken(kind)` reads every record of a kind. Throws when
   * a range is full or a given value is out of range.
   */
  assign(obj: KubeObject, old: KubeObject | undefined, avoid: ReadonlySet<string>, taken: (kind: string) => Promise<ReadonlySet<string>>): Promise<void>;
  /** The error for a record the client asked for (a given value) that another object holds. */
  alreadyAllocated(obj: KubeObject, record: AllocationRecord): ApiError;
}

/** What a subresource write does to the stored object (run inside the registry's read-modify-write). */
export interface SubresourceStrategy {
  /** Checks the request before anything is read; throws BAD_USER_INPUT. */
  check?(input: Record<string, unknown>): void;
  /** Returns the object to write; throws (e.g. CONFLICT) to refuse. `now` is an RFC 3339 timestamp. */
  update(obj: KubeObject, input: Record<string, unknown>, now: string): KubeObject;
}

// ---- printed columns ----------------------------------------------------------------

/**
 * Where a cell's value comes from. A string is a field path (`status.podIP`,
 * `metadata.labels.app`); the other forms combine paths, so that every kind's columns
 * stay a table of data that one printer (printRow) evaluates.
 */
export type CellSource =
  | string
  /** Time since the timestamp at the path, as kubectl prints it: 45s, 3m20s, 4h10m, 12d. */
  | { age: string }
  /** Length of the array at the path, counting only items whose fields equal `where`'s. */
  | { count: string; where?: Readonly<Record<string, unknown>> }
  /** Sum of `field` over the array at the path. */
  | { sum: string; field: string }
  /** `a/b`. */
  | { ratio: readonly [CellSource, CellSource] }
  /** The first source with a value. */
  | { first: readonly CellSource[] }
  /** `then` when the path has a value (`deletionTimestamp` → Terminating). */
  | { ifSet: string; then: string }
  /** `field` of the first item of the array at the path whose fields equal `where`'s. */
  | { find: string; where: Readonly<Record<string, unknown>>; field: string }
  /** The source's value looked up in `values` (the value itself when absent there). */
  | { map: CellSource; values: Readonly<Record<string, string>> }
  /** The keys of the map at the path that start with `prefix`, without it, comma-separated. */
  | { keysWithPrefix: string; prefix: string }
  /** Each item of the array at the path through a template (`{port}/{protocol}`), comma-separated. */
  | { each: string; format: string }
  /** The sources' values joined by `separator`, skipping absent ones. */
  | { join: readonly CellSource[]; separator: string }
  /** A value computed from the whole object (and the time printed at): kubectl's printers that are code (an HPA's TARGETS, a label selector, a Job's DURATION). */
  | { compute: (obj: KubeObject, now: Date) => unknown };

export interface PrintColumn {
  /** The header, as kubectl prints it: `NAME`, `READY`, `NOMINATED NODE`. */
  name: string;
  type: 'string' | 'integer' | 'date';
  source: CellSource;
  /** 0: always printed; 1: only with `-o wide`. @default 0 */
  priority?: 0 | 1;
  description?: string;
}

export type Cell = string | number;

const NONE = '<none>';

function at(obj: unknown, path: string): unknown {
  let v = obj;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const items = (obj: unknown, path: string): Record<string, unknown>[] => {
  const v = at(obj, path);
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
};
const matches = (item: Record<string, unknown>, where: Readonly<Record<string, unknown>> | undefined): boolean =>
  !where || Object.entries(where).every(([k, v]) => item[k] === v);
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/**
 * kubectl's duration.HumanDuration (what kube-apiserver's printers use for AGE since 1.19):
 * two units while they say something — 45s, 3m20s, 15m, 4h10m, 20h, 3d6h, 30d, 2y100d, 9y.
 */
export function humanAge(seconds: number): string {
  if (!Number.isFinite(seconds)) return NONE;
  const s = Math.trunc(seconds) || 0; // Go's int(d.Seconds()); `|| 0` folds -0
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  const two = (n: number, a: string, m: number, b: string) => (m === 0 ? `${n}${a}` : `${n}${a}${m}${b}`);
  if (minutes < 10) return two(minutes, 'm', s % 60, 's');
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return two(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return two(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return two(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function evaluate(source: CellSource, obj: KubeObject, now: Date): unknown {
  if (typeof source === 'string') return at(obj, source);
  if ('age' in source) {
    const t = at(obj, source.age);
    const ms = typeof t === 'string' ? Date.parse(t) : NaN;
    return Number.isNaN(ms) ? undefined : humanAge((now.getTime() - ms) / 1000);
  }
  if ('count' in source) return items(obj, source.count).filter((i) => matches(i, source.where)).length;
  if ('sum' in source) return items(obj, source.sum).reduce((n, i) => n + (typeof i[source.field] === 'number' ? (i[source.field] as number) : 0), 0);
  if ('ratio' in source) return `${text(evaluate(source.ratio[0], obj, now) ?? 0)}/${text(evaluate(source.ratio[1], obj, now) ?? 0)}`;
  if ('first' in source) {
    for (const s of source.first) {
      const v = evaluate(s, obj, now);
      if (present(v)) return v;
    }
    return undefined;
  }
  if ('ifSet' in source) return present(at(obj, source.ifSet)) ? source.then : undefined;
  if ('find' in source) return items(obj, source.find).find((i) => matches(i, source.where))?.[source.field];
  if ('map' in source) {
    const v = evaluate(source.map, obj, now);
    return typeof v === 'string' && Object.hasOwn(source.values, v) ? source.values[v] : v;
  }
  if ('keysWithPrefix' in source) {
    const m = at(obj, source.keysWithPrefix);
    const keys =
      typeof m === 'object' && m !== null
        ? Object.keys(m)
            .filter((k) => k.startsWith(source.prefix))
            .map((k) => k.slice(source.prefix.length))
        : [];
    return keys.length ? keys.join(',') : undefined;
  }
  if ('each' in source) {
    const out = items(obj, source.each).map((i) => source.format.replace(/\{(\w+)\}/g, (_, f: string) => text(i[f] ?? '')));
    return out.length ? out.join(',') : undefined;
  }
  if ('compute' in source) return source.compute(obj, now);
  const parts = source.join.map((s) => evaluate(s, obj, now)).filter(present);
  return parts.length ? parts.map(text).join(source.separator) : undefined;
}

const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : Array.isArray(v)
        ? v.map(text).join(',')
        : (JSON.stringify(v) ?? '');

/** The columns `kubectl get` prints for the kind (`wide`: with `-o wide`'s). */
export const columnsOf = (strategy: Pick<Strategy, 'printColumns'>, wide = false): PrintColumn[] => strategy.printColumns.filter((c) => wide || !c.priority);

/** One row of `kubectl get`: a cell per column, `<none>` where the object has no value (0 for counts). */
export function printRow(columns: readonly PrintColumn[], obj: KubeObject, now: Date = new Date()): Cell[] {
  return columns.map((c) => {
    const v = evaluate(c.source, obj, now);
    if (c.type === 'integer') return typeof v === 'number' ? v : 0;
    return present(v) ? text(v) : NONE;
  });
}
