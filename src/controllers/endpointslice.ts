// The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a
// selector, EndpointSlices that list the selected pods having an IP — their address, node,
// `targetRef` and `conditions.ready/serving/terminating` — with the Service's ports
// resolved against each pod's containers (a named targetPort may be a different number in
// different pods: pods are grouped by their resolved ports, one set of slices per group).
// Each slice holds at most 100 endpoints (--max-endpoints-per-slice), is labelled
// `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`, and is owned
// by the Service. Like Kubernetes' reconciler it changes as few slices as it can: an
// endpoint stays in the slice that holds it, new ones fill slices with room before a new
// slice is created, emptied slices go. A Service without endpoints keeps one empty
// placeholder slice; a Service deleted or without a selector loses its slices.
//
// The informer's cache may lag this controller's own writes; a create it has not seen yet
// would be made twice. As Kubernetes' endpointSliceTracker does, the controller remembers
// the slices it wrote (and deleted) per Service and does not reconcile a Service while the
// cache is behind them — the slice's own event brings the Service back.
import { isDeepStrictEqual } from 'node:util';
import type { EndpointSlice, Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { keyOf, splitKey } from '../client/cache.ts';
import { Controller, type Result } from '../client/controller.ts';
import { defaultControllerRateLimiter } from '../client/rate-limiter.ts';
import type { KubeObjectOf } from '../client/resources.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice */
export const MAX_ENDPOINTS_PER_SLICE = 100;
/** --concurrent-service-endpoint-syncs */
const WORKERS = 5;
/** How soon a Service whose slices the cache has not caught up with is looked at again. */
const STALE_RECHECK_MS = 1000;

type SliceObject = KubeObjectOf<'EndpointSlice'>;
type PodObject = KubeObjectOf<'Pod'>;
type ServiceObject = KubeObjectOf<'Service'>;

export const endpointSliceController: ControllerDescriptor = {
  name: 'endpointslice',
  start(ctx) {
    return new EndpointSliceController(ctx).start();
  },
};

/** The resolved ports of one pod, as the slice lists them. */
type Ports = EndpointPort[];

export class EndpointSliceController {
  private readonly services;
  private readonly pods;
  private readonly slices;
  private readonly controller: Controller<string>;
  /** Per Service key: slice name → the resourceVersion written, or null once deleted by us. */
  private readonly written = new Map<string, Map<string, string | null>>();

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informerFor('Service');
    this.pods = ctx.informers.informerFor('Pod');
    this.slices = ctx.informers.informerFor('EndpointSlice');
    this.controller = new Controller<string>(
      'endpointslice',
      { reconcile: (key) => this.sync(key) },
      {
        clock: ctx.clock,
        workers: WORKERS,
        rateLimiter: defaultControllerRateLimiter(ctx.clock),
        onError: (key, error) => ctx.log.error('endpointslice: sync failed', { service: key, error: String(error) }),
      },
    );
  }

  start(): RunningController {
    const enqueue = (o: { metadata: { namespace?: string | null; name?: string } }) => this.controller.enqueue(keyOf(o));
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_, s) => enqueue(s), onDelete: enqueue });
    this.pods.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (old, p) => this.podChanged(p, old),
      onDelete: (p) => this.podChanged(p),
    });
    const sliceChanged = (s: SliceObject) => {
      const service = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (service && s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME) this.controller.enqueue(`${s.metadata.namespace}/${service}`);
    };
    this.slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_, s) => sliceChanged(s), onDelete: sliceChanged });
    void Promise.all([this.services.waitForSync(), this.pods.waitForSync(), this.slices.waitForSync()]).then(() => this.controller.start());
    return { stop: () => this.controller.stop() };
  }

  /** Every Service of the pod's namespace that selects it (before or after the change). */
  private podChanged(pod: PodObject, old?: PodObject): void {
    for (const svc of this.services.cache.byIndex('namespace', pod.metadata.namespace ?? 'default')) {
      const selector = svc.spec?.selector;
      if (!selector) continue;
      if (selects(selector, pod.metadata.labels) || (old && selects(selector, old.metadata.labels))) this.controller.enqueue(keyOf(svc));
    }
  }

  /** The cache holds every slice write of ours for this Service (see the file's comment). */
  private cacheCurrent(key: string): boolean {
    const written = this.written.get(key);
    if (!written) return true;
    const namespace = splitKey(key).namespace!;
    for (const [name, rv] of written) {
      const cached = this.slices.cache.get(`${namespace}/${name}`);
      const seen = rv === null ? !cached : cached !== undefined && Number(cached.metadata.resourceVersion) >= Number(rv);
      if (seen) written.delete(name);
    }
    if (written.size) return false;
    this.written.delete(key);
    return true;
  }

  private wrote(key: string, name: string, rv: string | null): void {
    let m = this.written.get(key);
    if (!m) this.written.set(key, (m = new Map()));
    m.set(name, rv);
  }

  async sync(key: string): Promise<Result | void> {
    if (!this.cacheCurrent(key)) return { requeueAfterMs: STALE_RECHECK_MS };
    const { namespace, name } = splitKey(key);
    const service = this.services.cache.get(key);
    const existing = this.slices.cache
      .byIndex('label', `${SERVICE_NAME_LABEL}=${name}`)
      .filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME);
    if (!service || service.metadata.deletionTimestamp || !service.spec?.selector || service.spec.type === 'ExternalName') {
      // Deleted (the garbage collector would also take them, by owner) or no longer selecting.
      for (const s of existing) await this.deleteSlice(key, s);
      return;
    }
    const groups = this.desired(service);
    const plan = planSlices(existing, groups);
    const client = this.ctx.client.resource('EndpointSlice');
    for (const s of plan.remove) await this.deleteSlice(key, s);
    for (const u of plan.update) {
      const next = this.sliceObject(service, u.ports, u.endpoints, u.slice);
      if (sameSlice(next, u.slice)) continue;
      const updated = await client.replace(next as never);
      this.wrote(key, updated.metadata.name, updated.metadata.resourceVersion);
    }
    for (const c of plan.create) {
      const created = await client.create(this.sliceObject(service, c.ports, c.endpoints) as never);
      this.wrote(key, created.metadata.name, created.metadata.resourceVersion);
    }
  }

  private async deleteSlice(key: string, slice: SliceObject): Promise<void> {
    try {
      await this.ctx.client
        .resource('EndpointSlice')
        .delete(slice.metadata.namespace ?? undefined, slice.metadata.name, { preconditions: { uid: slice.metadata.uid } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === ErrorCode.NOT_FOUND)) throw err;
    }
    this.wrote(key, slice.metadata.name, null);
  }

  /** The Service's endpoints grouped by their resolved ports (key: the ports as JSON). */
  private desired(service: ServiceObject): Map<string, { ports: Ports; endpoints: Endpoint[] }> {
    const groups = new Map<string, { ports: Ports; endpoints: Endpoint[] }>();
    const selector = service.spec!.selector!;
    const pods = this.pods.cache
      .byIndex('namespace', service.metadata.namespace ?? 'default')
      .filter((p) => selects(selector, p.metadata.labels) && shouldPodBeInEndpoints(p))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    for (const pod of pods) {
      const ports = (service.spec!.ports ?? []).map((sp) => endpointPort(sp, pod)).filter((p): p is EndpointPort => p !== undefined);
      const id = JSON.stringify(ports);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { ports, endpoints: [] }));
      g.endpoints.push(endpointOf(pod, service));
    }
    return groups;
  }

  private sliceObject(
    service: ServiceObject,
    ports: Ports,
    endpoints: Endpoint[],
    current?: SliceObject,
  ): EndpointSlice & { metadata: NonNullable<EndpointSlice['metadata']> } {
    const labels: Record<string, string> = {
      ...(service.metadata.labels ?? {}),
      [SERVICE_NAME_LABEL]: service.metadata.name,
      [MANAGED_BY_LABEL]: CONTROLLER_NAME,
    };
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...(current
          ? { name: current.metadata.name, resourceVersion: current.metadata.resourceVersion, annotations: current.metadata.annotations }
          : { generateName: `${service.metadata.name}-` }),
        namespace: service.metadata.namespace,
        labels,
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true },
        ],
      },
      addressType: 'IPv4',
      endpoints,
      ports,
    };
  }
}

