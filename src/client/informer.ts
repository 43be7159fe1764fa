// An informer (client-go's reflector + shared informer): list a kind, then watch it from
// the list's resourceVersion, keeping an indexed local cache and telling handlers what
// changed. A watch that ends — the socket closed, the apiserver restarted — resumes from
// the last resourceVersion seen (bookmarks keep it current on quiet kinds) after a
// jittered, doubling wait; a watch answered EXPIRED (its revision compacted) relists, and
// the relist reconciles the cache: objects gone meanwhile are reported deleted.
import type { Clock } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { Cache, keyOf, type IndexFunc } from './cache.ts';
import type { Kind, KubeObjectOf, ResourceClient, WatchEvent } from './resources.ts';

export interface EventHandler<T> {
  onAdd?(object: T): void;
  onUpdate?(old: T, object: T): void;
  onDelete?(object: T): void;
}

export interface InformerOptions {
  clock: Clock;
  /** Only this namespace (namespaced kinds); absent: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per list page. @default 500 */
  pageSize?: number;
  /** First wait before resuming a failed list or watch (cluster time). @default 800 (client-go's) */
  initialBackoffMs?: number;
  /** @default 30000 (client-go's) */
  maxBackoffMs?: number;
  /** Where list and watch failures are reported (they are retried). */
  onError?: (error: unknown) => void;
}

type Ended = { expired: boolean; error?: unknown };

export class Informer<K extends Kind> {
  readonly cache: Cache<KubeObjectOf<K>>;
  private readonly handlers: EventHandler<KubeObjectOf<K>>[] = [];
  private resourceVersion = '';
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private stopped = true;
  private stopWatch?: () => void;
  private wake?: () => void;
  private running?: Promise<void>;

  constructor(
    readonly resource: ResourceClient<K>,
    private readonly options: InformerOptions,
  ) {
    this.cache = new Cache<KubeObjectOf<K>>();
  }

  get kind(): K {
    return this.resource.kind;
  }

  /** The resourceVersion the cache is current to. */
  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** The first list has been stored (and reported to the handlers). */
  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  addIndex(name: string, fn: IndexFunc<KubeObjectOf<K>>): void {
    this.cache.addIndex(name, fn);
  }

  /** Handlers added after the first list hear an onAdd for every object already cached. */
  addEventHandler(handler: EventHandler<KubeObjectOf<K>>): void {
    this.handlers.push(handler);
    if (this.synced) for (const o of this.cache.list()) handler.onAdd?.(o);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatch?.();
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    const initial = this.options.initialBackoffMs ?? 800;
    const max = this.options.maxBackoffMs ?? 30_000;
    let backoff = initial;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
          if (this.stopped) return;
        }
        const before = this.resourceVersion;
        const ended = await this.watchOnce();
        if (this.stopped) return;
        if (this.resourceVersion !== before) backoff = initial; // it made progress: the next failure starts over
        if (ended.expired) {
          this.options.onError?.(ended.error); // client-go logs it: "watch … ended with: too old resource version"
          needList = true;
          continue; // relist now, as client-go does on "too old resource version"
        }
        if (ended.error) this.options.onError?.(ended.error);
      } catch (err) {
        if (this.stopped) return;
        this.options.onError?.(err);
      }
      await this.pause(backoff * (0.5 + Math.random() / 2));
      backoff = Math.min(backoff * 2, max);
    }
  }

  /** Waits `ms` of cluster time, or until stopped. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.clock.after(ms, () => {
        this.wake = undefined;
        resolve();
      });
      this.wake = () => {
        timer.stop();
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Lists every page and makes the cache equal to it, reporting the differences. */
  private async relist(): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    const list = await this.resource.listAll(
      { ...(namespace ? { namespace } : { allNamespaces: true }), labelSelector, fieldSelector },
      this.options.pageSize ?? 500,
    );
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const object of list.items) {
      seen.add(keyOf(object));
      this.store(object);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const gone = this.cache.remove(key)!;
      for (const h of this.handlers) h.onDelete?.(gone);
    }
    this.resourceVersion = list.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private store(object: KubeObjectOf<K>): void {
    const old = this.cache.get(keyOf(object));
    if (old && Number(old.metadata.resourceVersion) >= Number(object.metadata.resourceVersion)) return; // already seen
    this.cache.put(object);
    for (const h of this.handlers) {
      if (old) h.onUpdate?.(old, object);
      else h.onAdd?.(object);
    }
  }

  /** Watches from the cache's resourceVersion until the watch ends; says how it ended. */
  private watchOnce(): Promise<Ended> {
    return new Promise<Ended>((resolve) => {
      const { namespace, labelSelector, fieldSelector } = this.options;
      let done = false;
      const end = (ended: Ended) => {
        if (done) return;
        done = true;
        this.stopWatch = undefined;
        unsubscribe();
        resolve(ended);
      };
      const unsubscribe = this.resource.watch(
        { namespace: namespace ?? null, labelSelector, fieldSelector, resourceVersion: this.resourceVersion, allowBookmarks: true },
        {
          next: (event) => this.apply(event),
          error: (error) => end({ expired: error instanceof ApiError && error.code === ErrorCode.EXPIRED, error }),
          complete: () => end({ expired: false }),
        },
      );
      this.stopWatch = () => end({ expired: false });
    });
  }

  private apply(event: WatchEvent<KubeObjectOf<K>>): void {
    const rv = event.object.metadata.resourceVersion;
    if (event.type === 'DELETED') {
      const gone = this.cache.remove(keyOf(event.object));
      if (gone) for (const h of this.handlers) h.onDelete?.(event.object);
    } else if (event.type !== 'BOOKMARK') {
      this.store(event.object);
    }
    if (rv && Number(rv) > Number(this.resourceVersion || 0)) this.resourceVersion = rv;
  }
}
