// Watch fan-out for one apiserver process. The hub follows the change log in
// revision order — from memory for what this process committed (deliver), from the
// database for the rest (woken by NOTIFY from other processes, with a slow poll as a
// safety net) — keeps a window of recent changes in memory, and hands each change to
// the watchers of its kind. A watcher that starts behind the window pages its history
// out of the change log, as fast as its client reads, until it reaches the window; it
// buffers nothing while it does, so there is no gap, no duplicate and no unbounded queue.
import { LRUCache } from 'lru-cache';
import type { KubeObject } from '../apis/kinds.ts';
import { expired } from '../apimachinery/errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { completeLogger, consoleLogger, type Logger, type PartialLogger } from '../observability/log.ts';
import { compactRevision } from './compact.ts';
import { liveHubs } from './metrics.ts';
import { fromRow, type SecretCodec } from './objects.ts';
import type { Change, ChangeType, ObjectKey, Watch, WatchEvent, WatchOptions } from './types.ts';

export interface WatchHubOptions {
  /** Recent changes kept in memory for watchers that resume (the watch cache). @default 10000 */
  windowSize?: number;
  /** How often to look for changes when no notification came. @default 1000 */
  pollIntervalMs?: number;
  /** Changes read from the log per query (the hub's drain and a watcher's replay page). @default 1000 */
  batchSize?: number;
  /** Objects whose latest dispatched state is kept for optimistic updates (`recent`). @default 50000 */
  recentSize?: number;
  /** Where the hub reports change-log read failures; levels the logger lacks are dropped. @default consoleLogger */
  log?: PartialLogger;
}

/** Events that may wait in a watcher's queue before it is closed as too slow. */
const DEFAULT_MAX_QUEUE = 100_000;

const tooOld = (rev: number, compacted: number) => expired(`too old resource version: ${rev} (${compacted})`);

export class WatchHub {
  private dispatched = 0;
  /** The newest revision known to be committed (this process's deliveries, NOTIFY payloads, log reads): the hub's lag is this minus dispatched. */
  private committed = 0;
  private compacted = 0;
  private readonly window: Change[] = [];
  private readonly watchers = new Map<string, Set<Watcher>>();
  /** Changes committed by this process, waiting for an earlier revision to be dispatched. */
  private readonly delivered = new Map<number, Change>();
  /** The latest dispatched state of recently written objects (deleted ones are dropped). */
  private readonly latest: LRUCache<string, KubeObject>;
  private fetching: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failing = false;
  private readonly windowSize: number;
  private readonly batchSize: number;
  private readonly log: Logger;

  /** `codec` opens sealed Secrets read from the log. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: WatchHubOptions = {},
    private readonly codec?: SecretCodec,
  ) {
    this.windowSize = options.windowSize ?? 10_000;
    this.batchSize = options.batchSize ?? 1000;
    this.log = completeLogger(options.log ?? consoleLogger);
    this.latest = new LRUCache({ max: options.recentSize ?? 50_000 });
  }

  /**
   * The object as this hub last dispatched it, if it did recently: what kube-apiserver's
   * GuaranteedUpdate takes from its watch cache. It may be stale (another apiserver's
   * write not yet read), so it is only good for an optimistic compare-and-swap, whose
   * failure hands back the current object.
   */
  recent(key: ObjectKey): KubeObject | undefined {
    return this.latest.get(latestKey(key.kind, key.namespace, key.name));
  }

  async start(): Promise<void> {
    const row = await this.prisma.cluster.findUniqueOrThrow({ where: { id: 1 } });
    this.dispatched = this.committed = Number(row.revision);
    liveHubs.add(this);
    this.compacted = Number(row.compactRevision);
    const interval = this.options.pollIntervalMs ?? 1000;
    this.timer = setInterval(() => this.poke(), interval);
    this.timer.unref();
  }

