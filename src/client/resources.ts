// One typed client per kind, over the generated operations: get, list, watch, create,
// replace, patch, delete and the status subresource, for every kind alike. Objects are
// Kubernetes' own shapes (the `manifest` field: what `kubectl get -o json` prints),
// typed with kubernetes-types.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { KindInfo } from '../apis/kinds.ts';
import { KIND_INFO, KIND_SUBRESOURCES, type KindTypes } from './generated/kinds.ts';
import * as operations from './generated/graphql.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { toApiError, type GraphQLErrorJson, type Sink, type Transport } from './transport.ts';

export type { KindTypes };
export type Kind = keyof KindTypes;

/** An object as the apiserver returns it: metadata always present. */
export type KubeObjectOf<K extends Kind> = Omit<KindTypes[K], 'metadata'> & {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta & { name: string; uid: string; resourceVersion: string };
};
/** Any object of any kind. */
export type AnyObject = KubeObjectOf<Kind>;

export interface ListOptions {
  namespace?: string;
  /** Every namespace (namespace is then ignored). */
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue: string | null;
}

export interface WatchOptions {
  /** null: every namespace (namespaced kinds). */
  namespace?: string | null;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'BACKGROUND' | 'FOREGROUND' | 'ORPHAN';
  preconditions?: { uid?: string; resourceVersion?: string };
}

type Doc = TypedDocumentNode<Record<string, unknown>, Record<string, unknown>>;
const pascal = (s: string) => s[0].toUpperCase() + s.slice(1);

/** The generated document of a root field, by name (present for every kind; checked at construction). */
function documentOf(field: string): Doc {
  const doc = (operations as unknown as Record<string, Doc | undefined>)[`${pascal(field)}Document`];
  if (!doc) throw new Error(`no generated operation for ${field}: regenerate src/client/generated (npm run generate:client)`);
  return doc;
}

export class ResourceClient<K extends Kind> {
  readonly info: KindInfo;
  private readonly docs: Record<'get' | 'list' | 'watch' | 'create' | 'createMany' | 'replace' | 'patch' | 'delete', Doc> & {
    status?: Doc;
    statuses?: Doc;
    bindings?: Doc;
  };
  private readonly inputName: string;

  constructor(
    private readonly transport: Transport,
    readonly kind: K,
  ) {
    const info: KindInfo | undefined = Object.hasOwn(KIND_INFO, kind) ? KIND_INFO[kind] : undefined;
    if (!info) throw new Error(`unknown kind ${kind}`);
    this.info = info;
    this.inputName = info.singular;
    this.docs = {
      get: documentOf(info.singular),
      list: documentOf(info.plural),
      watch: documentOf(`watch${pascal(info.plural)}`),
      create: documentOf(`create${kind}`),
      createMany: documentOf(`create${pascal(info.plural)}`),
      replace: documentOf(`replace${kind}`),
      patch: documentOf(`patch${kind}`),
      delete: documentOf(`delete${kind}`),
      status: info.hasStatus ? documentOf(`update${kind}Status`) : undefined,
      statuses: info.hasStatus ? documentOf(`update${kind}Statuses`) : undefined,
      bindings: KIND_SUBRESOURCES[kind].includes('binding') ? documentOf(`bind${pascal(info.plural)}`) : undefined,
    };
  }

  private scope(namespace: string | null | undefined): Record<string, unknown> {
    return this.info.namespaced ? { namespace } : {};
  }

