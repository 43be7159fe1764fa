// Services (core/v1): the apiserver allocates clusterIP and node ports (service.allocator.ts);
// an allocated clusterIP is immutable.
import { defaultService } from '../defaults.ts';
import { validateService, validateServiceUpdate } from '../validation/service.ts';
import type { KubeObject } from '../kinds.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy, keepStoredStatus } from './define.ts';
import { needsNodePorts, serviceAllocator } from './service.allocator.ts';
import { isRecord } from '../../apimachinery/json.ts';

/**
 * PrepareForUpdate: an update that leaves the allocated values out keeps them
 * (patchAllocatedValues), and a type change drops what the new type does not use and the
 * client did not change (dropTypeDependentFields).
 */
function prepareServiceUpdate(obj: KubeObject, old: KubeObject): void {
  keepStoredStatus(obj, old);
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  const was = isRecord(old.spec) ? old.spec : undefined;
  if (!spec || !was) return;
  const keepsIP = spec.type !== 'ExternalName';
  if (keepsIP && was.type !== 'ExternalName') {
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && typeof was.clusterIP === 'string') spec.clusterIP = was.clusterIP;
    if (spec.clusterIPs === undefined && Array.isArray(was.clusterIPs) && spec.clusterIP === was.clusterIP) spec.clusterIPs = [...was.clusterIPs];
  }
  if (!keepsIP && was.type !== 'ExternalName' && spec.clusterIP === was.clusterIP) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  const oldPorts = Array.isArray(was.ports) ? was.ports.filter(isRecord) : [];
  if (needsNodePorts(spec) && needsNodePorts(was)) {
    // A port left without its nodePort keeps the one it had (matched by port and protocol).
    for (const p of ports) {
      if (p.nodePort !== undefined && p.nodePort !== 0) continue;
      const before = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (before && typeof before.nodePort === 'number') p.nodePort = before.nodePort;
    }
  } else if (!needsNodePorts(spec) && needsNodePorts(was)) {
    for (const p of ports) {
      const before = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (before && p.nodePort === before.nodePort) delete p.nodePort;
    }
  }
}

export const serviceStrategy = defineStrategy({
  info: defineKind('Service', 'v1', 'services', true, { shortNames: ['svc'], categories: ['all'] }),
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  defaults: defaultService,
  prepareForUpdate: prepareServiceUpdate,
  allocator: serviceAllocator,
  printColumns: [
    NAME_COLUMN,
    { name: 'TYPE', type: 'string', source: 'spec.type' },
    { name: 'CLUSTER-IP', type: 'string', source: 'spec.clusterIP' },
    { name: 'EXTERNAL-IP', type: 'string', source: { first: [{ each: 'status.loadBalancer.ingress', format: '{ip}' }, 'spec.externalIPs'] } },
    { name: 'PORT(S)', type: 'string', source: { each: 'spec.ports', format: '{port}/{protocol}' } },
    AGE_COLUMN,
  ],
});
