// A Service's clusterIP and node ports: kube-apiserver's service IP allocator (IPAddress
// objects, as its MultiCIDRServiceAllocator keeps them) and node port allocator. Each
// allocated value is a record object whose key is the value, written in the same atomic
// unit as the Service (the registry does that), so two Services never hold one value.
import { randomInt, randomUUID } from 'node:crypto';
import type { AllocationRecord, Allocator } from '../strategy.ts';
import { ApiError, ErrorCode, invalid } from '../../apimachinery/errors.ts';
import type { KubeObject } from '../kinds.ts';
import { isRecord } from '../../apimachinery/json.ts';

/** The service cluster IP range (kube-apiserver's --service-cluster-ip-range default in kubeadm). */
export const SERVICE_CIDR = '10.96.0.0/12';
/** --service-node-port-range. */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** The record kinds: IPAddress as Kubernetes names it; node ports have no Kubernetes kind. */
export const IP_ADDRESS_KIND = 'IPAddress';
export const NODE_PORT_KIND = 'ServiceNodePort';

const [CIDR_BASE, CIDR_BITS] = ((): [number, number] => {
  const [ip, bits] = SERVICE_CIDR.split('/');
  return [ipToInt(ip)!, Number(bits)];
})();
const CIDR_SIZE = 2 ** (32 - CIDR_BITS);

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export const intToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** In the range, and neither its network nor its broadcast address. */
function inRange(ip: string): boolean {
  const n = ipToInt(ip);
  return n !== undefined && n > CIDR_BASE && n < CIDR_BASE + CIDR_SIZE - 1;
}

type Rec = Record<string, unknown>;
const specOf = (obj: KubeObject): Rec => (isRecord(obj.spec) ? obj.spec : {});
const portsOf = (obj: KubeObject): Rec[] => (Array.isArray(specOf(obj).ports) ? (specOf(obj).ports as unknown[]).filter(isRecord) : []);

/** Types that have a cluster IP (ExternalName has none); headless ones hold `None`. */
const hasClusterIP = (spec: Rec): boolean => spec.type !== 'ExternalName';
/** NodePort, and LoadBalancer unless allocateLoadBalancerNodePorts is false. */
export const needsNodePorts = (spec: Rec): boolean =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

const clusterIPOf = (spec: Rec): string | undefined => (typeof spec.clusterIP === 'string' && spec.clusterIP ? spec.clusterIP : undefined);

