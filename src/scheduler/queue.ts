// The scheduling queue (kube-scheduler's PriorityQueue): pods waiting for a node, in three
// parts —
//   active: ready to be tried, highest spec.priority first, then oldest;
//   backoff: failed recently; back to active after 1 s doubling per attempt up to 10 s;
//   unschedulable: fit nowhere last time; back (to active, or to backoff if their backoff
//   has not run out) when a cluster event could make them fit (a node added or changed,
//   a pod deleted), and at the latest after 5 minutes (the leftover flush).
// All waits are cluster time (the clock), so --time-scale shrinks them.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock, Timer } from '../apimachinery/clock.ts';

export interface QueuedPod {
  pod: Pod;
  key: string;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Cluster time (clock.monotonic) of the first attempt's enqueue, for latency metrics. */
  firstSeen: number;
}

export interface SchedulingQueueOptions {
  clock: Clock;
  /** @default 1000 */
  initialBackoffMs?: number;
  /** @default 10000 */
  maxBackoffMs?: number;
  /** @default 300000 (podMaxInUnschedulablePodsDuration) */
  maxUnschedulableMs?: number;
}

/** Did anything but status, resourceVersion and managedFields change? */
function changedBeyondStatus(old: Pod, pod: Pod): boolean {
  const strip = (p: Pod) => JSON.stringify({ ...p, status: undefined, metadata: { ...p.metadata, resourceVersion: undefined, managedFields: undefined } });
  return strip(old) !== strip(pod);
}

const podKey = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** Higher priority first, then older (creationTimestamp), then name: kube-scheduler's PrioritySort. */
function before(a: QueuedPod, b: QueuedPod): boolean {
  const pa = a.pod.spec?.priority ?? 0;
  const pb = b.pod.spec?.priority ?? 0;
  if (pa !== pb) return pa > pb;
  const ta = a.pod.metadata?.creationTimestamp ?? '';
  const tb = b.pod.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb;
  return a.firstSeen < b.firstSeen;
}

/** A binary heap of queued pods by `before`, with removal by key. */
class Heap {
  private readonly items: QueuedPod[] = [];
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  push(item: QueuedPod): void {
    const existing = this.index.get(item.key);
    if (existing !== undefined) {
      this.items[existing] = item;
      this.fix(existing);
      return;
    }
    this.items.push(item);
    this.index.set(item.key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): QueuedPod | undefined {
    if (!this.items.length) return undefined;
    const top = this.items[0];
    this.removeAt(0);
    return top;
  }

  remove(key: string): QueuedPod | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const item = this.items[i];
    this.removeAt(i);
    return item;
  }

  private removeAt(i: number): void {
    const last = this.items.pop()!;
    this.index.delete(this.items.length === i ? last.key : this.items[i].key);
    if (i < this.items.length) {
      this.items[i] = last;
      this.index.set(last.key, i);
      this.fix(i);
    }
  }

  private fix(i: number): void {
    this.up(i);
    this.down(i);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.items[i], this.items[parent])) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.items.length && before(this.items[l], this.items[best])) best = l;
      if (r < this.items.length && before(this.items[r], this.items[best])) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b], this.items[a]];
    this.index.set(this.items[a].key, a);
    this.index.set(this.items[b].key, b);
  }
}

export class SchedulingQueue {
  private readonly active = new Heap();
  private readonly backoff = new Map<string, { item: QueuedPod; timer: Timer }>();
  private readonly unschedulable = new Map<string, { item: QueuedPod; since: number; backoffUntil: number }>();
  /** Pods being scheduled (popped, not yet done): an update then only replaces the copy. */
  private readonly inFlight = new Map<string, QueuedPod>();
  private readonly waiters: ((item: QueuedPod | undefined) => void)[] = [];
  private closed = false;
  private flushTimer: Timer;
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;

  constructor(options: SchedulingQueueOptions) {
    this.clock = options.clock;
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = options.maxUnschedulableMs ?? 300_000;
    this.flushTimer = this.scheduleFlush();
  }

