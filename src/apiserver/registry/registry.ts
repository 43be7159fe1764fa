// The generic resource registry: kube-apiserver's generic registry store in one
// class. Every kind goes through the same create / update / patch / delete / watch
// paths and names no kind: what differs per kind is the kind's strategy
// (./strategy.ts; one object per kind in src/apis/strategies).
//
// One pass of admission per write, on the object as it will be stored:
//   normalize   the envelope: a JSON object, kind, apiVersion, metadata's identifying fields;
//   decode      conformance to the kind's GraphQL types (what kube-apiserver's decoding
//               into typed structs refuses), so that nothing after it meets `containers: false`;
//   prepare     the strategy's PrepareForCreate / PrepareForUpdate (status reset, QoS);
//   default     the strategy's defaults;
//   validate    the strategy's Validate (+ ValidateUpdate) on the final object;
// then the namespace lifecycle check and the admission hooks, then the store.
import { deepCopy } from '../../apimachinery/deep-copy.ts';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import jsonpatch, { type Operation } from 'fast-json-patch';
import type { KindInfo, KubeObject, ObjectMeta } from '../../apis/kinds.ts';
import { strategyFor } from '../../apis/strategies/index.ts';
import { ApiError, ErrorCode, alreadyExists, badInput, conflict, invalid, notFound, type Cause } from '../../apimachinery/errors.ts';
import { parseFieldSelector, type FieldSelector } from '../../apimachinery/fields.ts';
import { checkJsonDepth, isRecord } from '../../apimachinery/json.ts';
import { applyMergePatch } from '../../apimachinery/merge-patch.ts';
import { parseLabelSelector, type LabelSelector } from '../../apimachinery/labels.ts';
import type { ChangeType, ListResult, ObjectKey, Store, WriteOp, WriteRefusal, WriteResult } from '../../store/index.ts';
import { LAST_APPLIED, threeWayMergePatch } from './apply.ts';
import { realClock, timestamp, type Clock } from '../../apimachinery/clock.ts';
import { NamespaceCache, type NamespaceLifecycle } from './namespace-cache.ts';
import { generateName } from './names.ts';
import { MUTATING_ADMISSION } from '../admission/mutating.ts';
import type { AllocationRecord, Strategy } from '../../apis/strategy.ts';

export type PatchType = 'MERGE' | 'JSON';
/** What apply did to an object: kubectl apply's created, configured, unchanged. */
export type ApplyAction = 'CREATED' | 'CONFIGURED' | 'UNCHANGED';
export interface ApplyOutcome {
  action: ApplyAction;
  object: KubeObject;
}
export type PropagationPolicy = 'BACKGROUND' | 'FOREGROUND' | 'ORPHAN';

export interface DeleteOptions {
  gracePeriodSeconds?: number | null;
  propagationPolicy?: PropagationPolicy | null;
  preconditions?: { uid?: string | null; resourceVersion?: string | null } | null;
}

/** What an admission check sees just before a write (kube-apiserver's admission.Attributes). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  info: KindInfo;
  subresource?: string;
  /** The object as it will be written (absent for DELETE). */
  object?: KubeObject;
  /** The object as it is now (absent for CREATE). */
  oldObject?: KubeObject;
  /**
   * The objects that the same atomic write (applyAll, applyYaml) writes before this one:
   * what admission that reads other objects must see as if stored (a PriorityClass the
   * same file creates ahead of the Pod that names it), as kubectl apply -f, which sends
   * them one by one, would have it.
   */
  planned?: readonly KubeObject[];
}

/** Runs before every write; throws (FORBIDDEN, BAD_USER_INPUT…) to refuse it. */
export type AdmitHook = (attrs: AdmissionAttributes) => void | Promise<void>;

/** A mutating admission plugin: changes the object about to be validated, in place. */
export type MutatingAdmission = (attrs: AdmissionAttributes & { object: KubeObject }) => void;

export interface ListQuery {
  namespace?: string;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number | null;
  continue?: string | null;
}

/** kube-apiserver's maxNameGenerationCreateAttempts: 8 tries make a collision of generateName's random suffix vanishingly rare. */
const MAX_NAME_GENERATION_ATTEMPTS = 8;
/** Did the client ask for a generated name (no name, a generateName)? */
const generatedName = (input: unknown): boolean => {
  const meta = isRecord(input) && isRecord(input.metadata) ? input.metadata : {};
  return !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
};
/** Retries of a read-modify-write whose caller gave no resourceVersion (GuaranteedUpdate). */
const MAX_UPDATE_ATTEMPTS = 16;
const SYSTEM_META = ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

const STATUS = ['status'] as const;

const clone = deepCopy;
/** A client's value in a message: a string as it is, anything else as JSON (String() throws on `{ toString: null }`). */
const printed = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
const nameOf = (o: KubeObject): string => o.metadata.name ?? o.metadata.generateName ?? '';

