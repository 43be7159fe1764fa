// A Kubernetes watch over the store: the initial state (when no resourceVersion is
// given) as ADDED events and a BOOKMARK, then every change, filtered by selectors.
import { Repeater } from '@repeaterjs/repeater';
import type { KubeObject } from '../../apis/kinds.ts';
import { ApiError, ErrorCode, badInput } from '../../apimachinery/errors.ts';
import { matchesFields } from '../../apimachinery/fields.ts';
import { matchesLabels } from '../../apimachinery/labels.ts';
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
  const bookmark = (revision: number): ApiWatchEvent => ({
    type: 'BOOKMARK',
    object: { apiVersion: info.apiVersion, kind: info.kind, metadata: { name: '', resourceVersion: String(revision) } },
  });

  const allowed = (object: KubeObject): KubeObject => {
    if (query.authorize && !query.authorize(object)) throw new ApiError(ErrorCode.FORBIDDEN, `watch of ${info.resource} ended: the caller may no longer watch them`);
    return object;
  };
  return new Repeater<ApiWatchEvent>(async (push, stop) => {
    let from: number;
    if (!rv || rv === '0') {
      // Initial state: every page of one consistent list, then a bookmark at its revision.
      let token: string | undefined;
      do {
        const page = await registry.list(kind, { namespace, labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, limit: 500, continue: token });
        for (const object of page.items) await push({ type: 'ADDED', object: allowed(object) });
        token = page.continue;
        from = page.revision;
      } while (token);
      await push(bookmark(from));
    } else {
      from = Number(rv);
    }
    const watch = registry.store.watch({ kind: info.kind, namespace, fromRevision: from, matches });
    // A bookmark goes through the watch's own queue, behind every event it vouches for.
    const timer = query.allowBookmarks ? setInterval(() => watch.bookmark(), query.bookmarkIntervalMs ?? 60_000) : undefined;
    void stop.then(() => watch.close());
    try {
      for await (const event of watch) {
        await push(event.type === 'BOOKMARK' ? bookmark(event.revision) : { type: event.type, object: allowed(event.object) });
      }
      stop();
    } catch (err) {
      stop(err);
    } finally {
      if (timer) clearInterval(timer);
    }
  });
}
