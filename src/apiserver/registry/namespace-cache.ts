// The namespace lifecycle check of namespaced creates (kube-apiserver's NamespaceLifecycle
// admission plugin): the namespace must exist and must not be terminating. Answered from
// a cache of the Namespaces — a list, then a watch from the list's revision — rather
// than a store read per create.
//
// Read your writes: this apiserver's own Namespace writes reach the cache as they
// commit (observe(), from the registry's `written` hook), so a create right after the
// namespace's creation — or its deletion — by the same apiserver sees it. A namespace
// the cache does not hold (created a moment ago by another apiserver, not yet delivered
// by the watch) is read from the store; only "exists" answers come from the cache. Like
// kube-apiserver's, the cache may learn of another apiserver's deletion a moment late.
import type { KubeObject } from '../../apis/kinds.ts';
import { ApiError, ErrorCode, notFound } from '../../apimachinery/errors.ts';
import type { ChangeType, Store, Watch } from '../../store/index.ts';
import { listEvery } from '../../store/list-every.ts';
import { realClock, retryWithBackoff, type Clock } from '../../apimachinery/clock.ts';

const KIND = 'Namespace';

/** What the registry asks before a namespaced create. */
export interface NamespaceLifecycle {
  /** Throws NOT_FOUND when the namespace does not exist, FORBIDDEN while it terminates. */
  admit(resource: string, namespace: string): Promise<void>;
  /** The namespace an object to be created would be (applyAll creates a namespace and its contents together). */
  declares?(object: KubeObject): string | undefined;
}

/** What the cache knows of one namespace, as of `revision`; `gone` once it was deleted. */
interface Entry {
  revision: number;
  gone: boolean;
  terminating: boolean;
}

export class NamespaceCache implements NamespaceLifecycle {
  declares(object: KubeObject): string | undefined {
    return object.kind === KIND ? object.metadata.name : undefined;
  }

  private entries = new Map<string, Entry>();
  /** The cache follows the store (listed, and its watch is running): its entries may be trusted. */
  private synced = false;
  private stopped = false;
  private watch: Watch | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = realClock(),
  ) {}

  /** Lists the Namespaces and follows them from there; until it resolves, every check reads the store. */
  async start(): Promise<void> {
    const listed = new Map<string, Entry>();
    const { items, revision } = await listEvery(this.store, KIND);
    for (const ns of items) listed.set(ns.metadata.name!, entryOf(ns, 'ADDED', Number(ns.metadata.resourceVersion)));
    if (this.stopped) return;
    // Writes observed while listing, newer than the list, stay.
    for (const [name, e] of this.entries) if (e.revision > revision) listed.set(name, e);
    this.entries = listed;
    const watch = this.store.watch({ kind: KIND, fromRevision: revision });
    this.watch = watch;
    this.synced = true;
    void this.follow(watch);
  }

  private async follow(watch: Watch): Promise<void> {
    try {
      for await (const event of watch) {
        const type: string = event.type;
        if (type !== 'BOOKMARK') this.apply(type as ChangeType, event.object, event.revision, true);
      }
    } catch {
      // EXPIRED or the store away: relist below
    }
    if (this.stopped || watch !== this.watch) return;
    this.synced = false;
    await retryWithBackoff(
      this.clock,
      () => this.start(),
      () => this.stopped,
    );
  }

  /** A Namespace write this apiserver committed (the registry's `written` hook); other kinds are ignored. */
  observe(object: KubeObject, type: ChangeType): void {
    if (object.kind !== KIND || !object.metadata.name) return;
    this.apply(type, object, Number(object.metadata.resourceVersion), false);
  }

  private apply(type: ChangeType, object: KubeObject, revision: number, fromWatch: boolean): void {
    const name = object.metadata.name!;
    const current = this.entries.get(name);
    if (current && current.revision >= revision) {
      // The watch has caught up with a deletion this apiserver wrote: the tombstone has served.
      if (fromWatch && current.gone && current.revision === revision) this.entries.delete(name);
      return;
    }
    if (type === 'DELETED' && fromWatch) this.entries.delete(name);
    else this.entries.set(name, entryOf(object, type, revision));
  }

  async admit(resource: string, namespace: string): Promise<void> {
    const cached = this.synced ? this.entries.get(namespace) : undefined;
    let terminating: boolean;
    if (cached && !cached.gone) {
      terminating = cached.terminating;
    } else {
      const ns = await this.store.get({ kind: KIND, namespace: '', name: namespace });
      if (!ns) throw notFound('namespaces', namespace);
      terminating = Boolean(ns.metadata.deletionTimestamp);
    }
    if (terminating) {
      throw new ApiError(
        ErrorCode.FORBIDDEN,
        `${resource} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /** Ends the watch; checks read the store from then on. */
  stop(): void {
    this.stopped = true;
    this.synced = false;
    this.watch?.close();
    this.watch = undefined;
  }
}

function entryOf(ns: KubeObject, type: ChangeType, revision: number): Entry {
  return { revision, gone: type === 'DELETED', terminating: Boolean(ns.metadata.deletionTimestamp) };
}