  /** Something may have been written: read the log past what was dispatched. */
  poke(): void {
    if (this.closed) return;
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = this.drain().finally(() => {
      this.fetching = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  /**
   * Changes this process has just committed (consecutive revisions, in order, each with
   * its previous state): dispatched from memory when they follow what was dispatched,
   * so the hub does not read back from the database what it wrote itself.
   */
  deliver(changes: Change[]): void {
    if (this.closed) return;
    for (const c of changes) {
      if (c.revision > this.committed) this.committed = c.revision;
      if (c.revision > this.dispatched) this.delivered.set(c.revision, c);
    }
    this.flushDelivered();
    if (this.delivered.size) this.poke(); // another process committed in between: read that from the log
  }

  /**
   * A NOTIFY: some process committed up to the revision in `payload`. This process's own
   * writes come back this way too, already delivered: only a revision past what was
   * dispatched (or no revision: a reconnected listener catching up) needs a read.
   */
  notified(payload: string): void {
    const revision = Number(payload);
    if (Number.isSafeInteger(revision) && revision > this.committed) this.committed = revision;
    if (!payload || !Number.isSafeInteger(revision) || revision > this.dispatched) this.poke();
  }

  /** Resolves once every change up to `revision` has been dispatched. */
  async waitFor(revision: number): Promise<void> {
    while (this.dispatched < revision && !this.closed) {
      this.poke();
      await (this.fetching ?? new Promise((r) => setTimeout(r, 5)));
    }
  }

  /** The newest revision every watcher has been offered: the hub's progress. */
  get revision(): number {
    return this.dispatched;
  }

  /** The newest revision known to be committed (metrics: the hub's lag behind it). */
  get committedRevision(): number {
    return Math.max(this.committed, this.dispatched);
  }

  /** Watchers per kind (apiserver_registered_watchers). */
  watcherCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [kind, set] of this.watchers) if (set.size) counts.set(kind, set.size);
    return counts;
  }

  /** Called by the local compactor so that watches below the point fail at once. */
  noteCompacted(revision: number): void {
    this.compacted = Math.max(this.compacted, revision);
    while (this.window.length && this.window[0].revision <= revision) this.window.shift();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // What this process delivered itself is not read back: stop below it.
        const below = this.delivered.size ? Math.min(...this.delivered.keys()) : undefined;
        const rows = await this.prisma.change.findMany({
          where: { revision: below === undefined ? { gt: this.dispatched } : { gt: this.dispatched, lt: below } },
          orderBy: { revision: 'asc' },
          take: this.batchSize,
        });
        for (const row of rows) {
          const revision = Number(row.revision);
          if (revision <= this.dispatched) continue; // delivered from memory meanwhile
          // Revisions have no holes (commit order is revision order): a hole was compacted away.
          if (revision > this.dispatched + 1) this.lost(revision - 1);
          let change: Change;
          try {
            change = toChange(row, this.codec);
          } catch (err) {
            this.unreadable(row, err instanceof Error ? err : new Error(String(err)));
            continue;
          }
          this.dispatch(change);
        }
        if (below !== undefined && rows.length < this.batchSize && this.dispatched < below - 1) this.lost(below - 1);
        this.flushDelivered();
        if (rows.length < this.batchSize) break;
      }
      if (this.failing) this.log.info('watch hub: reading the change log works again');
      this.failing = false;
    } catch (err) {
      // Once per outage, not once a second while the store is down.
      if (!this.closed && !this.failing) this.log.error('watch hub: reading the change log failed; retrying on every poll', { error: String(err) });
      this.failing = true;
    }
  }

  private flushDelivered(): void {
    for (let next = this.delivered.get(this.dispatched + 1); next; next = this.delivered.get(this.dispatched + 1)) {
      this.delivered.delete(next.revision);
      this.dispatch(next);
    }
    for (const revision of this.delivered.keys()) if (revision <= this.dispatched) this.delivered.delete(revision);
  }

  /**
   * The change log no longer holds (dispatched, upTo]: compacted before this hub read it.
   * Live watchers cannot be told what they missed, so they end with EXPIRED and relist.
   */
  private lost(upTo: number): void {
    const error = tooOld(this.dispatched, upTo);
    for (const set of this.watchers.values()) for (const w of set) if (w.isLive) w.fail(error);
    this.window.length = 0;
    this.latest.clear();
    this.dispatched = upTo;
    this.compacted = Math.max(this.compacted, upTo);
  }

  /**
   * A change this hub cannot open — a Secret sealed with a key this apiserver does not
   * have — must not stop the fan-out of every other kind. Its kind's live watchers end
   * with the error; the window is dropped, so that watchers resuming from before it read
   * the log (and meet the error there) instead of a window with a hole.
   */
  private unreadable(row: { revision: bigint; kind: string; namespace: string; name: string }, error: Error): void {
    this.log.error('watch hub: a change cannot be read', { revision: Number(row.revision), kind: row.kind, error: error.message });
    this.dispatched = Number(row.revision);
    this.latest.delete(latestKey(row.kind, row.namespace, row.name));
    this.window.length = 0;
    const set = this.watchers.get(row.kind);
    if (set) for (const w of set) if (w.isLive) w.fail(error);
  }

  private dispatch(change: Change): void {
    this.dispatched = change.revision;
    const key = latestKey(change.kind, change.namespace, change.name);
    if (change.type === 'DELETED') this.latest.delete(key);
    else this.latest.set(key, change.object);
    this.window.push(change);
    if (this.window.length > this.windowSize) this.window.shift();
    const set = this.watchers.get(change.kind);
    if (set) for (const w of set) w.offer(change);
  }

  watch(options: WatchOptions): Watch {
    const watcher = new Watcher(
      options,
      () => this.dispatched,
      () => this.watchers.get(options.kind)?.delete(watcher),
    );
    let set = this.watchers.get(options.kind);
    if (!set) this.watchers.set(options.kind, (set = new Set()));
    set.add(watcher);
    if (options.fromRevision < this.compacted) watcher.fail(tooOld(options.fromRevision, this.compacted));
    else void this.catchUp(watcher, options.fromRevision);
    return watcher;
  }

  /**
   * Brings a watcher from `from` to live: from the window when it covers the rest,
   * otherwise one page of the log at a time, each read only once the client has taken
   * most of the previous one. The switch to live happens in the same tick as the last
   * read of the window, so no change falls between them.
   */
  private async catchUp(watcher: Watcher, from: number): Promise<void> {
    // A page and the one before it fit in the watcher's queue together.
    const page = Math.max(1, Math.min(this.batchSize, Math.floor(watcher.maxQueue / 2)));
    try {
      for (let after = from; ; ) {
        if (watcher.isDone) return;
        if (after >= this.dispatched) return watcher.goLive([]);
        if (this.window.length && this.window[0].revision <= after + 1) {
          return watcher.goLive(this.window.filter((c) => c.revision > after && c.kind === watcher.kind));
        }
        const upTo = this.dispatched;
        const rows = await this.prisma.change.findMany({
          where: { kind: watcher.kind, revision: { gt: after, lte: upTo } },
          orderBy: { revision: 'asc' },
          take: page,
        });
        // Read after the page: a compaction that raced the read is seen here.
        const compacted = await compactRevision(this.prisma);
        if (after < compacted) throw tooOld(after, compacted);
        for (const row of rows) watcher.replay(toChange(row, this.codec));
        after = rows.length < page ? upTo : Number(rows[rows.length - 1].revision);
        watcher.replayedTo(after);
        await watcher.drained(page);
      }
    } catch (err) {
      watcher.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    liveHubs.delete(this);
    if (this.timer) clearInterval(this.timer);
    for (const set of this.watchers.values()) for (const w of set) w.close();
    await this.fetching;
  }
}

