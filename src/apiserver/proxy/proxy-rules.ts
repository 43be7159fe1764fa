// The simulated kube-proxy's rules: from Services and their EndpointSlices, which backend
// a connection to `service:port` from a node reaches. As kube-proxy does: only Services
// with a cluster IP (not headless, not ExternalName); the Service port's name picks the
// slice port (the EndpointSlice controller resolved targetPort per pod); ready endpoints
// only (`conditions.ready` unset counts as ready, as kube-proxy reads it); round robin per
// node (each node's proxy keeps its own rotation, as ipvs's rr scheduler); and
// `sessionAffinity: ClientIP` keeps a client (its node) on one backend while that backend
// stays ready and the client was seen within `timeoutSeconds` (default 10800).
import type { KubeObject } from '../../apis/kinds.ts';
import { isRecord } from '../../apimachinery/json.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** DefaultClientIPServiceAffinitySeconds. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** One backend: what `resolveService` answers. */
export interface Backend {
  ip: string;
  port: number;
  protocol: string;
  nodeName: string | null;
  zone: string | null;
  hostname: string | null;
  targetRef: { kind?: string; namespace?: string; name?: string; uid?: string } | null;
  /** The EndpointSlice it was read from. */
  endpointSlice: string;
}

type Rec = Record<string, unknown>;
const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const serviceKey = (namespace: string, name: string) => `${namespace}/${name}`;

interface Affinity {
  backend: string;
  lastUsed: number;
}

/** Rules over Services and EndpointSlices fed to it as they change (`set` / `remove`). */
export class ProxyRules {
  private readonly services = new Map<string, KubeObject>();
  /** Service key → slice key → slice. */
  private readonly slices = new Map<string, Map<string, KubeObject>>();
  /** Where each slice was filed (its service-name label may change). */
  private readonly sliceOwner = new Map<string, string>();
  /** `node|service|port` → the next index of the rotation. */
  private readonly rotation = new Map<string, number>();
  /** `service|port` → node → its sticky backend. */
  private readonly affinity = new Map<string, Map<string, Affinity>>();

  /** `now`: milliseconds of cluster time (the clock's monotonic()). */
  constructor(private readonly now: () => number) {}

  set(object: KubeObject): void {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    if (object.kind === 'Service') {
      this.services.set(serviceKey(namespace, name), object);
      return;
    }
    if (object.kind !== 'EndpointSlice') return;
    const key = serviceKey(namespace, name);
    this.removeSlice(key);
    const service = object.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service) return;
    const owner = serviceKey(namespace, service);
    let set = this.slices.get(owner);
    if (!set) this.slices.set(owner, (set = new Map()));
    set.set(key, object);
    this.sliceOwner.set(key, owner);
  }

  remove(object: KubeObject): void {
    const key = serviceKey(object.metadata.namespace ?? '', object.metadata.name ?? '');
    if (object.kind === 'Service') {
      this.services.delete(key);
      for (const k of [...this.affinity.keys()]) if (k.startsWith(`${key}|`)) this.affinity.delete(k);
      for (const k of [...this.rotation.keys()]) if (k.includes(`|${key}|`)) this.rotation.delete(k);
    } else if (object.kind === 'EndpointSlice') this.removeSlice(key);
  }

  /** Forgets everything (before a relist). */
  clear(kind: 'Service' | 'EndpointSlice'): void {
    if (kind === 'Service') this.services.clear();
    else {
      this.slices.clear();
      this.sliceOwner.clear();
    }
  }

  private removeSlice(key: string): void {
    const owner = this.sliceOwner.get(key);
    if (owner === undefined) return;
    this.sliceOwner.delete(key);
    const set = this.slices.get(owner);
    set?.delete(key);
    if (set && !set.size) this.slices.delete(owner);
  }

  /** The ready backends of the Service's port, in a stable order; undefined when kube-proxy has no rule for it. */
  backends(namespace: string, name: string, port: number): Backend[] | undefined {
    const key = serviceKey(namespace, name);
    const service = this.services.get(key);
    if (!service || !isRecord(service.spec)) return undefined;
    const spec = service.spec;
    if (spec.type === 'ExternalName' || !str(spec.clusterIP) || spec.clusterIP === 'None') return undefined;
    const servicePorts = recs(spec.ports).filter((p) => p.port === port);
    const servicePort = servicePorts.find((p) => (p.protocol ?? 'TCP') === 'TCP') ?? servicePorts[0];
    if (!servicePort) return undefined;
    const portName = str(servicePort.name) ?? '';
    const protocol = str(servicePort.protocol) ?? 'TCP';
    const out: Backend[] = [];
    const seen = new Set<string>();
    for (const slice of this.slices.get(key)?.values() ?? []) {
      const slicePort = recs(slice.ports).find((p) => (str(p.name) ?? '') === portName && (str(p.protocol) ?? 'TCP') === protocol);
      if (!slicePort || typeof slicePort.port !== 'number') continue;
      for (const e of recs(slice.endpoints)) {
        const conditions = isRecord(e.conditions) ? e.conditions : {};
        if (conditions.ready === false) continue;
        const ip = Array.isArray(e.addresses) ? str(e.addresses[0]) : null;
        if (!ip || seen.has(`${ip}:${slicePort.port}`)) continue;
        seen.add(`${ip}:${slicePort.port}`);
        out.push({
          ip,
          port: slicePort.port,
          protocol,
          nodeName: str(e.nodeName),
          zone: str(e.zone),
          hostname: str(e.hostname),
          targetRef: isRecord(e.targetRef) ? (e.targetRef as Backend['targetRef']) : null,
          endpointSlice: slice.metadata.name ?? '',
        });
      }
    }
    return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port));
  }

  /** The backend a connection to `namespace/name:port` from `fromNode` reaches; null when none is ready. */
  resolve(namespace: string, name: string, port: number, fromNode: string | null | undefined): Backend | null {
    const backends = this.backends(namespace, name, port);
    if (!backends?.length) return null;
    const key = serviceKey(namespace, name);
    const client = fromNode ?? '';
    const id = (b: Backend) => `${b.ip}:${b.port}`;
    const spec = this.services.get(key)!.spec as Rec;
    const sticky = spec.sessionAffinity === 'ClientIP';
    const now = this.now();
    if (sticky) {
      const config = isRecord(spec.sessionAffinityConfig) && isRecord(spec.sessionAffinityConfig.clientIP) ? spec.sessionAffinityConfig.clientIP : {};
      const timeoutMs = (typeof config.timeoutSeconds === 'number' && config.timeoutSeconds > 0 ? config.timeoutSeconds : DEFAULT_AFFINITY_SECONDS) * 1000;
      const held = this.affinity.get(`${key}|${port}`)?.get(client);
      const backend = held && now - held.lastUsed <= timeoutMs ? backends.find((b) => id(b) === held.backend) : undefined;
      if (backend) {
        held!.lastUsed = now;
        return backend;
      }
    }
    const turn = `${client}|${key}|${port}`;
    const next = this.rotation.get(turn) ?? 0;
    const backend = backends[next % backends.length];
    this.rotation.set(turn, (next + 1) % backends.length);
    if (sticky) {
      let clients = this.affinity.get(`${key}|${port}`);
      if (!clients) this.affinity.set(`${key}|${port}`, (clients = new Map()));
      clients.set(client, { backend: id(backend), lastUsed: now });
    }
    return backend;
  }
}
