// The generic resource registry: kube-apiserver's generic registry store in one
// class. Every kind goes through the same create / update / patch / delete / watch
// paths; what differs per kind lives in the kind table (src/apis/kinds.ts) and in
// validation and defaulting (src/apis).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { applyDefaults } from '../../apis/defaults.ts';
import { kindInfo, type KindInfo, type KubeObject, type ObjectMeta } from '../../apis/kinds.ts';
import { validateObject, validateUpdate } from '../../apis/validation/index.ts';
import { ApiError, ErrorCode, alreadyExists, badInput, conflict, invalid, notFound, type Cause } from '../../apimachinery/errors.ts';
import { parseFieldSelector, type FieldSelector } from '../../apimachinery/fields.ts';
import { checkJsonDepth } from '../../apimachinery/json.ts';
import { applyMergePatch } from '../../apimachinery/merge-patch.ts';
import { parseLabelSelector, type LabelSelector } from '../../apimachinery/labels.ts';
import type { ListResult, ObjectKey, Store } from '../../store/index.ts';
import { LAST_APPLIED, threeWayMergePatch } from './apply.ts';
import { realClock, timestamp, type Clock } from './clock.ts';
import { generateName } from './names.ts';

export type PatchType = 'MERGE' | 'JSON';
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
}

/** Runs before every write; throws (FORBIDDEN, BAD_USER_INPUT…) to refuse it. */
export type AdmitHook = (attrs: AdmissionAttributes) => void | Promise<void>;

export interface ListQuery {
  namespace?: string;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number | null;
  continue?: string | null;
}

/** Retries of a read-modify-write whose caller gave no resourceVersion (GuaranteedUpdate). */
const MAX_UPDATE_ATTEMPTS = 16;
const SYSTEM_META = ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

