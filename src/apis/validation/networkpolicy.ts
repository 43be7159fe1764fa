// NetworkPolicies (networking.k8s.io/v1): ValidateNetworkPolicy of
// pkg/apis/networking/validation — the pod selector, each rule's ports (with endPort
// ranges) and peers (a pod or namespace selector, or an ipBlock alone), the policy types.

import { isIPv4, isIPv6 } from 'node:net';
import type { KubeObject } from '../kinds.ts';
import {
  Literal,
  child,
  forbidden,
  index,
  invalid,
  notSupported,
  present,
  readArray,
  readInt,
  readIntOrString,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.ts';
import { validateLabelSelector } from './selector.ts';

export const POLICY_TYPES = ['Ingress', 'Egress'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** A parsed CIDR: its network address as a number, the prefix length, and the family's bit width. */
interface Cidr {
  bits: 32 | 128;
  network: bigint;
  prefix: number;
}

/** An IP address (as node:net validated it) as one number. */
function ipToBigInt(ip: string): bigint {
  if (isIPv4(ip)) return ip.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  const groups = (s: string): string[] => {
    const parts = s ? s.split(':') : [];
    const last = parts.at(-1);
    if (last === undefined || !isIPv4(last)) return parts;
    const v4 = ipToBigInt(last); // an embedded IPv4 tail (::ffff:10.0.0.1) is two groups
    return [...parts.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
  };
  const gap = ip.indexOf('::');
  const head = groups(gap < 0 ? ip : ip.slice(0, gap));
  const tail = gap < 0 ? [] : groups(ip.slice(gap + 2));
  const all = gap < 0 ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** net.ParseCIDR: `address/prefix`; undefined when it is not one. */
export function parseCIDR(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  const bits = isIPv4(ip) ? 32 : isIPv6(ip) ? 128 : 0;
  if (!bits || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { bits, network: ipToBigInt(ip) & mask, prefix };
}

/** ValidateIPBlock: a CIDR, and excepts that are strict subsets of it. */
function validateIPBlock(errs: Errs, path: string, block: Rec): void {
  const cidr = readString(errs, child(path, 'cidr'), block.cidr) ?? '';
  const except = readStringArray(errs, child(path, 'except'), block.except) ?? [];
  if (!cidr) {
    errs.push(required(child(path, 'cidr')));
    return;
  }
  const outer = parseCIDR(cidr);
  if (!outer) {
    errs.push(invalid(child(path, 'cidr'), cidr, 'not a valid CIDR'));
    return;
  }
  for (const [i, e] of except.entries()) {
    const at = index(child(path, 'except'), i);
    const inner = parseCIDR(e);
    if (!inner) {
      errs.push(invalid(at, e, 'not a valid CIDR'));
      return;
    }
    const shift = BigInt(outer.bits - outer.prefix);
    const contained = inner.bits === outer.bits && inner.network >> shift === outer.network >> shift;
    if (!contained || outer.prefix >= inner.prefix) errs.push(invalid(at, e, 'must be a strict subset of `cidr`'));
  }
}

/** ValidateNetworkPolicyPeer: one of the selectors (or both), or an ipBlock alone. */
function validatePeer(errs: Errs, path: string, peer: Rec): void {
  let peers = 0;
  for (const f of ['podSelector', 'namespaceSelector'] as const) {
    if (!present(peer[f])) continue;
    peers++;
    validateLabelSelector(errs, child(path, f), peer[f]);
  }
  if (present(peer.ipBlock)) {
    peers++;
    const block = readObject(errs, child(path, 'ipBlock'), peer.ipBlock);
    if (block) validateIPBlock(errs, child(path, 'ipBlock'), block);
  }
  if (peers === 0) errs.push(required(path, 'must specify a peer'));
  else if (peers > 1 && present(peer.ipBlock)) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
}

/** ValidateNetworkPolicyPort: a protocol, a port number or name, and an endPort only after a numeric port. */
function validatePort(errs: Errs, path: string, p: Rec): void {
  const protocol = readString(errs, child(path, 'protocol'), p.protocol);
  if (protocol !== undefined && !PROTOCOLS.includes(protocol)) errs.push(notSupported(child(path, 'protocol'), protocol, PROTOCOLS));
  const port = readIntOrString(errs, child(path, 'port'), p.port);
  const endPort = readInt(errs, child(path, 'endPort'), p.endPort);
  if (typeof port === 'number') {
    for (const m of isValidPortNum(port)) errs.push(invalid(child(path, 'port'), port, m));
    if (endPort !== undefined) {
      // Kubernetes prints the port here, not the endPort.
      if (endPort < port) errs.push(invalid(child(path, 'endPort'), port, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(endPort)) errs.push(invalid(child(path, 'endPort'), endPort, m));
    }
  } else if (typeof port === 'string') {
    if (endPort !== undefined) errs.push(invalid(child(path, 'endPort'), endPort, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(port)) errs.push(invalid(child(path, 'port'), port, m));
  } else if (endPort !== undefined && !present(p.port)) {
    errs.push(invalid(child(path, 'endPort'), endPort, 'may not be specified when `port` is not specified'));
  }
}

function validateRules(errs: Errs, path: string, v: unknown, peersField: 'from' | 'to'): void {
  for (const [rule, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    for (const [p, j] of readObjects(errs, child(at, 'ports'), rule.ports)) validatePort(errs, index(child(at, 'ports'), j), p);
    for (const [peer, j] of readObjects(errs, child(at, peersField), rule[peersField])) validatePeer(errs, index(child(at, peersField), j), peer);
  }
}

export function validateNetworkPolicy(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = (present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {}) ?? {};
  // Kubernetes 1.30's schema requires the selector ({} selects every pod of the namespace).
  if (!present(s.podSelector)) errs.push(required('spec.podSelector'));
  else validateLabelSelector(errs, 'spec.podSelector', s.podSelector);
  validateRules(errs, 'spec.ingress', s.ingress, 'from');
  validateRules(errs, 'spec.egress', s.egress, 'to');
  const types = readArray(errs, 'spec.policyTypes', s.policyTypes) ?? [];
  if (types.length > POLICY_TYPES.length) {
    const goTypes = types.every((x) => typeof x === 'string')
      ? new Literal(`[]networking.PolicyType{${types.map((x) => JSON.stringify(x)).join(', ')}}`)
      : types;
    errs.push(invalid('spec.policyTypes', goTypes, 'may not specify more than two policyTypes'));
    return;
  }
  types.forEach((t, i) => {
    const type = readString(errs, index('spec.policyTypes', i), t);
    if (type !== undefined && !(POLICY_TYPES as readonly string[]).includes(type)) errs.push(notSupported(index('spec.policyTypes', i), type, POLICY_TYPES));
  });
}
