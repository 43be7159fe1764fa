// The reconciler engine (controller-runtime's): keys from a work queue, a pool of workers,
// and one result contract for every reconciler —
//   success → forget the key's backoff;
//   { requeueAfterMs } → forget, and add again after that long (a timed recheck);
//   { requeue: true } → add again with the key's backoff;
//   a thrown error → logged, added again with the key's backoff;
//   a TerminalError → logged, dropped until something adds the key again.
// Reconcilers are level-based: they re-read state for the key, never trust the event.
import type { Clock } from '../apimachinery/clock.ts';
import { consoleLogger } from '../observability/log.ts';
import { queueAdds, queueDepth, reconcileErrors, reconcileTime, reconcileTotal } from './controller-metrics.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

export interface Result {
  /** Try again after the key's backoff. */
  requeue?: boolean;
  /** Try again after this long (cluster time), whatever the backoff. */
  requeueAfterMs?: number;
}

export interface Reconciler<K> {
  reconcile(key: K): Promise<Result | void>;
}

/** An error that retrying cannot fix: the key is not requeued. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

export interface ControllerOptions<K> {
  clock: Clock;
  /** Keys reconciled at once (never the same key twice). @default 1 */
  workers?: number;
  rateLimiter?: RateLimiter<K>;
  /** Where reconcile errors go. @default consoleLogger's error */
  onError?: (key: K, error: unknown) => void;
}

export class Controller<K> {
  readonly queue: WorkQueue<K>;
  private running: Promise<void>[] = [];
  private readonly workers: number;
  private readonly onError: (key: K, error: unknown) => void;

  constructor(
    readonly name: string,
    private readonly reconciler: Reconciler<K>,
    options: ControllerOptions<K>,
  ) {
    this.queue = new WorkQueue<K>({ clock: options.clock, rateLimiter: options.rateLimiter });
    this.workers = options.workers ?? 1;
    this.onError = options.onError ?? ((key, error) => consoleLogger.error(`${name}: reconciling failed`, { key: String(key), error: String(error) }));
  }

  /** Something about `key` may have changed. */
  enqueue(key: K): void {
    this.queue.add(key);
    queueAdds.inc({ name: this.name });
    queueDepth.set({ name: this.name }, this.queue.length);
  }

  start(): void {
    if (this.running.length) return;
    this.running = Array.from({ length: this.workers }, () => this.work());
  }

  /** Stops taking keys; resolves once the keys being reconciled are done. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.running);
    this.running = [];
  }

  private async work(): Promise<void> {
    const controller = { controller: this.name };
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      queueDepth.set({ name: this.name }, this.queue.length);
      const endTimer = reconcileTime.startTimer(controller);
      try {
        const result = (await this.reconciler.reconcile(key)) ?? {};
        if (result.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
          this.queue.forget(key);
          this.queue.addAfter(key, result.requeueAfterMs);
          reconcileTotal.inc({ ...controller, result: 'requeue_after' });
        } else if (result.requeue) {
          this.queue.addRateLimited(key);
          reconcileTotal.inc({ ...controller, result: 'requeue' });
        } else {
          this.queue.forget(key);
          reconcileTotal.inc({ ...controller, result: 'success' });
        }
      } catch (error) {
        reconcileTotal.inc({ ...controller, result: 'error' });
        reconcileErrors.inc(controller);
        this.onError(key, error);
        if (error instanceof TerminalError) this.queue.forget(key);
        else this.queue.addRateLimited(key);
      } finally {
        endTimer();
        this.queue.done(key);
      }
    }
  }
}
