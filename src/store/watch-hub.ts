// Watch fan-out for one apiserver process. The hub follows the change log in
// revision order (woken by local writes and by NOTIFY from other processes, with a
// slow poll as a safety net), keeps a window of recent changes in memory, and hands
// each change to the watchers of its kind. A watcher that starts behind the window
// reads its history from the change log while live changes queue behind it, so there
// is no gap and no duplicate at the seam.
import { expired } from '../apimachinery/errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { compactRevision } from './compact.ts';
import { fromRow } from './objects.ts';
import type { Change, ChangeType, Watch, WatchEvent, WatchOptions } from './types.ts';

export interface WatchHubOptions {
  /** Recent changes kept in memory for watchers that resume (the watch cache). @default 10000 */
  windowSize?: number;
  /** How often to look for changes when no notification came. @default 1000 */
  pollIntervalMs?: number;
  /** Changes read from the log per query. @default 1000 */
  batchSize?: number;
}

const tooOld = (rev: number, compacted: number) =>
  expired(`too old resource version: ${rev} (${compacted})`);

export class WatchHub {
  private dispatched = 0;
  private compacted = 0;
  private readonly window: Change[] = [];
  private readonly watchers = new Map<string, Set<Watcher>>();
  private fetching: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly windowSize: number;
  private readonly batchSize: number;

  constructor(private readonly prisma: PrismaClient, private readonly options: WatchHubOptions = {}) {
    this.windowSize = options.windowSize ?? 10_000;
    this.batchSize = options.batchSize ?? 1000;
  }

  async start(): Promise<void> {
    const row = await this.prisma.cluster.findUniqueOrThrow({ where: { id: 1 } });
    this.dispatched = Number(row.revision);
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
    void changes;
    this.poke();
  }

  /** Resolves once every change up to `revision` has been dispatched. */
  async waitFor(revision: number): Promise<void> {
    while (this.dispatched < revision && !this.closed) {
      this.poke();
      await (this.fetching ?? new Promise((r) => setTimeout(r, 5)));
    }
  }

  get revision(): number {
    return this.dispatched;
  }

  /** Called by the local compactor so that watches below the point fail at once. */
  noteCompacted(revision: number): void {
    this.compacted = Math.max(this.compacted, revision);
    while (this.window.length && this.window[0].revision <= revision) this.window.shift();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.prisma.change.findMany({
          where: { revision: { gt: this.dispatched } },
          orderBy: { revision: 'asc' },
          take: this.batchSize,
        });
        for (const row of rows) this.dispatch(toChange(row));
        if (rows.length < this.batchSize) break;
      }
    } catch (err) {
      if (!this.closed) console.error('watch hub: reading the change log failed; retrying on the next poll', err);
    }
  }

  private dispatch(change: Change): void {
    this.dispatched = change.revision;
    this.window.push(change);
    if (this.window.length > this.windowSize) this.window.shift();
    const set = this.watchers.get(change.kind);
    if (set) for (const w of set) w.offer(change);
  }

  watch(options: WatchOptions): Watch {
    const watcher = new Watcher(options, () => this.watchers.get(options.kind)?.delete(watcher));
    let set = this.watchers.get(options.kind);
    if (!set) this.watchers.set(options.kind, (set = new Set()));
    set.add(watcher);
    const from = options.fromRevision;
    if (from < this.compacted) {
      watcher.fail(tooOld(from, this.compacted));
    } else if (from >= this.dispatched) {
      watcher.live(); // changes up to `from` that the hub has yet to read are skipped by the watcher
    } else if (this.window.length && this.window[0].revision <= from + 1) {
      watcher.replayed(this.window.filter((c) => c.revision > from));
    } else {
      void this.replay(watcher, from, this.dispatched);
    }
    return watcher;
  }

  /** History (from, upTo] from the change log, while live changes queue in the watcher. */
  private async replay(watcher: Watcher, from: number, upTo: number): Promise<void> {
    try {
      const history: Change[] = [];
      for (let after = from; after < upTo; ) {
        const rows = await this.prisma.change.findMany({
          where: { kind: watcher.kind, revision: { gt: after, lte: upTo } },
          orderBy: { revision: 'asc' },
          take: this.batchSize,
        });
        for (const row of rows) history.push(toChange(row));
        if (rows.length < this.batchSize) break;
        after = Number(rows[rows.length - 1].revision);
      }
      // Read after the history: a compaction that raced the read is seen here.
      const compacted = await compactRevision(this.prisma);
      if (from < compacted) throw tooOld(from, compacted);
      watcher.replayed(history);
    } catch (err) {
      watcher.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const set of this.watchers.values()) for (const w of set) w.close();
    await this.fetching;
  }
}

function toChange(row: { revision: bigint; kind: string; namespace: string; name: string; type: string; object: unknown; prevObject: unknown; prevRevision: bigint | null }): Change {
  return {
    revision: Number(row.revision),
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    type: row.type as ChangeType,
    object: fromRow(row.object, row.revision),
    prevObject: row.prevObject ? fromRow(row.prevObject, row.prevRevision ?? 0) : undefined,
  };
}

/** Kubernetes' filtered-watch semantics: crossing the filter is ADDED or DELETED. */
function eventFor(change: Change, options: WatchOptions): WatchEvent | undefined {
  if (options.namespace !== undefined && change.namespace !== options.namespace) return undefined;
  const match = options.matches ?? (() => true);
  const now = change.type !== 'DELETED' && match(change.object);
  const before = change.type === 'DELETED' ? match(change.object) : change.prevObject !== undefined && match(change.prevObject);
  const type: ChangeType | undefined =
    now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
  return type && { type, object: change.object, revision: change.revision };
}

type State = 'replaying' | 'live' | 'done';

class Watcher implements Watch {
  readonly kind: string;
  private state: State = 'replaying';
  private readonly queue: WatchEvent[] = [];
  private head = 0;
  private readonly held: Change[] = [];
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private last: number;

  constructor(private readonly options: WatchOptions, private readonly detach: () => void) {
    this.kind = options.kind;
    this.last = options.fromRevision;
  }

  offer(change: Change): void {
    if (this.state === 'done') return;
    if (this.state === 'replaying') {
      this.held.push(change);
      return;
    }
    this.push(change);
  }

  live(): void {
    if (this.state === 'replaying') this.state = 'live';
  }

  replayed(history: Change[]): void {
    if (this.state !== 'replaying') return;
    this.state = 'live';
    for (const c of history) this.push(c);
    for (const c of this.held.splice(0)) this.push(c);
  }

  private push(change: Change): void {
    if (change.revision <= this.last) return; // never twice, never backwards
    this.last = change.revision;
    const event = eventFor(change, this.options);
    if (!event) return;
    if (this.queue.length - this.head >= (this.options.maxQueue ?? 100_000)) {
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
    this.held.length = 0;
    this.detach();
    this.wake?.();
  }

  // A hand-written iterator rather than an async generator: `return()` must end a
  // watch at once, even while `next()` waits for an event that may never come.
  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: async () => {
        for (;;) {
          if (this.head < this.queue.length) {
            const value = this.queue[this.head];
            this.queue[this.head++] = undefined as unknown as WatchEvent;
            if (this.head > 1024 && this.head * 2 > this.queue.length) {
              this.queue.splice(0, this.head);
              this.head = 0;
            }
            return { value, done: false };
          }
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
