// Group commit, as etcd batches its raft log: one writer loop per store process takes
// every pending write and commits them together in one transaction (one fsync), with
// consecutive revisions in the order they were submitted. Writes that arrive while a
// batch commits form the next batch, so at low load a write goes alone, at once.
import type { KubeObject } from '../apis/kinds.ts';
import { unavailable } from '../apimachinery/errors.ts';
import type { Logger } from '../observability/log.ts';
import { RolledBack, type BatchRunner, type Outcome, type Write } from './conditional-write.ts';
import { commitDuration, commitWrites, writeDuration } from './metrics.ts';
import { fromRow, type SecretCodec } from './objects.ts';
import type { Change } from './types.ts';

export interface GroupCommitLimits {
  /** Writes per batch. @default 256 */
  maxWrites?: number;
  /** Object JSON per batch, in characters (a larger unit still goes, alone). @default 8 MiB */
  maxBytes?: number;
}

/** Writes that commit together or not at all; one write alone is a unit of one. */
interface Unit {
  writes: Write[];
  keys: string[];
  bytes: number;
  resolve(outcomes: Outcome[]): void;
  reject(err: unknown): void;
}

const keyOf = (w: Write) => `${w.key.kind}\0${w.key.namespace}\0${w.key.name}`;

export class GroupCommit {
  private queue: Unit[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly maxWrites: number;
  private readonly maxBytes: number;

  /**
   * `committed` gets each committed batch's changes, in revision order, before any writer
   * hears of them; `codec` opens sealed Secrets; `log` hears of a failure to hand them on.
   */
  constructor(
    private readonly run: BatchRunner,
    private readonly committed: (changes: Change[]) => void,
    private readonly log: Pick<Logger, 'error'>,
    limits: GroupCommitLimits = {},
    private readonly codec?: SecretCodec,
  ) {
    this.maxWrites = limits.maxWrites ?? 256;
    this.maxBytes = limits.maxBytes ?? 8 << 20;
  }

  /** Commits the writes as one unit (all or none); resolves with each write's outcome once durable. */
  submit(writes: Write[]): Promise<Outcome[]> {
    if (this.closed) return Promise.reject(unavailable());
    const submitted = performance.now();
    const operation = writes.length === 1 ? writes[0].verb : 'batch';
    return new Promise<Outcome[]>((resolve, reject) => {
      this.queue.push({ writes, keys: writes.map(keyOf), bytes: writes.reduce((n, w) => n + (w.json?.length ?? 0), 0), resolve, reject });
      this.schedule();
    }).then((outcomes) => {
      writeDuration.observe({ operation }, (performance.now() - submitted) / 1000);
      return outcomes;
    });
  }

  /** Refuses new writes, commits those already submitted, then closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running || this.queue.length) await (this.running ?? new Promise((resolve) => setImmediate(resolve)));
    await this.run.close?.();
  }

  // setImmediate, not a microtask: writes from every request that arrived in the same
  // turn of the event loop join the batch, and none waits longer than that turn.
  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.running || !this.queue.length) return;
      this.running = this.commit(this.take()).finally(() => {
        this.running = undefined;
        if (this.queue.length) this.schedule();
      });
    });
  }

  /**
   * The next batch, in submission order. A unit that touches a key already in the batch —
   * or one of a unit left for later — waits for the next batch, so that writes to one key
   * commit in the order they were submitted and no row is written twice in a statement.
   */
  private take(): Unit[] {
    const batch: Unit[] = [];
    const later: Unit[] = [];
    const taken = new Set<string>();
    let writes = 0;
    let bytes = 0;
    let i = 0;
    for (; i < this.queue.length; i++) {
      const unit = this.queue[i];
      const blocked = unit.keys.some((k) => taken.has(k));
      if (!blocked && batch.length && (writes + unit.writes.length > this.maxWrites || bytes + unit.bytes > this.maxBytes)) break;
      for (const k of unit.keys) taken.add(k);
      if (blocked) {
        later.push(unit);
      } else {
        batch.push(unit);
        writes += unit.writes.length;
        bytes += unit.bytes;
      }
    }
    this.queue = later.concat(this.queue.slice(i));
    return batch;
  }

  private async commit(batch: Unit[]): Promise<void> {
    const writes = batch.flatMap((u) => u.writes);
    const units = batch.flatMap((u, i) => u.writes.map(() => i));
    let outcomes: Outcome[];
    const started = performance.now();
    try {
      outcomes = await this.run(writes, units);
      commitDuration.observe((performance.now() - started) / 1000);
      commitWrites.observe(writes.length);
    } catch (err) {
      if (!(err instanceof RolledBack)) {
        for (const unit of batch) unit.reject(err); // unknown whether it committed: nobody is told it did
      } else if (batch.length === 1) {
        batch[0].reject(err.cause);
      } else {
        // One write PostgreSQL refuses (a NUL character, say) must not fail the others:
        // run each unit alone, each in its own transaction, in order.
        for (const unit of batch) await this.commit([unit]);
      }
      return;
    }
    this.deliver(writes, outcomes);
    let at = 0;
    for (const unit of batch) unit.resolve(outcomes.slice(at, (at += unit.writes.length)));
  }

  /** The batch's changes in revision order (the statement numbers writes in batch order). */
  private deliver(writes: Write[], outcomes: Outcome[]): void {
    try {
      const changes: Change[] = [];
      for (const [i, o] of outcomes.entries()) if (o.revision !== undefined) changes.push(changeOf(writes[i], o as Outcome & { revision: number }, this.codec));
      if (changes.length) this.committed(changes);
    } catch (err) {
      this.log.error('group commit: handing committed changes to the watch hub failed', { error: String(err) });
    }
  }
}

/** The change record of a committed write, parsed afresh: watchers share nothing with the writer's objects. */
function changeOf(write: Write, o: Outcome & { revision: number }, codec: SecretCodec | undefined): Change {
  const { kind, namespace, name } = write.key;
  const before = o.current?.json === undefined ? undefined : JSON.parse(o.current.json);
  const prevObject: KubeObject | undefined = before && fromRow(before, o.current!.revision, codec);
  switch (write.verb) {
    case 'create':
      return { revision: o.revision, kind, namespace, name, type: 'ADDED', object: fromRow(JSON.parse(write.json!), o.revision, codec) };
    case 'update':
      return { revision: o.revision, kind, namespace, name, type: 'MODIFIED', object: fromRow(JSON.parse(write.json!), o.revision, codec), prevObject };
    case 'delete':
      return { revision: o.revision, kind, namespace, name, type: 'DELETED', object: fromRow(before, o.revision, codec), prevObject };
  }
}
