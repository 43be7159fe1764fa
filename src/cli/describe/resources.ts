// Resource lists as kubectl's describers print them: names in order, quantities in their
// canonical form (Quantity.String), and a pod's total limits beside the requests the
// scheduler counts (resourcehelper.PodLimits beside podRequests in src/apis/quantity.ts).
import type { ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { addQuantities, formatQuantity, type Quantity, type ResourceList } from '../../apis/quantity.ts';
import { isRecord } from '../../apimachinery/json.ts';
import type { PrefixWriter } from './prefix-writer.ts';

/** SortedResourceNames: a resource list's names in order. */
export const sortedResourceNames = (list: ResourceList | null | undefined): string[] => Object.keys(list ?? {}).sort();

/** A quantity as Quantity.String prints it; `0` when absent. */
export const quantityString = (q: unknown): string => (q === undefined || q === null ? '0' : formatQuantity(q as Quantity | string | number));

/** describeResources: the `Limits:` and `Requests:` of a container (or a pod), each name on its own line. */
export function describeResources(resources: ResourceRequirements | undefined, w: PrefixWriter, level: number): void {
  if (!resources) return;
  for (const [title, list] of [
    ['Limits', resources.limits],
    ['Requests', resources.requests],
  ] as const) {
    const names = sortedResourceNames(list);
    if (names.length) w.write(level, `${title}:\n`);
    for (const name of names) w.write(level + 1, `${name}:\t${quantityString(list![name])}\n`);
  }
}

const limitsOf = (c: unknown): ResourceList | undefined => {
  const resources = isRecord(c) && isRecord(c.resources) ? c.resources : undefined;
  return resources && isRecord(resources.limits) ? resources.limits : undefined;
};

/** Each entry the larger of the two. */
function maxInto(target: Record<string, Quantity>, list: Readonly<Record<string, Quantity>>): void {
  for (const [name, q] of Object.entries(list)) if (!Object.hasOwn(target, name) || q.cmp(target[name]!) > 0) target[name] = q;
}

/**
 * resourcehelper.PodLimits: the containers' limits summed with the restartable (sidecar)
 * init containers', at least the largest one-shot init container's together with the
 * sidecars started before it; the overhead is added to the limits that are set.
 */
export function podLimits(spec: unknown): Record<string, Quantity> {
  const s = isRecord(spec) ? spec : {};
  const limits = addQuantities((Array.isArray(s.containers) ? s.containers : []).map(limitsOf));
  let sidecars: Record<string, Quantity> = {};
  const initMax: Record<string, Quantity> = {};
  for (const c of Array.isArray(s.initContainers) ? s.initContainers : []) {
    const own = limitsOf(c);
    if (isRecord(c) && c.restartPolicy === 'Always') {
      Object.assign(limits, addQuantities([limits, own]));
      sidecars = addQuantities([sidecars, own]);
      maxInto(initMax, sidecars);
    } else {
      maxInto(initMax, addQuantities([own, sidecars]));
    }
  }
  maxInto(limits, initMax);
  if (isRecord(s.overhead))
    for (const [name, q] of Object.entries(addQuantities([s.overhead]))) if (Object.hasOwn(limits, name)) limits[name] = limits[name]!.add(q);
  return limits;
}

/** `part` as a whole percentage of `whole` (truncated, as kubectl's int64(fraction)); 0 of nothing. */
export function percentOf(part: Quantity | undefined, whole: Quantity | undefined, milli: boolean): number {
  const of = (q: Quantity | undefined) => (q ? (milli ? q.milli : Math.ceil(q.value)) : 0);
  return of(whole) === 0 ? 0 : Math.trunc((of(part) / of(whole)) * 100);
}
