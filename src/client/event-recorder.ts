// Events about objects, recorded as client-go's EventRecorder does: an Event named
// `<object>.<unique suffix>` in the object's namespace (`default` for cluster-scoped
// objects), with `source.component`, and aggregated — the same reason and message about
// the same object again bumps `count` and `lastTimestamp` of the existing Event instead of
// writing a new one, as `kubectl describe` shows it ("(x5 over 2m)"). Recording never
// fails the caller: an Event that cannot be written is dropped, as Kubernetes drops them.
// Like client-go's EventSourceObjectSpamFilter, each object may have a burst of 25 events,
// then one per 5 minutes: a ReplicaSet scaled to 5,000 says "Created pod" 25 times, not
// 5,000 (the write path belongs to the pods).
import { LRUCache } from 'lru-cache';
import type { Clock } from '../apimachinery/clock.ts';
import { timestamp } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import type { Client } from './client.ts';

export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string | null; uid?: string; resourceVersion?: string };
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(object: InvolvedObject, type: EventType, reason: string, message: string): void;
  /** Resolves once every event recorded so far is written (or dropped). */
  flush(): Promise<void>;
}

/** Events aggregated per object, reason and message; the cache is client-go's size. */
const AGGREGATE_CACHE_SIZE = 4096;
/** client-go's spam filter: a burst of 25 events per object, refilled one per 300 s. */
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;
/** Event writes in flight at once, and queued before new ones are dropped. */
const MAX_CONCURRENT_WRITES = 16;
const MAX_BACKLOG = 10_000;

export function eventRecorder(client: Client, clock: Clock, component: string, host = ''): EventRecorder {
  const events = client.resource('Event');
  const seen = new LRUCache<string, { namespace: string; name: string; count: number }>({ max: AGGREGATE_CACHE_SIZE });
  const spam = new LRUCache<string, { tokens: number; at: number }>({ max: AGGREGATE_CACHE_SIZE });
  // Writes go out concurrently (up to a cap) but in order per aggregation key, so that
  // aggregation sees its own writes; beyond a backlog, events are dropped, as client-go's
  // broadcaster drops them rather than fall behind.
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let writing = 0;
  const slots: (() => void)[] = [];
  const withSlot = async (fn: () => Promise<void>) => {
    if (writing >= MAX_CONCURRENT_WRITES) await new Promise<void>((resolve) => slots.push(resolve));
    writing++;
    try {
      await fn();
    } finally {
      writing--;
      slots.shift()?.();
    }
  };
  /** Takes a token of the object's bucket; false: the event is dropped. */
  const allowed = (object: InvolvedObject): boolean => {
    const key = [object.kind, object.metadata.namespace, object.metadata.name, object.metadata.uid].join('\u0000');
    const now = clock.monotonic();
    const bucket = spam.get(key) ?? { tokens: SPAM_BURST, at: now };
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (now - bucket.at) / SPAM_REFILL_MS);
    bucket.at = now;
    spam.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
  const write = async (object: InvolvedObject, type: EventType, reason: string, message: string) => {
    const namespace = object.metadata.namespace || 'default';
    const key = [object.kind, namespace, object.metadata.name, object.metadata.uid, type, reason, message].join('\u0000');
    const now = timestamp(clock.now());
    const previous = seen.get(key);
    if (previous) {
      try {
        await events.patch(previous.namespace, previous.name, { count: previous.count + 1, lastTimestamp: now });
        previous.count++;
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === ErrorCode.NOT_FOUND)) throw err;
        seen.delete(key); // the Event was deleted (or expired): start a new one
      }
    }
    const name = `${object.metadata.name}.${(clock.now().getTime() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
    await events.create({
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace ?? undefined,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component, ...(host ? { host } : {}) },
    } as never);
    seen.set(key, { namespace, name, count: 1 });
  };
  return {
    event(object, type, reason, message) {
      if (!allowed(object) || inFlight.size >= MAX_BACKLOG) return;
      const key = [object.kind, object.metadata.namespace, object.metadata.name, object.metadata.uid, type, reason, message].join('\u0000');
      const next = (chains.get(key) ?? Promise.resolve()).then(() => withSlot(() => write(object, type, reason, message))).catch(() => undefined);
      chains.set(key, next);
      inFlight.add(next);
      void next.then(() => {
        inFlight.delete(next);
        if (chains.get(key) === next) chains.delete(key);
      });
    },
    flush: async () => {
      while (inFlight.size) await Promise.all(inFlight);
    },
  };
}