const clone = <T>(v: T): T => structuredClone(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Everything of the object that is not metadata or status: what `generation` counts changes of. */
function specOf(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

/** What still holds a deleted object: its finalizers (and a Namespace's spec.finalizers). */
function pendingFinalizers(o: KubeObject): string[] {
  const own = o.metadata.finalizers ?? [];
  return o.kind === 'Namespace' ? [...own, ...((o.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [])] : own;
}

export interface RegistryOptions {
  clock?: Clock;
  /** More checks every written object must pass (the apiserver adds conformance to the GraphQL types). */
  validate?: (object: KubeObject) => Cause[];
  /** Awaited after every write with the object as written, before the caller hears of it. */
  written?: (object: KubeObject) => void | Promise<void>;
}

export class Registry {
  private readonly clock: Clock;
  private readonly extraValidation: (object: KubeObject) => Cause[];
  private readonly written: (object: KubeObject) => void | Promise<void>;

  constructor(readonly store: Store, options: RegistryOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.extraValidation = options.validate ?? (() => []);
    this.written = options.written ?? (() => undefined);
  }

  private async settle(object: KubeObject): Promise<KubeObject> {
    await this.written(object);
    return object;
  }

  info(kind: string): KindInfo {
    const info = kindInfo(kind);
    if (!info) throw badInput(`no matches for kind "${kind}"`, [{ field: 'kind', message: `Unsupported value: "${kind}"` }]);
    return info;
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
    if (query.limit !== undefined && query.limit !== null && query.limit < 0) throw badInput('limit must be a non-negative integer', [{ field: 'limit', message: 'must be greater than or equal to 0' }]);
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
    const info = this.info(kind);
    const obj = this.normalize(info, input, options.namespace);
    const meta = obj.metadata;
    if (!meta.name && !meta.generateName) {
      throw invalid(info.kind, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    const now = timestamp(this.clock.now());
    for (const f of [...SYSTEM_META, 'resourceVersion'] as const) delete meta[f];
    meta.uid = randomUUID();
    meta.creationTimestamp = now;
    meta.generation = 1;
    this.check(info, obj); // the shape first: defaulting and QoS must not meet `containers: false`
    this.prepareStatusForCreate(info, obj);
    applyDefaults(obj);
    this.check(info, obj);
    await this.requireNamespace(info, meta.namespace);
    await options.admit?.({ operation: 'CREATE', info, object: obj });
    if (options.dryRun) return { ...obj, metadata: { ...meta, name: meta.name ?? generateName(meta.generateName!) } };

    // generateName collisions are retried with a fresh suffix, as kube-apiserver does.
    for (let attempt = 0; ; attempt++) {
      const named = meta.name ? obj : { ...obj, metadata: { ...meta, name: generateName(meta.generateName!) } };
      const created = await this.store.create(this.key(info, named.metadata.namespace, named.metadata.name!), named);
      if (created) return this.settle(created);
      if (meta.name || attempt >= 8) throw alreadyExists(info.resource, named.metadata.name!);
    }
  }

  /** Checks the shape of an input and fills apiVersion, kind and namespace. */
  private normalize(info: KindInfo, input: unknown, namespace?: string | null): KubeObject {
    if (!isRecord(input)) throw badInput('the object must be a JSON object', [{ field: '', message: 'Invalid value: must be an object' }]);
    checkJsonDepth(input, '');
    const obj = clone(input) as KubeObject;
    if (obj.kind !== undefined && obj.kind !== null && obj.kind !== info.kind) {
      throw badInput(`the kind of the provided object "${String(obj.kind)}" does not match the operation's kind "${info.kind}"`, [{ field: 'kind', message: `Invalid value: "${String(obj.kind)}"` }]);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== null && obj.apiVersion !== info.apiVersion) {
      throw badInput(`no matches for kind "${info.kind}" in version "${String(obj.apiVersion)}"`, [{ field: 'apiVersion', message: `Unsupported value: "${String(obj.apiVersion)}": supported values: "${info.apiVersion}"` }]);
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
        throw badInput('the namespace of the provided object does not match the namespace sent on the request', [{ field: 'metadata.namespace', message: `Invalid value: "${String(meta.namespace)}"` }]);
      }
      meta.namespace = (meta.namespace as string | undefined) || namespace || 'default';
    } else {
      delete meta.namespace;
    }
    return ordered;
  }

  private prepareStatusForCreate(info: KindInfo, obj: KubeObject): void {
    if (!info.hasStatus) return;
    if (info.kind === 'Node') return; // kubelets register nodes with their status
    obj.status = info.kind === 'Pod' ? { phase: 'Pending', qosClass: qosClass(obj) } : info.kind === 'Namespace' ? { phase: 'Active' } : {};
  }

  private check(info: KindInfo, obj: KubeObject, old?: KubeObject): void {
    const causes: Cause[] = [...validateObject(obj), ...this.extraValidation(obj)];
    if (old) {
      causes.push(...validateUpdate(obj, old));
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (old.metadata.deletionTimestamp && added.length) causes.push({ field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` });
    }
    if (causes.length) throw invalid(info.kind, obj.metadata.name ?? obj.metadata.generateName ?? '', causes);
  }

  private async requireNamespace(info: KindInfo, namespace: string | undefined): Promise<void> {
    if (!info.namespaced || !namespace) return;
    const ns = await this.store.get({ kind: 'Namespace', namespace: '', name: namespace });
    if (!ns) throw notFound('namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(ErrorCode.FORBIDDEN, `${info.resource} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  // ---- update ---------------------------------------------------------------

  /**
   * Read, change, compare-and-swap; on a lost race, read again and redo the change —
   * unless the caller named the resourceVersion it changed, which is then a precondition.
   * `mutate` gets a private copy of the current object and returns the desired one.
   */
  async guaranteedUpdate(
    info: KindInfo, key: ObjectKey, mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: { precondition?: string; admit?: AdmitHook; subresource?: string } = {},
  ): Promise<KubeObject> {
    let current = await this.store.get(key);
    for (let attempt = 0; ; attempt++) {
      if (!current) throw notFound(info.resource, key.name);
      if (options.precondition !== undefined && options.precondition !== current.metadata.resourceVersion) {
        throw conflict(info.resource, key.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const desired = await mutate(clone(current));
      if (isDeepStrictEqual(desired, current)) return current; // no-op updates write nothing, like etcd3's store
      await options.admit?.({ operation: 'UPDATE', info, subresource: options.subresource, object: desired, oldObject: current });
      const expected = Number(current.metadata.resourceVersion);
      const finalized = desired.metadata.deletionTimestamp && !pendingFinalizers(desired).length && !desired.metadata.deletionGracePeriodSeconds;
      const result = finalized ? await this.store.delete(key, expected) : await this.store.update(key, desired, expected);
      if (result.ok) return this.settle(result.object);
      if (result.reason === 'not-found') throw notFound(info.resource, key.name);
      if (options.precondition !== undefined || attempt >= MAX_UPDATE_ATTEMPTS) {
        throw conflict(info.resource, key.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      current = result.current;
    }
  }

  /** Carries the system-owned parts of `current` over to a user's desired object and checks it. */
  private admitUpdate(info: KindInfo, desired: KubeObject, current: KubeObject): KubeObject {
    const meta = desired.metadata;
    for (const f of SYSTEM_META) {
      if (current.metadata[f] === undefined) delete meta[f];
      else (meta as Record<string, unknown>)[f] = current.metadata[f];
    }
    if (info.namespaced) meta.namespace = current.metadata.namespace;
    meta.name = current.metadata.name;
    delete meta.generateName;
    if (current.metadata.generateName) meta.generateName = current.metadata.generateName;
    if (info.hasStatus) {
      if (current.status === undefined) delete desired.status;
      else desired.status = current.status;
    }
    this.check(info, desired); // the shape first, as on create (update rules compare defaulted objects, below)
    applyDefaults(desired);
    if (!isDeepStrictEqual(specOf(desired), specOf(current))) meta.generation = (current.metadata.generation ?? 0) + 1;
    meta.resourceVersion = current.metadata.resourceVersion;
    this.check(info, desired, current);
    return desired;
  }

  async replace(kind: string, input: unknown, options: { namespace?: string | null; admit?: AdmitHook } = {}): Promise<KubeObject> {
    const info = this.info(kind);
    const obj = this.normalize(info, input, options.namespace);
    if (!obj.metadata.name) throw invalid(info.kind, '', [{ field: 'metadata.name', message: 'Required value: name is required' }]);
    const precondition = obj.metadata.resourceVersion ? String(obj.metadata.resourceVersion) : undefined;
    return this.guaranteedUpdate(info, this.key(info, obj.metadata.namespace, obj.metadata.name),
      (current) => this.admitUpdate(info, clone(obj), current), { precondition, admit: options.admit });
  }

  async patch(kind: string, namespace: string | undefined | null, name: string, patch: unknown, type: PatchType = 'MERGE', admit?: AdmitHook): Promise<KubeObject> {
    const info = this.info(kind);
    checkJsonDepth(patch, 'patch');
    const precondition = type === 'MERGE' && isRecord(patch) && isRecord(patch.metadata) && patch.metadata.resourceVersion
      ? String(patch.metadata.resourceVersion) : undefined;
    if (type === 'MERGE' && !isRecord(patch)) throw badInput('a merge patch must be a JSON object', [{ field: 'patch', message: 'Invalid value: must be an object' }]);
    if (type === 'JSON') {
      if (!Array.isArray(patch)) throw badInput('a JSON patch must be an array of operations', [{ field: 'patch', message: 'Invalid value: must be an array' }]);
      const error = jsonpatch.validate(patch as Operation[]);
      if (error) throw badInput(`invalid JSON patch: ${error.message.split('\n')[0]}`, [{ field: `patch[${error.index}]`, message: error.name }]);
    }
    return this.guaranteedUpdate(info, this.key(info, namespace, name), (current) => {
      const desired = applyPatch(current, patch, type);
      return this.admitUpdate(info, this.normalize(info, desired, current.metadata.namespace), current);
    }, { precondition, admit });
  }

  async updateStatus(kind: string, namespace: string | undefined | null, name: string, status: unknown, resourceVersion?: string | null, admit?: AdmitHook): Promise<KubeObject> {
    const info = this.info(kind);
    if (!info.hasStatus) throw badInput(`${info.resource} have no status subresource`, [{ field: 'status', message: 'Not found' }]);
    if (!isRecord(status)) throw invalid(info.kind, name, [{ field: 'status', message: 'Invalid value: must be an object' }]);
    checkJsonDepth(status, 'status');
    return this.guaranteedUpdate(info, this.key(info, namespace, name), (current) => {
      const desired = { ...current, status: clone(status) };
      const causes = [...validateObject(desired), ...this.extraValidation(desired)].filter((c) => c.field.startsWith('status'));
      if (causes.length) throw invalid(info.kind, name, causes);
      return desired;
    }, { precondition: resourceVersion ?? undefined, admit, subresource: 'status' });
  }

  // ---- delete ---------------------------------------------------------------

  async delete(kind: string, namespace: string | undefined | null, name: string, options: DeleteOptions = {}, admit?: AdmitHook): Promise<KubeObject | undefined> {
    const info = this.info(kind);
    const key = this.key(info, namespace, name);
    if (options.gracePeriodSeconds != null && options.gracePeriodSeconds < 0) {
      throw badInput('gracePeriodSeconds must be greater than or equal to 0', [{ field: 'gracePeriodSeconds', message: 'must be greater than or equal to 0' }]);
    }
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.get(key);
      if (!current) throw notFound(info.resource, name);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);

      await admit?.({ operation: 'DELETE', info, oldObject: current });
      const desired = this.markForDeletion(info, clone(current), options);
      const result = desired
        ? isDeepStrictEqual(desired, current) ? { ok: true as const, object: current } : await this.store.update(key, desired, Number(current.metadata.resourceVersion))
        : await this.store.delete(key, Number(current.metadata.resourceVersion));
      if (result.ok) return this.settle(result.object);
      if (result.reason === 'not-found') throw notFound(info.resource, name);
      if (pre?.resourceVersion || attempt >= MAX_UPDATE_ATTEMPTS) throw conflict(info.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
  }

  /**
   * Graceful deletion and finalizers: returns the object as it must be kept while it
   * terminates, or undefined when it can go now.
   */
  private markForDeletion(info: KindInfo, obj: KubeObject, options: DeleteOptions): KubeObject | undefined {
    const meta: ObjectMeta = obj.metadata;
    const finalizers = new Set(meta.finalizers ?? []);
    if (!meta.deletionTimestamp) {
      if (options.propagationPolicy === 'FOREGROUND') finalizers.add('foregroundDeletion');
      if (options.propagationPolicy === 'ORPHAN') finalizers.add('orphan');
    }
    const grace = this.gracePeriod(info, obj, options.gracePeriodSeconds);
    if (finalizers.size) meta.finalizers = [...finalizers];
    if (!pendingFinalizers(obj).length && grace === 0) return undefined;
    const now = this.clock.now();
    const deadline = new Date(now.getTime() + grace * 1000);
    // A shorter grace period may replace a longer one; a running deletion is never extended.
    if (!meta.deletionTimestamp || (meta.deletionGracePeriodSeconds ?? 0) > grace) {
      if (!meta.deletionTimestamp) meta.generation = (meta.generation ?? 0) + 1;
      meta.deletionTimestamp = timestamp(deadline);
      meta.deletionGracePeriodSeconds = grace;
    }
    if (info.kind === 'Namespace') obj.status = { ...obj.status, phase: 'Terminating' };
    return obj;
  }

  /** Only pods that a kubelet runs terminate gracefully; everything else goes at once. */
  private gracePeriod(info: KindInfo, obj: KubeObject, requested: number | null | undefined): number {
    if (info.kind !== 'Pod') return 0;
    const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    return requested ?? spec.terminationGracePeriodSeconds ?? 30;
  }

  // ---- subresources and apply -----------------------------------------------

  async bindPod(namespace: string | undefined | null, name: string, nodeName: string, admit?: AdmitHook): Promise<KubeObject> {
    const info = this.info('Pod');
    if (!nodeName) throw badInput('Binding is invalid: target.name: Required value', [{ field: 'target.name', message: 'Required value' }]);
    return this.guaranteedUpdate(info, this.key(info, namespace, name), (pod) => {
      const spec = (pod.spec ??= {}) as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) throw conflict('pods/binding', name, 'pod is being deleted, cannot be assigned to a host');
      if (spec.nodeName) throw conflict('pods/binding', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = nodeName;
      const status = (pod.status ??= {}) as { conditions?: Record<string, unknown>[] };
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c: Record<string, unknown>) => c?.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(this.clock.now()) });
      status.conditions = conditions;
      return pod;
    }, { admit, subresource: 'binding' });
  }

  /** kubectl apply for one manifest: create it, or patch the live object with a three-way merge. */
  /**
   * The checks of apply that need no store — kind, shape, name, Kubernetes validation —
   * so that applyAll can refuse a bad batch before it writes any of it.
   */
  checkManifest(manifest: unknown): { info: KindInfo; applied: KubeObject } {
    if (!isRecord(manifest)) throw badInput('a manifest must be a JSON object', [{ field: '', message: 'Invalid value: must be an object' }]);
    checkJsonDepth(manifest, '');
    if (typeof manifest.kind !== 'string' || !manifest.kind) throw badInput("Object 'Kind' is missing", [{ field: 'kind', message: 'Required value' }]);
    const info = this.info(manifest.kind);
    const applied = this.normalize(info, manifest);
    if (!applied.metadata.name) throw invalid(info.kind, '', [{ field: 'metadata.name', message: 'Required value: name is required' }]);
    const probe = clone(applied);
    this.check(info, probe);
    applyDefaults(probe);
    this.check(info, probe);
    return { info, applied };
  }

  /** kubectl apply for one manifest: create it, or patch the live object with a three-way merge. */
  async apply(manifest: unknown, dryRun = false, admit?: AdmitHook): Promise<KubeObject> {
    const { info, applied } = this.checkManifest(manifest);
    const { name, namespace } = applied.metadata as { name: string; namespace?: string };
    const lastApplied = JSON.stringify(manifest);
    const withAnnotation = (o: KubeObject): KubeObject => {
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [LAST_APPLIED]: lastApplied + '\n' };
      return o;
    };
    const key = this.key(info, namespace, name);
    const existing = await this.store.get(key);
    if (!existing) {
      try {
        return await this.create(info.kind, withAnnotation(clone(applied)), { dryRun, admit });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === ErrorCode.ALREADY_EXISTS)) throw err;
      }
    }
    const mutate = (current: KubeObject): KubeObject => {
      const previous = current.metadata.annotations?.[LAST_APPLIED];
      let original: unknown;
      try { original = previous ? JSON.parse(previous) : undefined; } catch { original = undefined; }
      const patch = threeWayMergePatch(original as never, clone(manifest) as never) as Record<string, unknown>;
      const desired = withAnnotation(applyPatch(current, patch, 'MERGE'));
      return this.admitUpdate(info, this.normalize(info, desired, current.metadata.namespace), current);
    };
    if (dryRun) {
      const current = await this.store.get(key);
      if (!current) throw notFound(info.resource, name);
      const desired = mutate(clone(current));
      await admit?.({ operation: 'UPDATE', info, object: desired, oldObject: current });
      return desired;
    }
    return this.guaranteedUpdate(info, key, mutate, { admit });
  }
}

function applyPatch(current: KubeObject, patch: unknown, type: PatchType): KubeObject {
  if (type === 'MERGE') return applyMergePatch(current, patch) as unknown as KubeObject;
  try {
    return jsonpatch.applyPatch(clone(current), clone(patch) as Operation[], true, false).newDocument;
  } catch (err) {
    const e = err as { message?: string; name?: string; index?: number };
    throw badInput(`the JSON patch could not be applied: ${(e.message ?? '').split('\n')[0]}`, [{ field: `patch[${e.index ?? 0}]`, message: e.name ?? 'Invalid value' }]);
  }
}

/** The QoS class Kubernetes assigns a pod from its containers' requests and limits. */
function qosClass(pod: KubeObject): string {
  type Res = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  const containers = ((pod.spec as { containers?: { resources?: Res }[] } | undefined)?.containers ?? []);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const resources = (isRecord(c) && isRecord(c.resources) ? c.resources : {}) as Res;
    const requests = isRecord(resources.requests) ? resources.requests : {};
    const limits = isRecord(resources.limits) ? resources.limits : {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}