/** A Service's selector (a map) selects these labels. */
const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const isPodReady = (pod: Pod): boolean => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** ShouldPodBeInEndpoints with terminating pods included (the slices say they terminate). */
export function shouldPodBeInEndpoints(pod: Pod): boolean {
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  const phase = pod.status?.phase;
  switch (pod.spec?.restartPolicy) {
    case 'Never':
      return phase !== 'Failed' && phase !== 'Succeeded';
    case 'OnFailure':
      return phase !== 'Succeeded';
    default:
      return true;
  }
}

function endpointOf(pod: PodObject, service: Service): Endpoint {
  const terminating = Boolean(pod.metadata.deletionTimestamp);
  const serving = isPodReady(pod);
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const endpoint: Endpoint = {
    addresses: [pod.status?.podIP ?? pod.status!.podIPs![0].ip!],
    conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  return endpoint;
}

/** A Service port as the pod serves it: the targetPort, by number or by a container port's name. */
function endpointPort(sp: ServicePort, pod: Pod): EndpointPort | undefined {
  const protocol = sp.protocol ?? 'TCP';
  const target = sp.targetPort ?? sp.port;
  let port: number | undefined;
  if (typeof target === 'number') port = target;
  else if (/^\d+$/.test(target)) port = Number(target);
  else {
    for (const c of pod.spec?.containers ?? []) {
      const found = (c.ports ?? []).find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol);
      if (found) {
        port = found.containerPort;
        break;
      }
    }
  }
  if (port === undefined) return undefined; // Kubernetes leaves a port it cannot resolve out
  const out: EndpointPort = { name: sp.name ?? '', protocol, port };
  if (sp.appProtocol) out.appProtocol = sp.appProtocol;
  return out;
}

