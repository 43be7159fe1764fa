// Services: ValidateService (ports, type, selector, clusterIP, externalName) and the
// clusterIP rule of ValidateServiceUpdate.

import type { KubeObject } from '../kinds.ts';
import {
  FIELD_IMMUTABLE,
  Literal,
  checkEnum,
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  present,
  quote,
  readIntOrString,
  readInt,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateLabels, validateObjectMeta } from './meta.ts';
import { checkDNS1123Label, checkDNS1123Subdomain, checkIP, checkQualifiedName, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './names.ts';
import { PROTOCOLS } from './pod.ts';

/** sets.List(supportedServiceType). */
export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const SESSION_AFFINITIES = ['ClientIP', 'None'] as const;
const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
const IP_FAMILY_POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'] as const;
const IP_FAMILIES = ['IPv4', 'IPv6'] as const;

/** core.ServicePort as Go's %#v prints it in a Duplicate cause. */
const goServicePortKey = (protocol: string, port: number): Literal =>
  new Literal(
    `core.ServicePort{Name:"", Protocol:${quote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
      'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  );

function validateServicePort(errs: Errs, at: string, p: Rec, requireName: boolean, names: Set<string>): void {
  const name = readString(errs, child(at, 'name'), p.name);
  if (requireName && !name) errs.push(required(child(at, 'name')));
  else if (name) {
    checkDNS1123Label(errs, child(at, 'name'), name);
    if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
    else names.add(name);
  }
  const port = readInt(errs, child(at, 'port'), p.port) ?? (present(p.port) ? undefined : 0);
  if (port !== undefined) for (const m of isValidPortNum(port)) errs.push(invalid(child(at, 'port'), port, m));
  checkEnum(errs, child(at, 'protocol'), p.protocol, PROTOCOLS);
  const target = readIntOrString(errs, child(at, 'targetPort'), p.targetPort);
  // An absent (or zero) targetPort is defaulted to the port.
  if (typeof target === 'number' && target !== 0) for (const m of isValidPortNum(target)) errs.push(invalid(child(at, 'targetPort'), target, m));
  if (typeof target === 'string' && target !== '') for (const m of isValidPortName(target)) errs.push(invalid(child(at, 'targetPort'), target, m));
  const nodePort = readInt(errs, child(at, 'nodePort'), p.nodePort);
  if (nodePort) for (const m of isValidPortNum(nodePort)) errs.push(invalid(child(at, 'nodePort'), nodePort, m));
  const appProtocol = readString(errs, child(at, 'appProtocol'), p.appProtocol);
  if (appProtocol !== undefined) checkQualifiedName(errs, child(at, 'appProtocol'), appProtocol);
}

export function validateService(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNS1035Label });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    const type = checkEnum(errs, 'spec.type', s.type, SERVICE_TYPES) ?? 'ClusterIP';
    const clusterIP = readString(errs, 'spec.clusterIP', s.clusterIP) ?? '';
    const clusterIPs = readStringArray(errs, 'spec.clusterIPs', s.clusterIPs) ?? [];
    const headless = clusterIP === 'None' || clusterIPs[0] === 'None';
    const portsV = readObjects(errs, 'spec.ports', s.ports);
    if (portsV.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));

    switch (type) {
      case 'LoadBalancer':
      case 'NodePort':
        if (headless) errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
        break;
      case 'ExternalName': {
        if (clusterIP || clusterIPs.length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
        if (present(s.ipFamilies)) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
        if (present(s.ipFamilyPolicy)) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
        const cname = (readString(errs, 'spec.externalName', s.externalName) ?? '').replace(/\.$/, '');
        if (cname) checkDNS1123Subdomain(errs, 'spec.externalName', cname);
        else errs.push(required('spec.externalName'));
        break;
      }
    }
    if (clusterIP && clusterIP !== 'None') checkIP(errs, 'spec.clusterIP', clusterIP);
    clusterIPs.forEach((ip, i) => {
      if (!(i === 0 && ip === 'None')) checkIP(errs, index('spec.clusterIPs', i), ip);
    });

    const names = new Set<string>();
    for (const [p, i] of portsV) validateServicePort(errs, index('spec.ports', i), p, portsV.length > 1, names);
    validateLabels(errs, 'spec.selector', s.selector);
    checkEnum(errs, 'spec.sessionAffinity', s.sessionAffinity, SESSION_AFFINITIES);
    readObject(errs, 'spec.sessionAffinityConfig', s.sessionAffinityConfig);
    checkEnum(errs, 'spec.externalTrafficPolicy', s.externalTrafficPolicy, TRAFFIC_POLICIES);
    checkEnum(errs, 'spec.internalTrafficPolicy', s.internalTrafficPolicy, TRAFFIC_POLICIES);
    checkEnum(errs, 'spec.ipFamilyPolicy', s.ipFamilyPolicy, IP_FAMILY_POLICIES);
    (readStringArray(errs, 'spec.ipFamilies', s.ipFamilies) ?? []).forEach((f, i) => checkEnum(errs, index('spec.ipFamilies', i), f, IP_FAMILIES));
    (readStringArray(errs, 'spec.externalIPs', s.externalIPs) ?? []).forEach((ip, i) => checkIP(errs, index('spec.externalIPs', i), ip));
    readString(errs, 'spec.loadBalancerIP', s.loadBalancerIP);
    readStringArray(errs, 'spec.loadBalancerSourceRanges', s.loadBalancerSourceRanges);

    // nodePort with type ClusterIP; duplicate (protocol, nodePort) and (protocol, port).
    const nodePorts = new Set<string>();
    const ports = new Set<string>();
    for (const [p, i] of portsV) {
      const at = index('spec.ports', i);
      const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
      const nodePort = typeof p.nodePort === 'number' ? p.nodePort : 0;
      if (type === 'ClusterIP' && nodePort !== 0) errs.push(forbidden(child(at, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
      if (nodePort !== 0) {
        if (nodePorts.has(`${protocol}/${nodePort}`)) errs.push(duplicate(child(at, 'nodePort'), nodePort));
        nodePorts.add(`${protocol}/${nodePort}`);
      }
      const port = typeof p.port === 'number' ? p.port : 0;
      if (ports.has(`${protocol}/${port}`)) errs.push(duplicate(at, goServicePortKey(protocol, port)));
      ports.add(`${protocol}/${port}`);
    }
  }
  readObject(errs, 'status', obj.status);
}

/**
 * `spec.clusterIP` may not change once allocated (ExternalName services excepted). An
 * update that leaves it out keeps the allocated one, as kube-apiserver does.
 */
export function validateServiceUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  if (n.spec?.type === 'ExternalName' || o.spec?.type === 'ExternalName') return;
  const newIP = typeof n.spec?.clusterIP === 'string' ? n.spec.clusterIP : '';
  const oldIP = typeof o.spec?.clusterIP === 'string' ? o.spec.clusterIP : '';
  if (oldIP && newIP && newIP !== oldIP) errs.push(invalid('spec.clusterIP', newIP, FIELD_IMMUTABLE));
}
