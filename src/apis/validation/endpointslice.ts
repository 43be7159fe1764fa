// EndpointSlices (discovery.k8s.io/v1): ValidateEndpointSliceCreate — addressType,
// endpoints and their addresses, ports — and the immutable addressType.

import type { KubeObject } from '../kinds.ts';
import {
  FIELD_IMMUTABLE,
  checkEnum,
  child,
  duplicate,
  index,
  invalid,
  notSupported,
  present,
  readBool,
  readInt,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  tooMany,
  type Errs,
} from './field.ts';
import { validateLabels, validateObjectMeta } from './meta.ts';
import { checkDNS1123Label, checkFQDN, checkIPv4, checkIPv6, checkQualifiedName, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';
import { PROTOCOLS } from './pod.ts';

/** sets.List(supportedAddressTypes). */
export const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'] as const;
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

export function validateEndpointSlice(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });

  const addressType = readString(errs, 'addressType', obj.addressType);
  if (!addressType) {
    if (!present(obj.addressType) || addressType === '') errs.push(required('addressType'));
  } else if (!(ADDRESS_TYPES as readonly string[]).includes(addressType)) {
    errs.push(notSupported('addressType', addressType, ADDRESS_TYPES));
  }

  const endpoints = readObjects(errs, 'endpoints', obj.endpoints);
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  else {
    for (const [e, i] of endpoints) {
      const at = index('endpoints', i);
      const addrPath = child(at, 'addresses');
      const addresses = readStringArray(errs, addrPath, e.addresses) ?? [];
      if (addresses.length === 0) errs.push(required(addrPath, 'must contain at least 1 address'));
      else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(addrPath, addresses.length, MAX_ADDRESSES));
      addresses.forEach((a, j) => {
        if (addressType === 'IPv4') checkIPv4(errs, index(addrPath, j), a);
        else if (addressType === 'IPv6') checkIPv6(errs, index(addrPath, j), a);
        else if (addressType === 'FQDN') checkFQDN(errs, index(addrPath, j), a);
      });
      const conditions = readObject(errs, child(at, 'conditions'), e.conditions);
      for (const c of ['ready', 'serving', 'terminating']) readBool(errs, child(at, 'conditions', c), conditions?.[c]);
      const nodeName = readString(errs, child(at, 'nodeName'), e.nodeName);
      if (nodeName !== undefined) for (const m of isDNS1123Subdomain(nodeName)) errs.push(invalid(child(at, 'nodeName'), nodeName, m));
      const hostname = readString(errs, child(at, 'hostname'), e.hostname);
      if (hostname !== undefined) checkDNS1123Label(errs, child(at, 'hostname'), hostname);
      readString(errs, child(at, 'zone'), e.zone);
      readObject(errs, child(at, 'targetRef'), e.targetRef);
      readObject(errs, child(at, 'hints'), e.hints);
      validateLabels(errs, child(at, 'deprecatedTopology'), e.deprecatedTopology);
    }
  }

  const ports = readObjects(errs, 'ports', obj.ports);
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS));
  const names = new Set<string>();
  for (const [p, i] of ports) {
    const at = index('ports', i);
    const name = readString(errs, child(at, 'name'), p.name) ?? '';
    if (name) checkDNS1123Label(errs, child(at, 'name'), name);
    if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
    names.add(name);
    checkEnum(errs, child(at, 'protocol'), p.protocol, PROTOCOLS);
    readInt(errs, child(at, 'port'), p.port);
    const appProtocol = readString(errs, child(at, 'appProtocol'), p.appProtocol);
    if (appProtocol !== undefined) checkQualifiedName(errs, child(at, 'appProtocol'), appProtocol);
  }
}

export function validateEndpointSliceUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  if (n.addressType !== o.addressType) errs.push(invalid('addressType', n.addressType ?? '', FIELD_IMMUTABLE));
}
