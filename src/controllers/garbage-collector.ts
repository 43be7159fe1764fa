// The garbage collector (pkg/controller/garbagecollector): deletion that follows
// ownerReferences, for every kind that can be owned.
//
// Its graph is the shared informers' caches (the `ownerUid` index gives an owner's
// dependents). What it does, as Kubernetes does it:
// - background: an object all of whose owners are gone (absent, or present with another
//   uid) is garbage and is deleted; each owner's absence is confirmed by a live GET first,
//   and the delete carries the object's uid and resourceVersion as preconditions;
// - foreground: an owner being deleted with the `foregroundDeletion` finalizer has its
//   dependents deleted (those that have dependents of their own, in the foreground too);
//   once no dependent with `blockOwnerDeletion` is left, the finalizer is removed;
// - orphan: an owner being deleted with the `orphan` finalizer has its reference removed
//   from every dependent, then the finalizer;
// - an object with a live owner keeps it: only its dangling references are removed (and
//   its references to owners being deleted in the foreground stop blocking them).
// Events are not watched (Kubernetes' default ignoredResources).
import { LRUCache } from 'lru-cache';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { kindInfo, KINDS } from '../client/kinds.ts';
import type { Client } from '../client/client.ts';
import { Controller, type Result } from '../client/controller.ts';
import type { Informer } from '../client/informer.ts';
import type { AnyObject, Kind } from '../client/resources.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';
import type { EventRecorder } from '../client/event-recorder.ts';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
const COMPONENT = 'garbage-collector-controller';
/** How often a finalizer removal or a reference patch is retried on CONFLICT before the item is requeued. */
const CONFLICT_RETRIES = 5;

/** Every kind whose objects can be owned or own others: all of kubeql's but Events. */
export const GC_KINDS: readonly Kind[] = KINDS.map((k) => k.kind as Kind).filter((k) => k !== 'Event');

/** An object's identity in the graph: kind, namespace, name and uid. */
interface Identity {
  kind: Kind;
  namespace?: string;
  name: string;
  uid: string;
}

const encode = (id: Identity): string => JSON.stringify([id.kind, id.namespace ?? '', id.name, id.uid]);
const decode = (key: string): Identity => {
  const [kind, namespace, name, uid] = JSON.parse(key) as [Kind, string, string, string];
  return { kind, namespace: namespace || undefined, name, uid };
};
const identityOf = (o: AnyObject): Identity => ({ kind: o.kind, namespace: o.metadata.namespace ?? undefined, name: o.metadata.name, uid: o.metadata.uid });

const hasFinalizer = (o: AnyObject, f: string) => (o.metadata.finalizers ?? []).includes(f);
/** isDeletingDependents: being deleted in the foreground, waiting for its dependents. */
const deletingDependents = (o: AnyObject) => Boolean(o.metadata.deletionTimestamp) && hasFinalizer(o, FOREGROUND_FINALIZER);
const orphaningDependents = (o: AnyObject) => Boolean(o.metadata.deletionTimestamp) && hasFinalizer(o, ORPHAN_FINALIZER);
const isApiError = (e: unknown, code: ErrorCode) => e instanceof ApiError && e.code === code;
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** The kubeql kind an ownerReference names (same kind and API group), if served. */
function ownerKind(ref: OwnerReference): Kind | undefined {
  const info = kindInfo(ref.kind);
  return info && groupOf(info.apiVersion) === groupOf(ref.apiVersion) ? (info.kind as Kind) : undefined;
}

type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unresolvable';

export class GarbageCollector {
  readonly controller: Controller<string>;
  /** Owners confirmed absent by a live read (uid → true), so a mass deletion asks once per owner. */
  private readonly absentOwners = new LRUCache<string, true>({ max: 500 });