const latestKey = (kind: string, namespace: string, name: string) => `${kind}\0${namespace}\0${name}`;

function toChange(
  row: { revision: bigint; kind: string; namespace: string; name: string; type: string; object: unknown; prevObject: unknown; prevRevision: bigint | null },
  codec: SecretCodec | undefined,
): Change {
  return {
    revision: Number(row.revision),
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    type: row.type as ChangeType,
    object: fromRow(row.object, row.revision, codec),
    prevObject: row.prevObject ? fromRow(row.prevObject, row.prevRevision ?? 0, codec) : undefined,
  };
}

/** Kubernetes' filtered-watch semantics: crossing the filter is ADDED or DELETED; other kinds and namespaces are not seen. */
function eventFor(change: Change, options: WatchOptions): WatchEvent | undefined {
  if (change.kind !== options.kind) return undefined;
  if (options.namespace !== undefined && change.namespace !== options.namespace) return undefined;
  const match = options.matches ?? (() => true);
  const now = change.type !== 'DELETED' && match(change.object);
  const before = change.type === 'DELETED' ? match(change.object) : change.prevObject !== undefined && match(change.prevObject);
  const type: ChangeType | undefined = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
  return type && { type, object: change.object, revision: change.revision };
}

type State = 'replaying' | 'live' | 'done';

