// A Kubernetes watch over the store: the initial state (when no resourceVersion is
// given) as ADDED events and a BOOKMARK, then every change, filtered by selectors.
import type { KubeObject } from '../../apis/kinds.ts';
import type { Timer } from '../../apimachinery/clock.ts';
import { ApiError, ErrorCode, badInput } from '../../apimachinery/errors.ts';
import { matchesFields } from '../../apimachinery/fields.ts';
import { matchesLabels } from '../../apimachinery/labels.ts';
import type { Watch, WatchEvent } from '../../store/types.ts';
import { apiGroupOf } from '../authz/index.ts';
import { watchEventsOf } from '../metrics/apiserver-metrics.ts';
import type { Registry } from './registry.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface ApiWatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchQuery {
  namespace?: string;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
  allowBookmarks?: boolean | null;
  /** Checked for every object before it is sent; false ends the watch with FORBIDDEN. */
  authorize?: (object: KubeObject) => boolean;
  /** How often a BOOKMARK is sent when allowed. @default 60000 (kube-apiserver: about a minute) */
  bookmarkIntervalMs?: number;
}

export function watchKind(registry: Registry, kind: string, query: WatchQuery): AsyncIterable<ApiWatchEvent> {
  const info = registry.info(kind);
  const { labels, fields } = registry.parseSelectors(info, query.labelSelector, query.fieldSelector);
  const matches = (o: KubeObject): boolean =>
    (!labels || matchesLabels(labels, o.metadata.labels)) && (!fields || matchesFields(fields, o as unknown as Record<string, unknown>));
  const namespace = info.namespaced ? query.namespace : undefined;
  const rv = query.resourceVersion;
  if (rv && rv !== '0' && !/^\d+$/.test(rv)) {
    throw badInput(`invalid resource version: ${rv}`, [{ field: 'resourceVersion', message: `Invalid value: "${rv}"` }]);
  }
  return new KindWatch(registry, kind, query, {
    storeKind: info.kind,
    sent: watchEventsOf(apiGroupOf(info.apiVersion), info.apiVersion.slice(info.apiVersion.indexOf('/') + 1), info.kind),
    namespace,
    matches,
    listFirst: !rv || rv === '0',
    from: rv && rv !== '0' ? Number(rv) : 0,
    bookmark: (revision) => ({
      type: 'BOOKMARK',
      object: { apiVersion: info.apiVersion, kind: info.kind, metadata: { name: '', resourceVersion: String(revision) } },
    }),
    forbidden: () => new ApiError(ErrorCode.FORBIDDEN, `watch of ${info.resource} ended: the caller may no longer watch them`),
  });
}

interface KindWatchPlan {
  storeKind: string;
  /** apiserver_watch_events_total of this kind. */
  sent: { n: number };
  namespace: string | undefined;
  matches: (o: KubeObject) => boolean;
  listFirst: boolean;
  from: number;
  bookmark: (revision: number) => ApiWatchEvent;
  forbidden: () => Error;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The watch as a pull iterator, without a queue of its own: the list is read a page at
 * a time as the consumer asks, then each `next()` is the hub watcher's `next()` mapped
 * in one step (the per-event cost of a watch is paid once per subscriber and event, so
 * no extra promise hop or buffer sits between the hub and the subscriber). Ends at
 * `return()`, at the first error (then done), or when the store's watch ends.
 */
class KindWatch implements AsyncIterableIterator<ApiWatchEvent> {
  private done = false;
  private items: KubeObject[] = [];
  private pos = 0;
  private listed = false;
  private continueToken: string | undefined;
  private revision: number;
  private watch: Watch | undefined;
  private events: AsyncIterator<WatchEvent> | undefined;
  private timer: Timer | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly kind: string,
    private readonly query: WatchQuery,
    private readonly plan: KindWatchPlan,
  ) {
    this.revision = plan.from;
    this.listed = !plan.listFirst;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ApiWatchEvent>> {
    if (this.done) return Promise.resolve(DONE);
    if (this.events) return this.events.next().then(this.onEvent, this.onError);
    return this.initial().catch(this.onError);
  }

  return(): Promise<IteratorResult<ApiWatchEvent>> {
    this.finish();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<ApiWatchEvent>> {
    this.finish();
    return Promise.reject(error);
  }

  /** The initial list, a page per read, then its BOOKMARK and the switch to the store's watch. */
  private async initial(): Promise<IteratorResult<ApiWatchEvent>> {
    while (this.pos >= this.items.length && !this.listed) {
      const page = await this.registry.list(this.kind, {
        namespace: this.plan.namespace,
        labelSelector: this.query.labelSelector,
        fieldSelector: this.query.fieldSelector,
        limit: 500,
        continue: this.continueToken,
      });
      if (this.done) return DONE;
      this.items = page.items;
      this.pos = 0;
      this.continueToken = page.continue;
      this.revision = page.revision;
      this.listed = !page.continue;
    }
    if (this.pos < this.items.length) {
      const object = this.items[this.pos];
      this.items[this.pos++] = undefined as unknown as KubeObject;
      this.plan.sent.n++;
      return { value: { type: 'ADDED', object: this.allowed(object) }, done: false };
    }
    this.items = [];
    this.startWatch();
    if (this.plan.listFirst) return { value: this.plan.bookmark(this.revision), done: false };
    return this.events!.next().then(this.onEvent);
  }

  private startWatch(): void {
    const watch = this.registry.store.watch({
      kind: this.plan.storeKind,
      namespace: this.plan.namespace,
      fromRevision: this.revision,
      matches: this.plan.matches,
    });
    this.watch = watch;
    this.events = watch[Symbol.asyncIterator]();
    // A bookmark goes through the watch's own queue, behind every event it vouches for.
    // Every minute of cluster time (kube-apiserver's pace), so --time-scale reaches it.
    if (this.query.allowBookmarks) this.scheduleBookmark(watch, this.query.bookmarkIntervalMs ?? 60_000);
  }

  private scheduleBookmark(watch: Watch, everyMs: number): void {
    this.timer = this.registry.clock.after(everyMs, () => {
      if (this.done) return;
      watch.bookmark();
      this.scheduleBookmark(watch, everyMs);
    });
  }

  private readonly onEvent = (r: IteratorResult<WatchEvent>): IteratorResult<ApiWatchEvent> => {
    if (r.done) {
      this.finish();
      return DONE;
    }
    const event = r.value;
    this.plan.sent.n++;
    if (event.type === 'BOOKMARK') return { value: this.plan.bookmark(event.revision), done: false };
    return { value: { type: event.type, object: this.allowed(event.object) }, done: false };
  };

  private readonly onError = (err: unknown): never => {
    this.finish();
    throw err;
  };

  private allowed(object: KubeObject): KubeObject {
    if (this.query.authorize && !this.query.authorize(object)) {
      this.finish();
      throw this.plan.forbidden();
    }
    return object;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.timer?.stop();
    this.watch?.close();
    this.items = [];
  }
}