const endpointId = (e: Endpoint): string => e.targetRef?.uid ?? e.addresses[0];

interface Plan {
  remove: SliceObject[];
  update: { slice: SliceObject; ports: Ports; endpoints: Endpoint[] }[];
  create: { ports: Ports; endpoints: Endpoint[] }[];
}

/**
 * Kubernetes' reconciler, simplified: per port group, each existing slice keeps the
 * endpoints it holds that are still wanted (as they now are); the rest fill slices with
 * room, then new slices of at most 100. A slice left empty goes — except one placeholder
 * when the Service has no endpoints at all.
 */
export function planSlices(existing: SliceObject[], groups: Map<string, { ports: Ports; endpoints: Endpoint[] }>, max = MAX_ENDPOINTS_PER_SLICE): Plan {
  const plan: Plan = { remove: [], update: [], create: [] };
  const byGroup = new Map<string, SliceObject[]>();
  for (const s of [...existing].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const id = JSON.stringify(normalPorts(s.ports ?? []));
    if (s.addressType !== 'IPv4' || (!groups.has(id) && !(groups.size === 0 && id === '[]'))) {
      plan.remove.push(s);
      continue;
    }
    let list = byGroup.get(id);
    if (!list) byGroup.set(id, (list = []));
    list.push(s);
  }
  if (groups.size === 0) {
    // The placeholder: one empty slice with no ports.
    const [keep, ...rest] = byGroup.get('[]') ?? [];
    plan.remove.push(...rest);
    if (keep) plan.update.push({ slice: keep, ports: [], endpoints: [] });
    else plan.create.push({ ports: [], endpoints: [] });
    return plan;
  }
  for (const [id, { ports, endpoints }] of groups) {
    const wanted = new Map(endpoints.map((e) => [endpointId(e), e]));
    const slots: { slice?: SliceObject; endpoints: Endpoint[] }[] = [];
    for (const slice of byGroup.get(id) ?? []) {
      const kept: Endpoint[] = [];
      for (const e of slice.endpoints ?? []) {
        const now = wanted.get(endpointId(e));
        if (now && kept.length < max) {
          kept.push(now);
          wanted.delete(endpointId(e));
        }
      }
      slots.push({ slice, endpoints: kept });
    }
    const rest = [...wanted.values()];
    for (const slot of slots) while (rest.length && slot.endpoints.length < max && slot.endpoints.length > 0) slot.endpoints.push(rest.shift()!);
    for (const slot of slots) while (rest.length && slot.endpoints.length < max) slot.endpoints.push(rest.shift()!);
    while (rest.length) slots.push({ endpoints: rest.splice(0, max) });
    for (const slot of slots) {
      if (slot.slice && !slot.endpoints.length) plan.remove.push(slot.slice);
      else if (slot.slice) plan.update.push({ slice: slot.slice, ports, endpoints: slot.endpoints });
      else plan.create.push({ ports, endpoints: slot.endpoints });
    }
  }
  return plan;
}

const normalPorts = (ports: EndpointPort[]): Ports =>
  ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port!, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));

/** The slice as stored already says what `next` would (fields the server adds ignored). */
function sameSlice(next: EndpointSlice, current: SliceObject): boolean {
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));
  return (
    isDeepStrictEqual(plain(next.endpoints), plain(current.endpoints ?? [])) &&
    isDeepStrictEqual(plain(next.ports), plain(normalPorts(current.ports ?? []))) &&
    isDeepStrictEqual(plain(next.metadata?.labels), plain(current.metadata.labels)) &&
    isDeepStrictEqual(plain(next.metadata?.ownerReferences), plain(current.metadata.ownerReferences))
  );
}
