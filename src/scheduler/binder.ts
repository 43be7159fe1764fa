// The scheduler's bindings, sent in bulk: each decided pod joins the next bindPods request
// (each binding still authorized and written on its own by the apiserver). While the
// request slots are busy, bindings queue and go out together — group commit, as the store
// batches its writes; at rest a binding goes alone, at once. kube-scheduler binds each pod
// with its own request; one request per batch spares the apiserver and the scheduler the
// per-request work of thousands a second.
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import type { Client } from '../client/client.ts';

interface Pending {
  namespace: string;
  name: string;
  nodeName: string;
  resolve: () => void;
  reject: (error: ApiError) => void;
}

export interface BinderOptions {
  /** bindPods requests in flight at once. @default 2 */
  requests?: number;
  /** Bindings per request (the API takes at most 500). @default 100 */
  batch?: number;
}

export class Binder {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private flushing = false;
  private readonly requests: number;
  private readonly batch: number;

  constructor(private readonly client: Client, options: BinderOptions = {}) {
    this.requests = options.requests ?? 2;
    this.batch = Math.min(options.batch ?? 100, 500);
  }

  /** Binds the pod to the node; rejects with the ApiError that binding met. */
  bind(namespace: string, name: string, nodeName: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ namespace, name, nodeName, resolve, reject });
      this.schedule();
    });
  }

  /** Flushes once the decisions of this turn are queued, when a request slot is free. */
  private schedule(): void {
    if (this.flushing || this.queue.length === 0 || this.inFlight >= this.requests) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      while (this.queue.length > 0 && this.inFlight < this.requests) {
        const batch = this.queue.splice(0, this.batch);
        this.inFlight++;
        void this.send(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  private async send(batch: Pending[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.client.resource('Pod').bindMany(batch);
    } catch (error) {
      const failed = error instanceof ApiError ? error : new ApiError(ErrorCode.UNAVAILABLE, String(error));
      results = batch.map(() => failed);
    }
    batch.forEach((b, i) => {
      const r = results[i];
      if (r instanceof ApiError) b.reject(r);
      else b.resolve();
    });
  }
}
