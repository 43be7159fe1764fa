// framework.Resource arithmetic: ResourceLists turned into the integer units kube-scheduler
// compares (milli-CPU, bytes, a pod count, extended resources' base units).
import { tryParseQuantity, type Quantity } from '../apis/quantity.ts';
import type { Resources } from './framework.ts';

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: {} });

/** schedutil.IsScalarResourceName: extended (domain-prefixed), hugepages-*, attachable-volumes-*. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  // Extended resources: a domain prefix outside kubernetes.io (requests.* is a quota name, not a resource).
  return name.includes('/') && !name.startsWith('requests.') && !/(^|\.)kubernetes\.io\//.test(name);
}

/** framework.NewResource(list): cpu as MilliValue, the rest as Value (rounded up). Unparseable amounts count as 0. */
export function resourcesOf(list: Readonly<Record<string, unknown>> | null | undefined): Resources {
  const r = emptyResources();
  if (!list) return r;
  for (const [name, raw] of Object.entries(list)) {
    const q: Quantity | undefined = tryParseQuantity(raw);
    if (!q) continue;
    switch (name) {
      case 'cpu':
        r.milliCPU += q.milli;
        break;
      case 'memory':
        r.memory += Math.ceil(q.value);
        break;
      case 'pods':
        r.pods += Math.ceil(q.value);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += Math.ceil(q.value);
        break;
      default:
        if (isScalarResourceName(name)) r.scalar[name] = (r.scalar[name] ?? 0) + Math.ceil(q.value);
    }
  }
  return r;
}

/** a + sign × b, as a new Resources. */
export function addResources(a: Resources, b: Resources, sign: 1 | -1 = 1): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = (scalar[k] ?? 0) + sign * v;
  return {
    milliCPU: a.milliCPU + sign * b.milliCPU,
    memory: a.memory + sign * b.memory,
    ephemeralStorage: a.ephemeralStorage + sign * b.ephemeralStorage,
    pods: a.pods + sign * b.pods,
    scalar,
  };
}