class Watcher implements Watch {
  readonly kind: string;
  private state: State = 'replaying';
  private readonly queue: WatchEvent[] = [];
  private head = 0;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private onDrained: { below: number; resolve: () => void } | undefined;
  /** The newest revision whose change was considered (delivered or filtered out). */
  private last: number;
  readonly maxQueue: number;

  constructor(
    private readonly options: WatchOptions,
    private readonly hubRevision: () => number,
    private readonly detach: () => void,
  ) {
    this.kind = options.kind;
    this.last = options.fromRevision;
    this.maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  }

  get isLive(): boolean {
    return this.state === 'live';
  }

  get isDone(): boolean {
    return this.state === 'done';
  }

  /** A live change from the hub; while replaying, the replay will read it from the log or the window. */
  offer(change: Change): void {
    if (this.state === 'live') this.push(change);
  }

  replay(change: Change): void {
    if (this.state === 'replaying') this.push(change);
  }

  /** The replay has considered every change up to `revision`. */
  replayedTo(revision: number): void {
    if (this.state === 'replaying') this.last = Math.max(this.last, revision);
  }

  goLive(rest: Change[]): void {
    if (this.state !== 'replaying') return;
    for (const c of rest) this.push(c);
    if (this.state === 'replaying') this.state = 'live';
  }

  /** Resolves when at most `below` events wait (or the watch ended): the replay's back-pressure. */
  drained(below: number): Promise<void> {
    if (this.state === 'done' || this.pending() <= below) return Promise.resolve();
    return new Promise((resolve) => (this.onDrained = { below, resolve }));
  }

  private pending(): number {
    return this.queue.length - this.head;
  }

  /** How far this watch is known to be current: the hub's progress once live. */
  private progress(): number {
    return this.state === 'live' ? Math.max(this.last, this.hubRevision()) : this.last;
  }

  bookmark(): void {
    if (this.state === 'done') return;
    const revision = this.progress();
    this.enqueue({ type: 'BOOKMARK', revision, object: { kind: this.kind, metadata: { resourceVersion: String(revision) } } as WatchEvent['object'] });
  }

  private push(change: Change): void {
    if (change.revision <= this.last) return; // never twice, never backwards
    this.last = change.revision;
    const event = eventFor(change, this.options);
    if (event) this.enqueue(event);
  }

  private enqueue(event: WatchEvent): void {
    if (this.pending() >= this.maxQueue) {
      this.fail(expired('watch closed: the client is too slow to keep up; resume from the last resourceVersion it saw'));
      return;
    }
    this.queue.push(event);
    this.wake?.();
  }

  fail(error: Error): void {
    if (this.state === 'done') return;
    this.error = error;
    this.finish();
  }

  close(): void {
    if (this.state !== 'done') this.finish();
  }

  private finish(): void {
    this.state = 'done';
    this.detach();
    this.wake?.();
    this.onDrained?.resolve();
    this.onDrained = undefined;
  }

  private take(): WatchEvent {
    const value = this.queue[this.head];
    this.queue[this.head++] = undefined as unknown as WatchEvent;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.onDrained && this.pending() <= this.onDrained.below) {
      const { resolve } = this.onDrained;
      this.onDrained = undefined;
      resolve();
    }
    return value;
  }

  // A hand-written iterator rather than an async generator: `return()` must end a
  // watch at once, even while `next()` waits for an event that may never come.
  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: async () => {
        for (;;) {
          if (this.head < this.queue.length) return { value: this.take(), done: false };
          if (this.state === 'done') {
            if (this.error) {
              const error = this.error;
              this.error = undefined;
              throw error;
            }
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
        }
      },
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