  /** Pods waiting in each part (for metrics and tests). */
  get pending(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** A new pod without a node. */
  add(pod: Pod): void {
    const key = podKey(pod);
    if (this.inFlight.has(key)) return void (this.inFlight.get(key)!.pod = pod);
    if (this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key)) return this.update(pod);
    this.toActive({ pod, key, attempts: 0, firstSeen: this.clock.monotonic() });
  }

  /**
   * The pod changed: its copy is replaced; an unschedulable pod is tried again if more than
   * its status changed (its spec or labels may now fit — isPodUpdated in kube-scheduler;
   * the scheduler's own status write must not requeue it).
   */
  update(pod: Pod): void {
    const key = podKey(pod);
    const inFlight = this.inFlight.get(key);
    if (inFlight) return void (inFlight.pod = pod);
    const waiting = this.unschedulable.get(key);
    if (waiting && !changedBeyondStatus(waiting.item.pod, pod)) return void (waiting.item.pod = pod);
    if (waiting) {
      this.unschedulable.delete(key);
      waiting.item.pod = pod;
      return this.requeue(waiting.item, waiting.backoffUntil);
    }
    const backingOff = this.backoff.get(key);
    if (backingOff) return void (backingOff.item.pod = pod);
    const queued = this.active.remove(key);
    if (queued) return this.toActive({ ...queued, pod });
    this.add(pod);
  }

  /** The pod was deleted or bound elsewhere. */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.active.remove(key);
    this.backoff.get(key)?.timer.stop();
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  /** The next pod to schedule (undefined once closed). */
  pop(): Promise<QueuedPod | undefined> {
    const next = this.active.pop();
    if (next) return Promise.resolve(this.take(next));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private take(item: QueuedPod): QueuedPod {
    item.attempts++;
    this.inFlight.set(item.key, item);
    return item;
  }

  /** Scheduling `item` ended (bound, or gone): forget it. */
  done(item: QueuedPod): void {
    if (this.inFlight.get(item.key) === item) this.inFlight.delete(item.key);
  }

  /** It fit nowhere: park it until a cluster event or the leftover flush. */
  addUnschedulable(item: QueuedPod): void {
    if (this.inFlight.get(item.key) !== item) return; // deleted meanwhile
    this.inFlight.delete(item.key);
    const now = this.clock.monotonic();
    this.unschedulable.set(item.key, { item, since: now, backoffUntil: now + this.backoffMs(item) });
  }

  /** A transient failure (the bind failed): retry after its backoff. */
  addBackoff(item: QueuedPod): void {
    if (this.inFlight.get(item.key) !== item) return;
    this.inFlight.delete(item.key);
    this.requeue(item, this.clock.monotonic() + this.backoffMs(item));
  }

  /** A cluster event that may make parked pods fit: every unschedulable pod goes back. */
  moveAllToActiveOrBackoff(): void {
    for (const [key, { item, backoffUntil }] of this.unschedulable) {
      this.unschedulable.delete(key);
      this.requeue(item, backoffUntil);
    }
  }

  close(): void {
    this.closed = true;
    this.flushTimer.stop();
    for (const { timer } of this.backoff.values()) timer.stop();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }

  private backoffMs(item: QueuedPod): number {
    return Math.min(this.initialBackoffMs * 2 ** Math.max(0, item.attempts - 1), this.maxBackoffMs);
  }

  private requeue(item: QueuedPod, backoffUntil: number): void {
    const wait = backoffUntil - this.clock.monotonic();
    if (wait <= 0) return this.toActive(item);
    const timer = this.clock.after(wait, () => {
      if (this.backoff.get(item.key)?.timer !== timer) return;
      this.backoff.delete(item.key);
      this.toActive(item);
    });
    this.backoff.set(item.key, { item, timer });
  }

  private toActive(item: QueuedPod): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(item));
    else this.active.push(item);
  }

  /** Every 30 s: pods unschedulable for longer than the limit go back (flushUnschedulablePodsLeftover). */
  private scheduleFlush(): Timer {
    return this.clock.after(30_000, () => {
      const now = this.clock.monotonic();
      for (const [key, { item, since, backoffUntil }] of this.unschedulable) {
        if (now - since < this.maxUnschedulableMs) continue;
        this.unschedulable.delete(key);
        this.requeue(item, backoffUntil);
      }
      if (!this.closed) this.flushTimer = this.scheduleFlush();
    });
  }
}