function record(kind: string, name: string, holder: KubeObject): AllocationRecord {
  const parentRef = { group: '', resource: 'services', namespace: holder.metadata.namespace, name: holder.metadata.name, uid: holder.metadata.uid };
  return {
    key: { kind, namespace: '', name },
    object: {
      apiVersion: kind === IP_ADDRESS_KIND ? 'networking.k8s.io/v1' : 'kubeql.io/v1',
      kind,
      metadata: {
        name,
        uid: randomUUID(),
        creationTimestamp: holder.metadata.creationTimestamp,
        labels: { 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' },
      },
      spec: { parentRef },
    },
  };
}

const internal = (what: string): ApiError =>
  new ApiError(ErrorCode.INTERNAL_SERVER_ERROR, `Internal error occurred: failed to allocate a ${what}: range is full`);

const goStrings = (ips: string[]): string => `[]string{${ips.map((ip) => JSON.stringify(ip)).join(', ')}}`;

export const serviceAllocator: Allocator = {
  records(obj) {
    const spec = specOf(obj);
    const out: AllocationRecord[] = [];
    const ip = clusterIPOf(spec);
    if (hasClusterIP(spec) && ip && ip !== 'None') out.push(record(IP_ADDRESS_KIND, ip, obj));
    if (needsNodePorts(spec)) {
      const seen = new Set<number>();
      for (const p of portsOf(obj)) {
        if (typeof p.nodePort === 'number' && p.nodePort > 0 && !seen.has(p.nodePort)) {
          seen.add(p.nodePort);
          out.push(record(NODE_PORT_KIND, String(p.nodePort), obj));
        }
      }
    }
    return out;
  },

  async assign(obj, old, avoid, taken) {
    const spec = specOf(obj);
    const name = obj.metadata.name ?? '';
    const oldIP = old && hasClusterIP(specOf(old)) ? clusterIPOf(specOf(old)) : undefined;
    if (!hasClusterIP(spec)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else {
      let ip = clusterIPOf(spec) ?? (Array.isArray(spec.clusterIPs) && typeof spec.clusterIPs[0] === 'string' ? spec.clusterIPs[0] : undefined);
      if (ip && ip !== 'None' && ip !== oldIP && !inRange(ip)) {
        throw invalid('Service', name, [
          {
            field: 'spec.clusterIPs',
            message: `Invalid value: ${goStrings([ip])}: failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`,
          },
        ]);
      }
      if (!ip) ip = await pickIP(avoid, taken);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      if (ip !== 'None' || spec.selector) {
        if (spec.ipFamilies === undefined) spec.ipFamilies = ['IPv4'];
        if (spec.ipFamilyPolicy === undefined) spec.ipFamilyPolicy = 'SingleStack';
      }
    }
    if (needsNodePorts(spec)) {
      const oldPorts = new Set(old && needsNodePorts(specOf(old)) ? portsOf(old).map((p) => p.nodePort) : []);
      const used = new Set<number>();
      const ports = portsOf(obj);
      for (const [i, p] of ports.entries()) {
        if (typeof p.nodePort !== 'number' || p.nodePort <= 0) continue;
        if (!oldPorts.has(p.nodePort) && (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX)) {
          throw invalid('Service', name, [
            {
              field: `spec.ports[${i}].nodePort`,
              message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
            },
          ]);
        }
        used.add(p.nodePort);
      }
      for (const p of ports) {
        if (typeof p.nodePort === 'number' && p.nodePort > 0) continue;
        p.nodePort = await pickNodePort(avoid, used, taken);
        used.add(p.nodePort as number);
      }
    }
  },

  alreadyAllocated(obj, rec) {
    const name = obj.metadata.name ?? '';
    if (rec.key.kind === IP_ADDRESS_KIND) {
      const ip = rec.key.name;
      return invalid('Service', name, [
        { field: 'spec.clusterIPs', message: `Invalid value: ${goStrings([ip])}: failed to allocate IP ${ip}: provided IP is already allocated` },
      ]);
    }
    const port = Number(rec.key.name);
    const i = Math.max(
      0,
      portsOf(obj).findIndex((p) => p.nodePort === port),
    );
    return invalid('Service', name, [{ field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${port}: provided port is already allocated` }]);
  },
};

/** Random probes first (the range is large and mostly free); after a few lost races, a read of what is taken. */
const RANDOM_PROBES = 4;

async function pickIP(avoid: ReadonlySet<string>, taken: (kind: string) => Promise<ReadonlySet<string>>): Promise<string> {
  const lost = [...avoid].filter((k) => k.startsWith(`${IP_ADDRESS_KIND}/`)).length;
  const busy = lost < RANDOM_PROBES ? new Set<string>() : await taken(IP_ADDRESS_KIND);
  const free = (n: number) => !avoid.has(`${IP_ADDRESS_KIND}/${intToIp(n)}`) && !busy.has(intToIp(n));
  for (let i = 0; i < 64; i++) {
    const n = CIDR_BASE + randomInt(1, CIDR_SIZE - 1);
    if (free(n)) return intToIp(n);
  }
  const start = randomInt(1, CIDR_SIZE - 1);
  for (let i = 0; i < CIDR_SIZE - 2; i++) {
    const n = CIDR_BASE + 1 + ((start - 1 + i) % (CIDR_SIZE - 2));
    if (free(n)) return intToIp(n);
  }
  throw internal('serviceIP');
}

async function pickNodePort(avoid: ReadonlySet<string>, used: ReadonlySet<number>, taken: (kind: string) => Promise<ReadonlySet<string>>): Promise<number> {
  const lost = [...avoid].filter((k) => k.startsWith(`${NODE_PORT_KIND}/`)).length;
  const busy = lost < RANDOM_PROBES ? new Set<string>() : await taken(NODE_PORT_KIND);
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const free = (p: number) => !used.has(p) && !avoid.has(`${NODE_PORT_KIND}/${p}`) && !busy.has(String(p));
  const start = randomInt(0, size);
  for (let i = 0; i < size; i++) {
    const p = NODE_PORT_MIN + ((start + i) % size);
    if (free(p)) return p;
  }
  throw internal('nodePort');
}
