// The Events of an object (kubectl's searchEvents) and the `Events:` table every
// describer ends with (DescribeEvents): Type, Reason, Age (`5m (x3 over 10m)` for a
// repeated event), From, Message, oldest first.
import type { Event } from 'kubernetes-types/core/v1.js';
import { escapeFieldValue } from '../../apimachinery/fields.ts';
import type { DescribeContext, Manifest } from './describer.ts';
import { LEVEL_0, LEVEL_1, type PrefixWriter } from './prefix-writer.ts';
import { timestampSince } from './time-format.ts';

/** The object an event is about, as kubectl's reference.GetReference gives it. */
export interface EventReference {
  /** Left out for pods: kubectl clears it for them. */
  kind?: string;
  name: string;
  /** Absent for cluster-scoped objects: their events are looked for in every namespace. */
  namespace?: string;
  uid?: string;
}

export const referenceOf = (object: Manifest): EventReference => ({
  kind: object.kind,
  name: object.metadata.name,
  namespace: object.metadata.namespace ?? undefined,
  uid: object.metadata.uid,
});

/** Every event about `ref`, read page by page (events.GetFieldSelector's terms). */
export async function searchEvents(ctx: DescribeContext, ref: EventReference): Promise<Event[]> {
  const terms = [`involvedObject.name=${escapeFieldValue(ref.name)}`];
  if (ref.namespace) terms.push(`involvedObject.namespace=${escapeFieldValue(ref.namespace)}`);
  if (ref.kind) terms.push(`involvedObject.kind=${escapeFieldValue(ref.kind)}`);
  if (ref.uid) terms.push(`involvedObject.uid=${escapeFieldValue(ref.uid)}`);
  const list = await ctx.client
    .resource('Event')
    .listAll(
      ref.namespace ? { namespace: ref.namespace, fieldSelector: terms.join(',') } : { allNamespaces: true, fieldSelector: terms.join(',') },
      ctx.chunkSize,
    );
  return list.items as Event[];
}

/**
 * The events of `ref` (by default `object` itself) when the Events section is wanted;
 * null when it is not, or when they cannot be read (the caller may not list events):
 * kubectl then leaves the section out rather than fail the description.
 */
export async function eventsFor(ctx: DescribeContext, object: Manifest, ...refs: EventReference[]): Promise<Event[] | null> {
  if (!ctx.showEvents) return null;
  try {
    const lists = await Promise.all((refs.length ? refs : [referenceOf(object)]).map((ref) => searchEvents(ctx, ref)));
    return lists.flat();
  } catch {
    return null;
  }
}

const lastTimestamp = (e: Event): number => (e.lastTimestamp ? Date.parse(e.lastTimestamp) : Number.NEGATIVE_INFINITY);

/** The Age cell: when the event was last seen, and how often over how long when it repeated. */
function interval(e: Event, now: Date): string {
  const first = e.eventTime ? timestampSince(e.eventTime, now) : timestampSince(e.firstTimestamp, now);
  if (e.series) return `${timestampSince(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
  if ((e.count ?? 0) > 1) return `${timestampSince(e.lastTimestamp, now)} (x${e.count} over ${first})`;
  return first;
}

/** DescribeEvents: `Events:\t<none>` when there are none. */
export function describeEvents(events: readonly Event[], w: PrefixWriter, now: Date): void {
  if (events.length === 0) {
    w.write(LEVEL_0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  // Sorted by last timestamp, as kubectl's SortableEvents (a stable sort keeps the server's order for ties).
  const sorted = [...events].sort((a, b) => Math.sign(lastTimestamp(a) - lastTimestamp(b)) || 0);
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const source = e.source?.component || e.reportingComponent || '';
    let message = (e.message ?? '').trim();
    if (e.involvedObject?.fieldPath) message = `${e.involvedObject.fieldPath}: ${message}`;
    w.write(LEVEL_1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval(e, now)}\t${source}\t${message}\n`);
  }
}

/** The Events section when it was asked for (`events` null: it was not). */
export function printEvents(events: readonly Event[] | null, w: PrefixWriter, now: Date): void {
  if (events) describeEvents(events, w, now);
}
