// The one clock every component's timer goes through (client-go's clock.Clock, shared like
// k8s.io/utils/clock): waits are divided by the cluster's --time-scale here, in one place,
// and tests drive a fake. Timestamps written into objects stay real wall-clock times
// (API.md "Time"). Not cluster time, so not through here: token expiry (a token's `exp`
// is wall-clock), transport keep-alives and request timeouts.

/** A pending timer; `stop()` cancels it (harmless once fired). */
export interface Timer {
  stop(): void;
}

export interface Clock {
  /** Wall-clock time, for timestamps in objects. */
  now(): Date;
  /**
   * Cluster time in milliseconds from an arbitrary origin, never going back: for measuring
   * how long something took (a lease not renewed for 50 s), as Kubernetes' controllers
   * measure from when they observed a change, not from timestamps written by others.
   */
  monotonic(): number;
  /** Runs `fn` after `ms` of cluster time (divided by the time scale on a real clock). */
  after(ms: number, fn: () => void): Timer;
  /** Resolves after `ms` of cluster time. */
  sleep(ms: number): Promise<void>;
}

/**
 * The machine's clock; every wait is divided by `timeScale` (`--time-scale`, default 1).
 * Its timers do not hold the process open: a component is kept alive by its server or
 * its connections, and a backoff or a periodic bookmark must not delay its exit.
 */
export function realClock(timeScale = 1): Clock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`time scale must be a positive number, not ${timeScale}`);
  const after = (ms: number, fn: () => void): Timer => {
    const handle = setTimeout(fn, Math.max(0, ms / timeScale)).unref();
    return { stop: () => clearTimeout(handle) };
  };
  return {
    now: () => new Date(),
    monotonic: () => performance.now() * timeScale,
    after,
    sleep: (ms) => new Promise((resolve) => after(ms, resolve)),
  };
}

/** A clock that moves only when told to (`step`), for tests. */
export class FakeClock implements Clock {
  private time: number;
  private readonly timers: { at: number; seq: number; fn: () => void; stopped: boolean }[] = [];
  private seq = 0;

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.time = start.getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  monotonic(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): Timer {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, stopped: false };
    this.timers.push(timer);
    return {
      stop: () => {
        timer.stopped = true;
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Timers not yet fired or stopped. */
  get pending(): number {
    return this.timers.filter((t) => !t.stopped).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  step(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.stopped && t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.stopped = true;
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = until;
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i].stopped) this.timers.splice(i, 1);
  }
}

/** Kubernetes prints times as RFC 3339 with second precision: `2026-11-28T05:05:00Z`. */
export const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Runs `attempt` after a jittered, doubling wait (from `initialMs` up to `maxMs` of cluster
 * time) until it succeeds or `stopped()` says to give up: an informer relisting while the
 * store is away.
 */
export async function retryWithBackoff(clock: Clock, attempt: () => Promise<void>, stopped: () => boolean, initialMs = 200, maxMs = 10_000): Promise<void> {
  for (let delay = initialMs; !stopped(); delay = Math.min(delay * 2, maxMs)) {
    await clock.sleep(delay * (0.5 + Math.random() / 2));
    if (stopped()) return;
    try {
      await attempt();
      return;
    } catch {
      // try again
    }
  }
}