  constructor(
    private readonly client: Client,
    private readonly informers: ReadonlyMap<Kind, Informer<Kind>>,
    private readonly recorder: EventRecorder,
    options: { clock: ControllerContext['clock']; workers?: number; onError?: (key: string, error: unknown) => void },
  ) {
    // --concurrent-gc-syncs defaults to 20.
    this.controller = new Controller<string>('garbage-collector', this, { clock: options.clock, workers: options.workers ?? 20, onError: options.onError });
    for (const informer of informers.values()) {
      informer.addEventHandler({
        onAdd: (o) => this.observe(undefined, o as AnyObject),
        onUpdate: (old, o) => this.observe(old as AnyObject, o as AnyObject),
        onDelete: (o) => this.gone(o as AnyObject),
      });
    }
  }

  private enqueue(o: AnyObject | Identity): void {
    this.controller.enqueue(encode('metadata' in o ? identityOf(o) : o));
  }

  /** The cached object an ownerReference points at (same uid), if its kind is watched. */
  private cachedOwner(ref: OwnerReference, namespace: string | undefined): AnyObject | undefined | null {
    const kind = ownerKind(ref);
    const informer = kind && this.informers.get(kind);
    if (!kind || !informer) return null; // not resolvable here
    const ns = kindInfo(kind)!.namespaced ? namespace : undefined;
    const owner = informer.cache.get(ns ? `${ns}/${ref.name}` : ref.name) as AnyObject | undefined;
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  /** Every cached object with an ownerReference to `uid`. */
  private dependentsOf(uid: string): AnyObject[] {
    const out: AnyObject[] = [];
    for (const informer of this.informers.values()) out.push(...(informer.cache.byIndex('ownerUid', uid) as AnyObject[]));
    return out;
  }

  /** processGraphChanges for adds and updates. */
  private observe(old: AnyObject | undefined, o: AnyObject): void {
    const ns = o.metadata.namespace ?? undefined;
    // An owner that starts waiting for its dependents (foreground) or orphaning them.
    if (deletingDependents(o) || orphaningDependents(o)) {
      this.enqueue(o);
      if (deletingDependents(o) && !(old && deletingDependents(old))) for (const d of this.dependentsOf(o.metadata.uid)) this.enqueue(d);
    }
    // A dependent with an owner that is not (or no longer) there, or being deleted in the foreground.
    for (const ref of o.metadata.ownerReferences ?? []) {
      const owner = this.cachedOwner(ref, ns);
      if (owner === undefined || (owner && deletingDependents(owner))) {
        this.enqueue(o);
        break;
      }
    }
    // References removed or unblocked: an owner waiting for its blocking dependents may go on.
    if (old && JSON.stringify(old.metadata.ownerReferences ?? []) !== JSON.stringify(o.metadata.ownerReferences ?? [])) {
      for (const ref of old.metadata.ownerReferences ?? []) {
        const owner = this.cachedOwner(ref, ns);
        if (owner && deletingDependents(owner)) this.enqueue(owner);
      }
    }
    // A dependent that starts terminating no longer needs deleting, but its owners wait for it to be gone.
  }

  /** processGraphChanges for deletions: the dependents may now be garbage; waiting owners may go on. */
  private gone(o: AnyObject): void {
    for (const d of this.dependentsOf(o.metadata.uid)) this.enqueue(d);
    for (const ref of o.metadata.ownerReferences ?? []) {
      const owner = this.cachedOwner(ref, o.metadata.namespace ?? undefined);
      if (owner && (deletingDependents(owner) || orphaningDependents(owner))) this.enqueue(owner);
    }
  }

  // ---- attemptToDeleteItem / attemptToOrphan ------------------------------------------

  async reconcile(key: string): Promise<Result | void> {
    const id = decode(key);
    const latest = (await this.client.resource(id.kind).get(id.namespace, id.name)) as AnyObject | null;
    if (!latest || latest.metadata.uid !== id.uid) return; // gone (its deletion reaches the graph by the watch)
    if (latest.metadata.deletionTimestamp) {
      if (hasFinalizer(latest, ORPHAN_FINALIZER)) await this.orphanDependents(latest);
      else if (hasFinalizer(latest, FOREGROUND_FINALIZER)) await this.processDeletingDependents(latest);
      return; // otherwise already on its way out
    }
    const refs = latest.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const states = await Promise.all(refs.map((ref) => this.classify(latest, ref)));
    const solid = refs.filter((_, i) => states[i] === 'solid' || states[i] === 'unresolvable');
    const dangling = refs.filter((_, i) => states[i] === 'dangling');
    const waiting = refs.filter((_, i) => states[i] === 'waiting');
    if (solid.length) {
      // It stays; drop the references to owners that are gone, and stop blocking owners waiting on it.
      if (dangling.length || waiting.some((r) => r.blockOwnerDeletion)) {
        const goneUids = new Set(dangling.map((r) => r.uid));
        const waitingUids = new Set(waiting.map((r) => r.uid));
        await this.patchOwnerReferences(latest, (current) =>
          current.filter((r) => !goneUids.has(r.uid)).map((r) => (waitingUids.has(r.uid) ? { ...r, blockOwnerDeletion: false } : r)),
        );
      }
      return;
    }
    const dependents = this.dependentsOf(latest.metadata.uid);
    if (waiting.length && dependents.length) {
      // Its owner waits in the foreground and it has dependents of its own: delete it in the
      // foreground too. If one of those already waits on it, unblock the owners first (a cycle).
      if (dependents.some(deletingDependents)) {
        const waitingUids = new Set(waiting.map((r) => r.uid));
        await this.patchOwnerReferences(latest, (current) => current.map((r) => (waitingUids.has(r.uid) ? { ...r, blockOwnerDeletion: false } : r)));
      }
      await this.deleteObject(latest, 'FOREGROUND');
      return;
    }
    const policy = hasFinalizer(latest, ORPHAN_FINALIZER) ? 'ORPHAN' : hasFinalizer(latest, FOREGROUND_FINALIZER) ? 'FOREGROUND' : 'BACKGROUND';
    await this.deleteObject(latest, policy);
  }

  /** isDangling, and whether a live owner waits for its dependents. */
  private async classify(dependent: AnyObject, ref: OwnerReference): Promise<OwnerState> {
    const kind = ownerKind(ref);
    if (!kind) return 'unresolvable'; // not a kind this cluster serves: never guessed to be gone
    const info = kindInfo(kind)!;
    const dependentNamespaced = Boolean(dependent.metadata.namespace);
    if (info.namespaced && !dependentNamespaced) {
      // A cluster-scoped object cannot be owned by a namespaced one: the reference counts as absent.
      this.recorder.event(
        dependent,
        'Warning',
        'OwnerRefInvalidNamespace',
        `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`,
      );
      return 'dangling';
    }
    if (this.absentOwners.has(ref.uid)) return 'dangling';
    const owner = (await this.client
      .resource(kind)
      .get(info.namespaced ? (dependent.metadata.namespace ?? undefined) : undefined, ref.name)) as AnyObject | null;
    if (!owner || owner.metadata.uid !== ref.uid) {
      this.absentOwners.set(ref.uid, true);
      return 'dangling';
    }
    return deletingDependents(owner) ? 'waiting' : 'solid';
  }

  /** processDeletingDependentsItem: the owner goes once no blocking dependent is left. */
  private async processDeletingDependents(owner: AnyObject): Promise<void> {
    const blocking = this.dependentsOf(owner.metadata.uid).filter((d) =>
      (d.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion === true),
    );
    if (!blocking.length) {
      await this.removeFinalizer(owner, FOREGROUND_FINALIZER);
      return;
    }
    for (const d of blocking) if (!deletingDependents(d)) this.enqueue(d);
    // The owner is enqueued again when one of them is gone or stops blocking (gone / observe).
  }

  /** attemptToOrphanWorker: every dependent loses its reference to the owner, then the owner its finalizer. */
  private async orphanDependents(owner: AnyObject): Promise<void> {
    const uid = owner.metadata.uid;
    const results = await Promise.allSettled(
      this.dependentsOf(uid).map((d) => this.patchOwnerReferences(d, (current) => current.filter((r) => r.uid !== uid))),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await this.removeFinalizer(owner, ORPHAN_FINALIZER);
  }

  /** deleteObject: with the uid and resourceVersion it was judged at, so a changed object is judged again. */
  private async deleteObject(o: AnyObject, policy: 'BACKGROUND' | 'FOREGROUND' | 'ORPHAN'): Promise<void> {
    try {
      await this.client.resource(o.kind).delete(o.metadata.namespace ?? undefined, o.metadata.name, {
        propagationPolicy: policy,
        preconditions: { uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion },
      });
    } catch (error) {
      if (isApiError(error, ErrorCode.NOT_FOUND)) return;
      throw error; // CONFLICT included: requeued and judged again on a fresh read
    }
  }

  /** A read-modify-write of an object's ownerReferences, compare-and-swap on its resourceVersion. */
  private patchOwnerReferences(o: AnyObject, change: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    return this.patchMetadata(o, (current) => {
      const refs = current.metadata.ownerReferences ?? [];
      const next = change(refs);
      return JSON.stringify(next) === JSON.stringify(refs) ? undefined : { ownerReferences: next.length ? next : null };
    });
  }

  /** removeFinalizer: a merge patch of the finalizers with the resourceVersion, retried on CONFLICT. */
  private removeFinalizer(o: AnyObject, finalizer: string): Promise<void> {
    return this.patchMetadata(o, (current) => {
      if (!hasFinalizer(current, finalizer)) return undefined;
      const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      return { finalizers: finalizers.length ? finalizers : null };
    });
  }

  /**
   * A merge patch of metadata computed from the object as it stands (undefined: nothing to
   * do), guarded by its resourceVersion; on CONFLICT computed again from a fresh read. An
   * object gone, or replaced by another of the same name, needs nothing.
   */
  private async patchMetadata(o: AnyObject, compute: (current: AnyObject) => Record<string, unknown> | undefined): Promise<void> {
    let current: AnyObject | null = o;
    for (let attempt = 0; current; attempt++) {
      const metadata = compute(current);
      if (!metadata) return;
      try {
        await this.client.resource(current.kind).patch(current.metadata.namespace ?? undefined, current.metadata.name, {
          metadata: { ...metadata, resourceVersion: current.metadata.resourceVersion },
        });
        return;
      } catch (error) {
        if (isApiError(error, ErrorCode.NOT_FOUND)) return;
        if (!isApiError(error, ErrorCode.CONFLICT) || attempt >= CONFLICT_RETRIES) throw error;
      }
      const fresh: AnyObject | null = (await this.client.resource(o.kind).get(o.metadata.namespace ?? undefined, o.metadata.name)) as AnyObject | null;
      current = fresh && fresh.metadata.uid === o.metadata.uid ? fresh : null;
    }
  }
}

export const garbageCollector: ControllerDescriptor = {
  name: 'garbage-collector',
  start(context: ControllerContext): RunningController {
    const informers = new Map<Kind, Informer<Kind>>();
    for (const kind of GC_KINDS) informers.set(kind, context.informers.informerFor(kind) as unknown as Informer<Kind>);
    const gc = new GarbageCollector(context.client, informers, context.recorder(COMPONENT), {
      clock: context.clock,
      onError: (key, error) => context.log.error('garbage-collector: item failed', { key, error: String(error) }),
    });
    let stopped = false;
    // Act only on a complete graph: every watched kind listed.
    void Promise.all([...informers.values()].map((i) => i.waitForSync())).then(() => {
      if (!stopped) gc.controller.start();
    });
    return {
      async stop() {
        stopped = true;
        await gc.controller.stop();
      },
    };
  },
};
