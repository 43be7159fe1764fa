// The store's contract: an etcd analogue over SQL. One cluster-wide revision, bumped
// by every write in the same statement that writes the object and its change record.
import type { KubeObject } from '../apis/kinds.ts';
import type { FieldSelector } from '../apimachinery/fields.ts';
import type { LabelSelector } from '../apimachinery/labels.ts';

/** Identifies one object. `namespace` is "" for cluster-scoped kinds. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One record of the change log, as the store keeps it. */
export interface Change {
  revision: number;
  kind: string;
  namespace: string;
  name: string;
  type: ChangeType;
  /** The object after the change; for DELETED, its last state (resourceVersion = the deletion's revision). */
  object: KubeObject;
  /** The object before the change (absent for ADDED). */
  prevObject?: KubeObject;
}

export interface ListOptions {
  kind: string;
  /** Absent: every namespace. */
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  /** The opaque token of the previous page. */
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The revision the whole listing (every page) is consistent with. */
  revision: number;
  continue?: string;
}

/** A failed compare-and-swap is an answer, not an exception (kine's habit). */
export type WriteResult = { ok: true; object: KubeObject } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'conflict'; current: KubeObject };

/** One write of an atomic unit (`Store.writeAll`). Each key at most once per unit. */
export type WriteOp =
  | { verb: 'create'; key: ObjectKey; object: KubeObject }
  | { verb: 'update'; key: ObjectKey; object: KubeObject; expectedRevision?: number }
  | { verb: 'delete'; key: ObjectKey; expectedRevision?: number };

/** Why a write of a unit was refused: as its verb answers alone, and `exists` for a create whose key is taken. */
export type WriteRefusal = Exclude<WriteResult, { ok: true }> | { ok: false; reason: 'exists'; current: KubeObject };

/** All written (`objects` in the order of the ops, as update and delete return them), or nothing, because of op `index`. */
export type WriteAllResult = { ok: true; objects: KubeObject[] } | { ok: false; index: number; result: WriteRefusal };

export interface WatchOptions {
  kind: string;
  namespace?: string;
  /** Deliver every change after this revision. */
  fromRevision: number;
  /** Which objects the watcher wants; a change that crosses the filter becomes ADDED/DELETED. */
  matches?: (object: KubeObject) => boolean;
  /** Events that may wait in the watcher's queue before it is closed as too slow. */
  maxQueue?: number;
}

export interface WatchEvent {
  /** BOOKMARK: no change, only progress — every change of the watch up to `revision` came before it. */
  type: ChangeType | 'BOOKMARK';
  /** For BOOKMARK, only `kind` and `metadata.resourceVersion`. */
  object: KubeObject;
  revision: number;
}

/** A running watch: an async stream of events; `close()` stops it. */
export interface Watch extends AsyncIterable<WatchEvent> {
  /**
   * Queues a BOOKMARK at the watch's progress: the latest revision it is known to be
   * current at (not merely its last event), so a quiet filtered watch resumes near now.
   */
  bookmark(): void;
  close(): void;
}

/** A batch condition for relation reads; each answers many parents in one query. */
export type Selection =
  | { by: 'key'; keys: { namespace: string; name: string }[] }
  | { by: 'field'; path: string; values: string[] }
  | { by: 'owner'; uids: string[] }
  | { by: 'label'; key: string; values: string[] }
  | { by: 'namespace'; namespaces: string[]; labelSelector?: LabelSelector; fieldSelector?: FieldSelector };

export interface Store {
  create(key: ObjectKey, object: KubeObject): Promise<KubeObject | undefined>;
  get(key: ObjectKey): Promise<KubeObject | undefined>;
  list(options: ListOptions): Promise<ListResult>;
  /** Every object of the kind that meets the batch condition (current state). */
  select(kind: string, selection: Selection): Promise<KubeObject[]>;
  /** Replaces the object when its current revision equals `expectedRevision` (or always, when absent). */
  update(key: ObjectKey, object: KubeObject, expectedRevision?: number): Promise<WriteResult>;
  delete(key: ObjectKey, expectedRevision?: number): Promise<WriteResult>;
  /** Several writes as one: every one happens (consecutive revisions, in order) or none does. */
  writeAll(ops: WriteOp[]): Promise<WriteAllResult>;
  watch(options: WatchOptions): Watch;
  /** Drops change records at or below `revision`; watches from before it fail with EXPIRED. */
  compact(revision: number): Promise<number>;
  currentRevision(): Promise<number>;
  close(): Promise<void>;
}
