// One timer for a whole fleet (KWOK's model): every heartbeat, pull, start, exit and
// back-off of every simulated node waits here, in a heap ordered by due time, and only the
// earliest is armed on the cluster clock — a fleet of thousands of nodes holds one
// runtime timer, not thousands, and every wait still goes through the clock (so
// --time-scale and a FakeClock apply).
import type { Clock, Timer } from '../apimachinery/clock.ts';

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  stopped: boolean;
}

export class TimerWheel {
  private heap: Entry[] = [];
  private seq = 0;
  private armed?: Timer;
  private armedAt = Infinity;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Runs `fn` after `ms` of cluster time. */
  after(ms: number, fn: () => void): Timer {
    const entry: Entry = { at: this.clock.monotonic() + Math.max(0, ms), seq: this.seq++, fn, stopped: false };
    if (this.closed) return { stop: () => undefined };
    this.push(entry);
    if (entry.at < this.armedAt) this.arm();
    return {
      stop: () => {
        entry.stopped = true;
      },
    };
  }

  /** Entries not yet fired (stopped ones may still count until they reach the top). */
  get size(): number {
    return this.heap.length;
  }

  /** Drops every pending entry; later `after` calls do nothing. */
  close(): void {
    this.closed = true;
    this.armed?.stop();
    this.heap = [];
  }

  private arm(): void {
    this.armed?.stop();
    this.armed = undefined;
    while (this.heap.length && this.heap[0].stopped) this.pop();
    const top = this.heap[0];
    this.armedAt = top ? top.at : Infinity;
    if (top) this.armed = this.clock.after(Math.max(0, top.at - this.clock.monotonic()), () => this.fire());
  }

  private fire(): void {
    this.armed = undefined;
    this.armedAt = Infinity;
    const now = this.clock.monotonic();
    while (!this.closed && this.heap.length && this.heap[0].at <= now) {
      const entry = this.pop()!;
      if (entry.stopped) continue;
      entry.stopped = true;
      try {
        entry.fn();
      } catch (err) {
        this.onError(err);
      }
    }
    if (!this.closed) this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