  private static manifest<T>(value: unknown): T {
    return (value as { manifest: T }).manifest;
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObjectOf<K> | null> {
    const data = await this.transport.request(this.docs.get, { ...this.scope(namespace), name });
    const found = data[this.info.singular];
    return found ? ResourceClient.manifest(found) : null;
  }

  /** One page; see `listAll` for every page. */
  async list(options: ListOptions = {}): Promise<ListResult<KubeObjectOf<K>>> {
    const { namespace, allNamespaces, ...rest } = options;
    const variables = this.info.namespaced ? { namespace, allNamespaces, ...rest } : rest;
    const data = await this.transport.request(this.docs.list, variables);
    const list = data[this.info.plural] as { items: unknown[]; metadata: { resourceVersion: string; continue: string | null } };
    return {
      items: list.items.map((i) => ResourceClient.manifest(i)),
      resourceVersion: list.metadata.resourceVersion,
      continue: list.metadata.continue ?? null,
    };
  }

  /** Every page, consistent with the first page's resourceVersion. */
  async listAll(options: Omit<ListOptions, 'continue'> = {}, pageSize = 500): Promise<ListResult<KubeObjectOf<K>>> {
    const first = await this.list({ ...options, limit: pageSize });
    const items = first.items;
    for (let next = first.continue; next; ) {
      const page = await this.list({ ...options, limit: pageSize, continue: next });
      items.push(...page.items);
      next = page.continue;
    }
    return { items, resourceVersion: first.resourceVersion, continue: null };
  }

  watch(options: WatchOptions, sink: Sink<WatchEvent<KubeObjectOf<K>>>): () => void {
    const { namespace, ...rest } = options;
    const field = `watch${pascal(this.info.plural)}`;
    return this.transport.subscribe(
      this.docs.watch,
      { ...this.scope(namespace), ...rest },
      {
        next: (data) => {
          const event = data[field] as { type: WatchEventType; object: { manifest: KubeObjectOf<K> } };
          sink.next({ type: event.type, object: event.object.manifest });
        },
        error: (e) => sink.error(e),
        complete: () => sink.complete(),
      },
    );
  }

  async create(object: Partial<KindTypes[K]> & { metadata: ObjectMeta }): Promise<KubeObjectOf<K>> {
    const data = await this.transport.request(this.docs.create, { [this.inputName]: input(this.kind, object) });
    return ResourceClient.manifest(data[`create${this.kind}`]);
  }

  /**
   * Many objects in one request (at most 500): per item, in order, the object as created
   * or the ApiError that item met (the others are created all the same). Throws only when
   * the whole request failed.
   */
  async createMany(objects: readonly (Partial<KindTypes[K]> & { metadata: ObjectMeta })[]): Promise<Array<KubeObjectOf<K> | ApiError>> {
    const field = `create${pascal(this.info.plural)}`;
    const { data, errors } = await this.transport.requestPartial(this.docs.createMany, { items: objects.map((o) => input(this.kind, o)) });
    return perItem<KubeObjectOf<K>>(field, data[field] as ({ manifest: KubeObjectOf<K> } | null)[], errors);
  }

  /** A full update; CONFLICT when `metadata.resourceVersion` is stale. */
  async replace(object: Partial<KindTypes[K]> & { metadata: ObjectMeta }): Promise<KubeObjectOf<K>> {
    const data = await this.transport.request(this.docs.replace, { [this.inputName]: input(this.kind, object) });
    return ResourceClient.manifest(data[`replace${this.kind}`]);
  }

  async patch(namespace: string | undefined, name: string, patch: unknown, type: 'MERGE' | 'JSON' = 'MERGE'): Promise<KubeObjectOf<K>> {
    const data = await this.transport.request(this.docs.patch, { ...this.scope(namespace), name, patch, type });
    return ResourceClient.manifest(data[`patch${this.kind}`]);
  }

  /** The object as it now stands: with deletionTimestamp while finalizers or a grace period hold it, as it last was when it went at once (API.md: deletePod). */
  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<KubeObjectOf<K> | null> {
    const data = await this.transport.request(this.docs.delete, { ...this.scope(namespace), name, ...options });
    const left = data[`delete${this.kind}`];
    return left ? ResourceClient.manifest(left) : null;
  }

  /** The status subresource; CONFLICT when `resourceVersion` is given and stale. */
  async updateStatus(namespace: string | undefined, name: string, status: unknown, resourceVersion?: string): Promise<KubeObjectOf<K>> {
    if (!this.docs.status) throw new Error(`${this.kind} has no status subresource`);
    const data = await this.transport.request(this.docs.status, { ...this.scope(namespace), name, status, resourceVersion });
    return ResourceClient.manifest(data[`update${this.kind}Status`]);
  }

  /**
   * Pods bound to nodes in one request (bindPods, at most 500; Pod only): per item, in
   * order, the pod as bound or the ApiError that binding met (CONFLICT: bound already).
   */
  async bindMany(bindings: readonly PodBinding[]): Promise<Array<KubeObjectOf<K> | ApiError>> {
    if (!this.docs.bindings) throw new Error(`${this.kind} has no binding subresource`);
    const { data, errors } = await this.transport.requestPartial(this.docs.bindings, {
      items: bindings.map((b) => ({ namespace: b.namespace, name: b.name, nodeName: b.nodeName })),
    });
    return perItem<KubeObjectOf<K>>('bindPods', data.bindPods as ({ manifest: KubeObjectOf<K> } | null)[], errors);
  }

  /**
   * Many objects' status subresources in one request (at most 500): per item, in order,
   * the object as written or the ApiError that item met (the others are written all the
   * same). Throws only when the whole request failed.
   */
  async updateStatuses(items: readonly StatusUpdate[]): Promise<Array<KubeObjectOf<K> | ApiError>> {
    if (!this.docs.statuses) throw new Error(`${this.kind} has no status subresource`);
    const { data, errors } = await this.transport.requestPartial(this.docs.statuses, {
      items: items.map((i) => ({
        ...(this.info.namespaced ? { namespace: i.namespace } : {}),
        name: i.name,
        status: i.status,
        resourceVersion: i.resourceVersion,
      })),
    });
    const field = `update${this.kind}Statuses`;
    return perItem<KubeObjectOf<K>>(field, data[field] as ({ manifest: KubeObjectOf<K> } | null)[], errors);
  }
}

/** One pod's binding for `bindMany`. */
export interface PodBinding {
  namespace?: string;
  name: string;
  nodeName: string;
}

/** A bulk field's answer per item: the object, or the error reported at its index. */
function perItem<T>(field: string, results: ({ manifest: T } | null)[], errors: readonly GraphQLErrorJson[]): Array<T | ApiError> {
  const failed = new Map<number, ApiError>();
  for (const e of errors) {
    const index = e.path?.[0] === field ? e.path[1] : undefined;
    if (typeof index === 'number') failed.set(index, toApiError([e]));
  }
  return results.map((r, i) => r?.manifest ?? failed.get(i) ?? new ApiError(ErrorCode.INTERNAL_SERVER_ERROR, `no result for item ${i}`));
}

/** One object's status for `updateStatuses`. */
export interface StatusUpdate {
  namespace?: string;
  name: string;
  status: unknown;
  /** When given, a stale one is a CONFLICT for this item. */
  resourceVersion?: string;
}

/** The metadata a client may write (ObjectMetaInput); the rest is the server's. */
const WRITABLE_METADATA = ['name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences', 'resourceVersion'] as const;

/** The mutation input of an object: its manifest without what the server owns. */
function input(kind: string, object: { metadata: ObjectMeta } & Record<string, unknown>): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const field of WRITABLE_METADATA) if (object.metadata[field] !== undefined) metadata[field] = object.metadata[field];
  const { apiVersion, kind: _kind, metadata: _metadata, ...fields } = object;
  void _kind;
  void _metadata;
  return { apiVersion, kind, metadata, ...fields };
}