/** Everything of the object that is not metadata or status: what `generation` counts changes of. */
function specOf(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

export interface RegistryOptions {
  clock?: Clock;
  /**
   * The decoding check: the causes of the object's non-conformance to its kind's typed
   * fields (the apiserver passes conformance to the GraphQL types), limited to `fields`
   * when given. Runs once per write, before anything else reads the object's fields.
   */
  conformance?: (object: KubeObject, fields?: readonly string[]) => Cause[];
  /** Each kind's strategy. @default the strategies of src/apis/strategies */
  strategies?: (kind: string) => Strategy | undefined;
  /** Where namespaced creates learn whether their namespace exists and is not terminating. @default a store read per create */
  namespaces?: NamespaceLifecycle;
  /** Awaited after every write with the object as written, before the caller hears of it. */
  written?: (object: KubeObject, type: ChangeType) => void | Promise<void>;
  /** The object as last seen committed, possibly stale (the watch cache); updates start from it when it has it. @default none: a store read */
  recent?: (key: ObjectKey) => KubeObject | undefined;
  /**
   * Admission that reads other objects but not the caller (kube-apiserver's Priority
   * plugin): on create before the defaults and validation (it may change the object, as
   * mutating admission does, and sees what the caller gave — kubeql's Pod defaulter
   * stands in for the Priority plugin where none runs); on updates just before the
   * caller's admission.
   * @default none
   */
  admission?: AdmitHook;
  /**
   * Mutating admission that needs nothing but the object (DefaultTolerationSeconds): run
   * after the defaults and before validation on every write of the main resource, as
   * kube-apiserver runs its mutating plugins. @default kube-apiserver's (src/apiserver/admission)
   */
  mutating?: readonly MutatingAdmission[];
}

export class Registry {
  private readonly recent: (key: ObjectKey) => KubeObject | undefined;
  /** Every wait and timestamp of the registry and its watches. */
  readonly clock: Clock;
  private readonly conformance: (object: KubeObject, fields?: readonly string[]) => Cause[];
  private readonly strategies: (kind: string) => Strategy | undefined;
  private readonly namespaces: NamespaceLifecycle;
  private readonly written: (object: KubeObject, type: ChangeType) => void | Promise<void>;
  private readonly admission: AdmitHook | undefined;
  private readonly mutating: readonly MutatingAdmission[];

  constructor(
    readonly store: Store,
    options: RegistryOptions = {},
  ) {
    this.clock = options.clock ?? realClock();
    this.conformance = options.conformance ?? (() => []);
    this.strategies = options.strategies ?? strategyFor;
    this.namespaces = options.namespaces ?? new NamespaceCache(store);
    this.written = options.written ?? (() => undefined);
    this.recent = options.recent ?? (() => undefined);
    this.admission = options.admission;
    this.mutating = options.mutating ?? MUTATING_ADMISSION;
  }

  private async settle(object: KubeObject, type: ChangeType): Promise<KubeObject> {
    await this.written(object, type);
    return object;
  }

  info(kind: string): KindInfo {
    return this.strategy(kind).info;
  }

  /** The kind's strategy; BAD_USER_INPUT for a kind kubeql does not serve. */
  strategy(kind: string): Strategy {
    const strategy = this.strategies(kind);
    if (!strategy) throw badInput(`no matches for kind "${kind}"`, [{ field: 'kind', message: `Unsupported value: "${kind}"` }]);
    return strategy;
  }

  private key(info: KindInfo, namespace: string | undefined | null, name: string): ObjectKey {
    return { kind: info.kind, namespace: info.namespaced ? (namespace ?? 'default') : '', name };
  }

  parseSelectors(info: KindInfo, labelSelector?: string | null, fieldSelector?: string | null): { labels?: LabelSelector; fields?: FieldSelector } {
    return {
      labels: labelSelector ? parseLabelSelector(labelSelector) : undefined,
      fields: fieldSelector ? parseFieldSelector(fieldSelector, info.fieldSelectors) : undefined,
    };
  }

  async get(kind: string, namespace: string | undefined | null, name: string): Promise<KubeObject | undefined> {
    return this.store.get(this.key(this.info(kind), namespace, name));
  }

  async list(kind: string, query: ListQuery): Promise<ListResult> {
    const info = this.info(kind);
    const { labels, fields } = this.parseSelectors(info, query.labelSelector, query.fieldSelector);
    if (query.limit !== undefined && query.limit !== null && query.limit < 0)
      throw badInput('limit must be a non-negative integer', [{ field: 'limit', message: 'must be greater than or equal to 0' }]);
    return this.store.list({
      kind: info.kind,
      namespace: info.namespaced ? query.namespace : undefined,
      labelSelector: labels,
      fieldSelector: fields,
      limit: query.limit ?? undefined,
      continue: query.continue ?? undefined,
    });
  }

  // ---- create ---------------------------------------------------------------

  async create(kind: string, input: unknown, options: { namespace?: string | null; dryRun?: boolean; admit?: AdmitHook } = {}): Promise<KubeObject> {
    const strategy = this.strategy(kind);
    const { info } = strategy;
    // generateName collisions are retried with a fresh suffix, as kube-apiserver does; the
    // object is prepared anew each time, since a strategy may use the name (a Job's labels).
    for (let attempt = 0; ; attempt++) {
      const obj = await this.prepareCreate(strategy, input, options);
      const meta = obj.metadata;
      if (options.dryRun) {
        // As kube-apiserver's dry run: the values are chosen (and checked) but nothing is held.
        await strategy.allocator?.assign(obj, undefined, new Set(), async () => new Set());
        return dryRunCreated(obj);
      }
      const key = this.key(info, meta.namespace, meta.name!);
      let created: KubeObject | undefined;
      if (strategy.allocator) {
        const result = await this.writeHeld(strategy, key, obj, undefined);
        created = result.ok ? result.object : undefined;
      } else created = await this.store.create(key, obj);
      if (created) return this.settle(created, 'ADDED');
      if (!generatedName(input) || attempt >= MAX_NAME_GENERATION_ATTEMPTS - 1) throw alreadyExists(info.resource, meta.name!);
    }
  }

  /**
   * Everything a create decides before it writes: system metadata, the strategy, defaults,
   * validation, the namespace, admission. `creatingNamespaces`: namespaces that the same
   * atomic write creates (applyAll of a Namespace and its contents).
   */
  private async prepareCreate(
    strategy: Strategy,
    input: unknown,
    options: { namespace?: string | null; admit?: AdmitHook; creatingNamespaces?: ReadonlySet<string>; planned?: readonly KubeObject[] },
  ): Promise<KubeObject> {
    const { info } = strategy;
    const obj = this.normalize(info, input, options.namespace);
    const meta = obj.metadata;
    if (!meta.name && !meta.generateName) {
      throw invalid(info.kind, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    // The shape first, of the body as given (Kubernetes refuses a body that does not decode,
    // a uid of the wrong type included): the strategy and the defaults must not meet `containers: false`.
    this.decode(strategy, obj);
    const now = timestamp(this.clock.now());
    for (const f of [...SYSTEM_META, 'resourceVersion'] as const) delete meta[f];
    meta.uid = randomUUID();
    meta.creationTimestamp = now;
    meta.generation = 1;
    if (!meta.name) meta.name = generateName(meta.generateName!); // BeforeCreate: before the strategy sees the object
    strategy.prepareForCreate(obj);
    await this.admission?.({ operation: 'CREATE', info, object: obj, ...(options.planned ? { planned: options.planned } : {}) }); // before the defaults: it tells a given spec.priority from none
    strategy.defaults(obj);
    this.mutate({ operation: 'CREATE', info, object: obj });
    this.validate(strategy, obj);
    if (info.namespaced && meta.namespace && !options.creatingNamespaces?.has(meta.namespace)) await this.namespaces.admit(info.resource, meta.namespace);
    await options.admit?.({ operation: 'CREATE', info, object: obj });
    return obj;
  }

  /** Checks the shape of an input and fills apiVersion, kind and namespace. */
  private normalize(info: KindInfo, input: unknown, namespace?: string | null): KubeObject {
    if (!isRecord(input)) throw badInput('the object must be a JSON object', [{ field: '', message: 'Invalid value: must be an object' }]);
    checkJsonDepth(input, '');
    const obj = clone(input) as KubeObject;
    if (obj.kind !== undefined && obj.kind !== null && obj.kind !== info.kind) {
      throw badInput(`the kind of the provided object "${printed(obj.kind)}" does not match the operation's kind "${info.kind}"`, [
        { field: 'kind', message: `Invalid value: "${printed(obj.kind)}"` },
      ]);
    }
    if (typeof obj.apiVersion === 'string' && info.acceptedVersions.includes(obj.apiVersion)) {
      this.strategy(info.kind).convert(obj);
    } else if (obj.apiVersion !== undefined && obj.apiVersion !== null && obj.apiVersion !== info.apiVersion) {
      throw badInput(`no matches for kind "${info.kind}" in version "${printed(obj.apiVersion)}"`, [
        { field: 'apiVersion', message: `Unsupported value: "${printed(obj.apiVersion)}": supported values: "${info.apiVersion}"` },
      ]);
    }
    if (!isRecord(obj.metadata)) throw badInput(`${info.kind} is invalid: metadata: Required value`, [{ field: 'metadata', message: 'Required value' }]);
    for (const [k, v] of Object.entries(obj.metadata)) if (v === null) delete obj.metadata[k]; // `creationTimestamp: null` in manifests
    for (const f of ['name', 'generateName', 'namespace', 'resourceVersion'] as const) {
      const v = obj.metadata[f];
      if (v !== undefined && typeof v !== 'string') {
        throw invalid(info.kind, '', [{ field: `metadata.${f}`, message: `Invalid value: ${JSON.stringify(v)}: must be of type string` }]);
      }
    }
    const { apiVersion: _a, kind: _k, ...body } = obj;
    const ordered = { apiVersion: info.apiVersion, kind: info.kind, ...body } as KubeObject;
    const meta = ordered.metadata;
    if (info.namespaced) {
      if (namespace && meta.namespace && namespace !== meta.namespace) {
        throw badInput('the namespace of the provided object does not match the namespace sent on the request', [
          { field: 'metadata.namespace', message: `Invalid value: "${String(meta.namespace)}"` },
        ]);
      }
      meta.namespace = (meta.namespace as string | undefined) || namespace || 'default';
    } else {
      delete meta.namespace;
    }
    return ordered;
  }

  /**
   * Decoding: the object's typed fields hold values of their types. A refused object is
   * reported with everything wrong with it, validation's causes included.
   */
  /** The mutating admission plugins, in order, on the defaulted object before validation. */
  private mutate(attrs: AdmissionAttributes & { object: KubeObject }): void {
    for (const plugin of this.mutating) plugin(attrs);
  }

  private decode(strategy: Strategy, obj: KubeObject): void {
    const causes = this.conformance(obj);
    if (causes.length) throw invalid(strategy.info.kind, nameOf(obj), [...strategy.validate(obj), ...causes]);
  }

  /** Validation of the object as it will be stored (and, on updates, of the change). */
  private validate(strategy: Strategy, obj: KubeObject, old?: KubeObject): void {
    const causes = strategy.validate(obj);
    if (old) {
      // The update rules judge valid objects only (they may print what they compare, e.g. a selector).
      if (!causes.length) causes.push(...strategy.validateUpdate(obj, old));
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (old.metadata.deletionTimestamp && added.length)
        causes.push({
          field: 'metadata.finalizers',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        });
    }
    if (causes.length) throw invalid(strategy.info.kind, nameOf(obj), causes);
  }

  // ---- update ---------------------------------------------------------------

  /**
   * Read, change, compare-and-swap; on a lost race, read again and redo the change —
   * unless the caller named the resourceVersion it changed, which is then a precondition.
   * `mutate` gets a private copy of the current object and returns the desired one.
   */
  async guaranteedUpdate(
    info: KindInfo,
    key: ObjectKey,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: { precondition?: string; admit?: AdmitHook; subresource?: string } = {},
  ): Promise<KubeObject> {
    // Optimistically from the watch cache (as kube-apiserver does): the compare-and-swap
    // proves it current. Anything decided on it other than a successful write — not
    // found, a failed precondition, a refusal, a no-op — is decided again on a fresh read.
    let current = this.recent(key);
    let cached = current !== undefined;
    const fresh = async () => {
      cached = false;
      return this.store.get(key);
    };
    if (!cached) current = await fresh();
    for (let attempt = 0; ; attempt++) {
      if (!current) throw notFound(info.resource, key.name);
      if (options.precondition !== undefined && options.precondition !== current.metadata.resourceVersion) {
        if (cached) {
          current = await fresh();
          continue;
        }
        throw conflict(info.resource, key.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      let desired: KubeObject;
      try {
        desired = await mutate(clone(current));
      } catch (err) {
        if (cached) {
          current = await fresh();
          continue;
        }
        throw err;
      }
      if (isDeepStrictEqual(desired, current)) {
        if (cached) {
          current = await fresh();
          continue;
        }
        return current; // no-op updates write nothing, like etcd3's store
      }
      await this.admission?.({ operation: 'UPDATE', info, subresource: options.subresource, object: desired, oldObject: current });
      await options.admit?.({ operation: 'UPDATE', info, subresource: options.subresource, object: desired, oldObject: current });
      const expected = Number(current.metadata.resourceVersion);
      const finalized =
        desired.metadata.deletionTimestamp && !this.strategy(info.kind).pendingFinalizers(desired).length && !desired.metadata.deletionGracePeriodSeconds;
      const strategy = this.strategy(info.kind);
      const result = strategy.allocator
        ? await this.writeHeld(strategy, key, finalized ? undefined : desired, current, expected)
        : finalized
          ? await this.store.delete(key, expected)
          : await this.store.update(key, desired, expected);
      if (result.ok) return this.settle(result.object, finalized ? 'DELETED' : 'MODIFIED');
      if (result.reason === 'exists')
        throw conflict(info.resource, key.name, 'the object has been modified; please apply your changes to the latest version and try again');
      if (result.reason === 'not-found') throw notFound(info.resource, key.name);
      if ((options.precondition !== undefined && !cached) || attempt >= MAX_UPDATE_ATTEMPTS) {
        throw conflict(info.resource, key.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      current = result.current;
      cached = false;
    }
  }

  /** Carries the system-owned parts of `current` over to a user's desired object and admits it. */
  private admitUpdate(strategy: Strategy, desired: KubeObject, current: KubeObject): KubeObject {
    const { info } = strategy;
    this.decode(strategy, desired); // the body as given: a status or a uid of the wrong type is refused, not replaced by the stored one
    const meta = desired.metadata;
    for (const f of SYSTEM_META) {
      if (current.metadata[f] === undefined) delete meta[f];
      else (meta as Record<string, unknown>)[f] = current.metadata[f];
    }
    if (info.namespaced) meta.namespace = current.metadata.namespace;
    meta.name = current.metadata.name;
    delete meta.generateName;
    if (current.metadata.generateName) meta.generateName = current.metadata.generateName;
    strategy.prepareForUpdate(desired, current);
    strategy.defaults(desired);
    this.mutate({ operation: 'UPDATE', info, object: desired, oldObject: current });
    if (!isDeepStrictEqual(specOf(desired), specOf(current))) meta.generation = (current.metadata.generation ?? 0) + 1;
    meta.resourceVersion = current.metadata.resourceVersion;
    this.validate(strategy, desired, current);
    return desired;
  }

  async replace(kind: string, input: unknown, options: { namespace?: string | null; admit?: AdmitHook } = {}): Promise<KubeObject> {
    const strategy = this.strategy(kind);
    const { info } = strategy;
    const obj = this.normalize(info, input, options.namespace);
    if (!obj.metadata.name) throw invalid(info.kind, '', [{ field: 'metadata.name', message: 'Required value: name is required' }]);
    const precondition = obj.metadata.resourceVersion ? String(obj.metadata.resourceVersion) : undefined;
    return this.guaranteedUpdate(
      info,
      this.key(info, obj.metadata.namespace, obj.metadata.name),
      (current) => this.admitUpdate(strategy, clone(obj), current),
      { precondition, admit: options.admit },
    );
  }

  async patch(
    kind: string,
    namespace: string | undefined | null,
    name: string,
    patch: unknown,
    type: PatchType = 'MERGE',
    admit?: AdmitHook,
  ): Promise<KubeObject> {
    const strategy = this.strategy(kind);
    const { info } = strategy;
    checkJsonDepth(patch, 'patch');
    const precondition =
      type === 'MERGE' && isRecord(patch) && isRecord(patch.metadata) && patch.metadata.resourceVersion ? String(patch.metadata.resourceVersion) : undefined;
    if (type === 'MERGE' && !isRecord(patch))
      throw badInput('a merge patch must be a JSON object', [{ field: 'patch', message: 'Invalid value: must be an object' }]);
    if (type === 'JSON') {
      if (!Array.isArray(patch))
        throw badInput('a JSON patch must be an array of operations', [{ field: 'patch', message: 'Invalid value: must be an array' }]);
      const error = jsonpatch.validate(patch as Operation[]);
      if (error) throw badInput(`invalid JSON patch: ${error.message.split('\n')[0]}`, [{ field: `patch[${error.index}]`, message: error.name }]);
    }
    return this.guaranteedUpdate(
      info,
      this.key(info, namespace, name),
      (current) => {
        const desired = applyPatch(current, patch, type);
        return this.admitUpdate(strategy, this.normalize(info, desired, current.metadata.namespace), current);
      },
      { precondition, admit },
    );
  }

  /** The status subresource: only `status` is taken; spec and metadata stay the stored ones. */
  async updateStatus(
    kind: string,
    namespace: string | undefined | null,
    name: string,
    status: unknown,
    resourceVersion?: string | null,
    admit?: AdmitHook,
  ): Promise<KubeObject> {
    const strategy = this.strategy(kind);
    const { info } = strategy;
    if (!info.hasStatus) throw badInput(`${info.resource} have no status subresource`, [{ field: 'status', message: 'Not found' }]);
    if (!isRecord(status)) throw invalid(info.kind, name, [{ field: 'status', message: 'Invalid value: must be an object' }]);
    checkJsonDepth(status, 'status');
    return this.guaranteedUpdate(
      info,
      this.key(info, namespace, name),
      (current) => {
        const desired = { ...current, status: clone(status) };
        const shape = this.conformance(desired, STATUS);
        strategy.prepareForStatusUpdate(desired, current);
        const causes = [...strategy.validateStatus(desired), ...shape];
        if (causes.length) throw invalid(info.kind, name, causes);
        return desired;
      },
      { precondition: resourceVersion ?? undefined, admit, subresource: 'status' },
    );
  }

  // ---- delete ---------------------------------------------------------------

  async delete(
    kind: string,
    namespace: string | undefined | null,
    name: string,
    options: DeleteOptions = {},
    admit?: AdmitHook,
  ): Promise<KubeObject | undefined> {
    const strategy = this.strategy(kind);
    const { info } = strategy;
    const key = this.key(info, namespace, name);
    if (options.gracePeriodSeconds != null && options.gracePeriodSeconds < 0) {
      throw badInput('gracePeriodSeconds must be greater than or equal to 0', [{ field: 'gracePeriodSeconds', message: 'must be greater than or equal to 0' }]);
    }
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.get(key);
      if (!current) throw notFound(info.resource, name);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid)
        throw conflict(info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
        throw conflict(
          info.resource,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
        );

      await admit?.({ operation: 'DELETE', info, oldObject: current });
      const desired = this.markForDeletion(strategy, clone(current), options);
      const expected = Number(current.metadata.resourceVersion);
      const result =
        desired && isDeepStrictEqual(desired, current)
          ? { ok: true as const, object: current }
          : strategy.allocator
            ? await this.writeHeld(strategy, key, desired, current, expected)
            : desired
              ? await this.store.update(key, desired, expected)
              : await this.store.delete(key, expected);
      if (result.ok) return this.settle(result.object, desired ? 'MODIFIED' : 'DELETED');
      if (result.reason === 'exists')
        throw conflict(info.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
      if (result.reason === 'not-found') throw notFound(info.resource, name);
      if (pre?.resourceVersion || attempt >= MAX_UPDATE_ATTEMPTS)
        throw conflict(info.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
  }

  /**
   * Graceful deletion and finalizers: returns the object as it must be kept while it
   * terminates, or undefined when it can go now.
   */
  private markForDeletion(strategy: Strategy, obj: KubeObject, options: DeleteOptions): KubeObject | undefined {
    const meta: ObjectMeta = obj.metadata;
    const finalizers = new Set(meta.finalizers ?? []);
    if (!meta.deletionTimestamp) {
      if (options.propagationPolicy === 'FOREGROUND') finalizers.add('foregroundDeletion');
      if (options.propagationPolicy === 'ORPHAN') finalizers.add('orphan');
    }
    const grace = strategy.gracePeriod(obj, options.gracePeriodSeconds);
    if (finalizers.size) meta.finalizers = [...finalizers];
    if (!strategy.pendingFinalizers(obj).length && grace === 0) return undefined;
    const now = this.clock.now();
    const deadline = new Date(now.getTime() + grace * 1000);
    // A shorter grace period may replace a longer one; a running deletion is never extended.
    if (!meta.deletionTimestamp || (meta.deletionGracePeriodSeconds ?? 0) > grace) {
      if (!meta.deletionTimestamp) meta.generation = (meta.generation ?? 0) + 1;
      meta.deletionTimestamp = timestamp(deadline);
      meta.deletionGracePeriodSeconds = grace;
    }
    strategy.prepareForDeletion(obj);
    return obj;
  }

  // ---- allocated values --------------------------------------------------------

  /**
   * A write of an object whose kind has an allocator (a Service's clusterIP and node
   * ports): the values it needs are chosen, and the records of what it newly holds are
   * created — and those of what it no longer holds deleted — in the same atomic unit as
   * the object itself. A record that another object holds refuses the unit: a chosen
   * value is chosen again, a value the client gave is its error. `desired` undefined:
   * the object is deleted; `old` undefined: it is created.
   */
  private async writeHeld(
    strategy: Strategy,
    key: ObjectKey,
    desired: KubeObject | undefined,
    old: KubeObject | undefined,
    expectedRevision?: number,
  ): Promise<WriteResult | WriteRefusal> {
    const allocator = strategy.allocator!;
    const id = (r: AllocationRecord) => `${r.key.kind}/${r.key.name}`;
    const given = new Set(desired ? allocator.records(desired).map(id) : []);
    const had = old ? allocator.records(old) : [];
    const avoid = new Set<string>();
    const gone = new Set<string>();
    const taken = async (kind: string): Promise<ReadonlySet<string>> => new Set((await this.store.list({ kind })).items.map((o) => o.metadata.name ?? ''));
    for (let attempt = 0; ; attempt++) {
      const object = desired && clone(desired);
      if (object) await allocator.assign(object, old, avoid, taken);
      const holds = object ? allocator.records(object) : [];
      const holding = new Set(holds.map(id));
      const creates = holds.filter((r) => !had.some((h) => id(h) === id(r)));
      const releases = had.filter((h) => !holding.has(id(h)) && !gone.has(id(h)));
      const main: WriteOp = !object
        ? { verb: 'delete', key, expectedRevision }
        : old
          ? { verb: 'update', key, object, expectedRevision }
          : { verb: 'create', key, object };
      const result = await this.store.writeAll([
        main,
        ...creates.map((r): WriteOp => ({ verb: 'create', key: r.key, object: r.object })),
        ...releases.map((r): WriteOp => ({ verb: 'delete', key: r.key })),
      ]);
      if (result.ok) return { ok: true, object: result.objects[0] };
      if (result.index === 0) return result.result;
      if (result.index > creates.length) {
        gone.add(id(releases[result.index - 1 - creates.length]));
        continue;
      } // already released
      const lost = creates[result.index - 1];
      if (given.has(id(lost))) throw allocator.alreadyAllocated(object!, lost);
      if (attempt >= 64) throw conflict(strategy.info.resource, key.name, 'the allocation could not be made; please try again');
      avoid.add(id(lost));
    }
  }

  // ---- subresources and apply -----------------------------------------------

  /** A subresource the kind's strategy serves (a Pod's `binding`), as one read-modify-write of the object. */
  async updateSubresource(
    kind: string,
    namespace: string | undefined | null,
    name: string,
    subresource: string,
    input: Record<string, unknown>,
    admit?: AdmitHook,
  ): Promise<KubeObject> {
    const strategy = this.strategy(kind);
    const { info } = strategy;
    const sub = Object.hasOwn(strategy.subresources, subresource) ? strategy.subresources[subresource] : undefined;
    if (!sub) throw badInput(`${info.resource} have no ${subresource} subresource`, [{ field: subresource, message: 'Not found' }]);
    sub.check?.(input);
    return this.guaranteedUpdate(info, this.key(info, namespace, name), (obj) => sub.update(obj, input, timestamp(this.clock.now())), { admit, subresource });
  }

  /**
   * The checks of apply that need no store — kind, shape, name, Kubernetes validation —
   * so that applyAll can refuse a bad batch before it writes any of it.
   */
  checkManifest(manifest: unknown): { info: KindInfo; applied: KubeObject } {
    const { strategy, applied } = this.readManifest(manifest);
    const probe = clone(applied);
    this.decode(strategy, probe);
    strategy.defaults(probe);
    this.mutate({ operation: 'CREATE', info: strategy.info, object: probe });
    this.validate(strategy, probe);
    return { info: strategy.info, applied };
  }

  /** A manifest's kind, envelope and name: what apply needs before it reads the store. */
  private readManifest(manifest: unknown): { strategy: Strategy; applied: KubeObject } {
    if (!isRecord(manifest)) throw badInput('a manifest must be a JSON object', [{ field: '', message: 'Invalid value: must be an object' }]);
    checkJsonDepth(manifest, '');
    if (typeof manifest.kind !== 'string' || !manifest.kind) throw badInput("Object 'Kind' is missing", [{ field: 'kind', message: 'Required value' }]);
    const strategy = this.strategy(manifest.kind);
    const applied = this.normalize(strategy.info, manifest);
    if (!applied.metadata.name) throw invalid(strategy.info.kind, '', [{ field: 'metadata.name', message: 'Required value: name is required' }]);
    return { strategy, applied };
  }

  /**
   * kubectl apply for one manifest: create it, or patch the live object with a three-way
   * merge. The object is admitted once, as it will be written (the create's, or the merge's).
   */
  async apply(manifest: unknown, dryRun = false, admit?: AdmitHook): Promise<KubeObject> {
    const { strategy, applied } = this.readManifest(manifest);
    const { info } = strategy;
    const { name, namespace } = applied.metadata as { name: string; namespace?: string };
    const key = this.key(info, namespace, name);
    const existing = await this.store.get(key);
    if (!existing) {
      try {
        return await this.create(info.kind, withLastApplied(clone(applied), manifest), { dryRun, admit });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === ErrorCode.ALREADY_EXISTS)) throw err;
      }
    }
    const mutate = (current: KubeObject) => this.applyTo(strategy, manifest, current);
    if (dryRun) {
      const current = await this.store.get(key);
      if (!current) throw notFound(info.resource, name);
      const desired = mutate(clone(current));
      await admit?.({ operation: 'UPDATE', info, object: desired, oldObject: current });
      return desired;
    }
    return this.guaranteedUpdate(info, key, mutate, { admit });
  }

  /** kubectl apply's three-way merge of a manifest onto the live object: what it becomes. */
  private applyTo(strategy: Strategy, manifest: unknown, current: KubeObject): KubeObject {
    const previous = current.metadata.annotations?.[LAST_APPLIED];
    let original: unknown;
    try {
      original = previous ? JSON.parse(previous) : undefined;
    } catch {
      original = undefined;
    }
    const patch = threeWayMergePatch(original as never, clone(manifest) as never) as Record<string, unknown>;
    const desired = withLastApplied(applyPatch(current, patch, 'MERGE'), manifest);
    return this.admitUpdate(strategy, this.normalize(strategy.info, desired, current.metadata.namespace), current);
  }

  /**
   * kubectl apply of several manifests as one atomic write: every manifest is created or
   * updated, or — when any is refused — none is (one store unit, consecutive revisions).
   * A unit that loses a race (a concurrent create, update or delete) is planned again
   * from fresh reads. Errors name the manifest: `manifests[i].…`. A dry run plans the
   * same writes and returns what they would write.
   */
  async applyAll(manifests: unknown[], options: { dryRun?: boolean; admit?: AdmitHook } = {}): Promise<ApplyOutcome[]> {
    const { admit } = options;
    const read = manifests.map((m, i) => atManifest(i, () => this.readManifest(m)));
    const keys = read.map(({ strategy, applied }) => this.key(strategy.info, applied.metadata.namespace, applied.metadata.name!));
    const seen = new Map<string, number>();
    for (const [i, k] of keys.entries()) {
      const id = `${k.kind}/${k.namespace}/${k.name}`;
      const first = seen.get(id);
      if (first !== undefined)
        throw badInput(`manifests[${i}] names the same object as manifests[${first}]: ${id}`, [
          { field: `manifests[${i}].metadata.name`, message: `Duplicate value: "${k.name}"` },
        ]);
      seen.set(id, i);
    }
    const allocationsLost = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      const creatingNamespaces = new Set<string>();
      const plans: { op?: WriteOp & { object: KubeObject }; unchanged?: KubeObject; current?: KubeObject; manifest: number }[] = [];
      for (const [i, { strategy, applied }] of read.entries()) {
        plans.push(
          await atManifest(i, async () => {
            const current = await this.store.get(keys[i]);
            if (!current) {
              const planned = plans.flatMap((p) => (p.op ? [p.op.object] : []));
              const object = await this.prepareCreate(strategy, withLastApplied(clone(applied), manifests[i]), { admit, creatingNamespaces, planned });
              const declared = this.namespaces.declares?.(object);
              if (declared) creatingNamespaces.add(declared);
              return { op: { verb: 'create' as const, key: keys[i], object }, manifest: i };
            }
            const desired = this.applyTo(strategy, manifests[i], clone(current));
            if (isDeepStrictEqual(desired, current)) return { unchanged: current, manifest: i };
            await this.admission?.({
              operation: 'UPDATE',
              info: strategy.info,
              object: desired,
              oldObject: current,
              planned: plans.flatMap((p) => (p.op ? [p.op.object] : [])),
            });
            await admit?.({ operation: 'UPDATE', info: strategy.info, object: desired, oldObject: current });
            return {
              op: { verb: 'update' as const, key: keys[i], object: desired, expectedRevision: Number(current.metadata.resourceVersion) },
              current,
              manifest: i,
            };
          }),
        );
      }
      const actionOf = (p: (typeof plans)[number]): ApplyAction => (p.unchanged ? 'UNCHANGED' : p.op!.verb === 'create' ? 'CREATED' : 'CONFIGURED');
      if (options.dryRun)
        return plans.map((p) => ({ action: actionOf(p), object: p.unchanged ?? (p.op!.verb === 'create' ? dryRunCreated(p.op!.object) : p.op!.object) }));
      const writes = plans.filter((p) => p.op);
      // Allocated values (a Service's clusterIP): chosen now, their records in the same unit.
      const unit: WriteOp[] = [];
      const at: number[] = []; // unit index of each write's own op
      const records = new Map<number, { manifest: number; record: AllocationRecord; given: boolean }>();
      for (const p of writes) {
        const allocator = read[p.manifest].strategy.allocator;
        if (allocator) {
          const id = (r: AllocationRecord) => `${r.key.kind}/${r.key.name}`;
          const given = new Set(allocator.records(p.op!.object).map(id));
          await atManifest(p.manifest, () =>
            allocator.assign(
              p.op!.object,
              p.current,
              allocationsLost,
              async (kind) => new Set((await this.store.list({ kind })).items.map((o) => o.metadata.name ?? '')),
            ),
          );
          const had = p.current ? allocator.records(p.current) : [];
          const holds = allocator.records(p.op!.object);
          at.push(unit.length);
          unit.push(p.op!);
          for (const r of holds.filter((r) => !had.some((h) => id(h) === id(r)))) {
            records.set(unit.length, { manifest: p.manifest, record: r, given: given.has(id(r)) });
            unit.push({ verb: 'create', key: r.key, object: r.object });
          }
          for (const r of had.filter((h) => !holds.some((x) => id(x) === id(h)))) unit.push({ verb: 'delete', key: r.key });
        } else {
          at.push(unit.length);
          unit.push(p.op!);
        }
      }
      const result = await this.store.writeAll(unit);
      if (!result.ok && records.has(result.index) && result.result.reason === 'exists') {
        const { manifest, record, given } = records.get(result.index)!;
        if (given)
          throw atManifestError(manifest, read[manifest].strategy.allocator!.alreadyAllocated(writes.find((p) => p.manifest === manifest)!.op!.object, record));
        allocationsLost.add(`${record.key.kind}/${record.key.name}`);
      }
      if (result.ok) {
        const written = new Map(
          writes.map((p, j) => [p.manifest, { object: result.objects[at[j]], type: p.op!.verb === 'create' ? ('ADDED' as const) : ('MODIFIED' as const) }]),
        );
        const out: ApplyOutcome[] = [];
        for (const p of plans) {
          const w = written.get(p.manifest);
          out.push({ action: actionOf(p), object: w ? await this.settle(w.object, w.type) : p.unchanged! });
        }
        return out;
      }
      if (attempt >= MAX_UPDATE_ATTEMPTS) {
        const failed = writes[Math.max(0, at.filter((u) => u <= result.index).length - 1)];
        const { info, applied } = { info: read[failed.manifest].strategy.info, applied: read[failed.manifest].applied };
        throw atManifestError(
          failed.manifest,
          conflict(info.resource, applied.metadata.name!, 'the object has been modified; please apply your changes to the latest version and try again'),
        );
      }
    }
  }
}

/** A dry-run create's answer: as Kubernetes, no resourceVersion — it was never stored (the empty string). */
const dryRunCreated = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: '' } });

/** The manifest as kubectl records it on the object, for the next three-way merge. */
function withLastApplied(o: KubeObject, manifest: unknown): KubeObject {
  const annotations: unknown = o.metadata.annotations;
  if (annotations !== undefined && annotations !== null && !isRecord(annotations)) return o; // not a map: validation refuses it as it is
  o.metadata.annotations = { ...annotations, [LAST_APPLIED]: JSON.stringify(manifest) + '\n' };
  return o;
}

/** Errors of one manifest of a batch name it: `manifests[i].spec…`. */
function atManifestError(i: number, err: unknown): unknown {
  if (err instanceof ApiError && err.extensions.manifest === undefined) {
    (err as { causes: Cause[] }).causes = err.causes.map((c) => ({ ...c, field: `manifests[${i}]${c.field ? '.' + c.field : ''}` }));
    err.extensions.manifest = i;
  }
  return err;
}

function atManifest<T>(i: number, run: () => T): T {
  try {
    const out = run();
    return (
      out instanceof Promise
        ? out.catch((err: unknown) => {
            throw atManifestError(i, err);
          })
        : out
    ) as T;
  } catch (err) {
    throw atManifestError(i, err);
  }
}

function applyPatch(current: KubeObject, patch: unknown, type: PatchType): KubeObject {
  if (type === 'MERGE') return applyMergePatch(current, patch) as unknown as KubeObject;
  try {
    return jsonpatch.applyPatch(clone(current), clone(patch) as Operation[], true, false).newDocument;
  } catch (err) {
    const e = err as { message?: string; name?: string; index?: number };
    throw badInput(`the JSON patch could not be applied: ${(e.message ?? '').split('\n')[0]}`, [
      { field: `patch[${e.index ?? 0}]`, message: e.name ?? 'Invalid value' },
    ]);
  }
}
