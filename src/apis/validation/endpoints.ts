// Endpoints (core/v1): ValidateEndpoints — every subset has addresses (ready or not), each
// a valid IP that is not unspecified, loopback or link-local (ValidateNonSpecialIP), with
// an optional hostname and nodeName; ports are valid and named when there are several.

import { isIP } from 'node:net';
import type { KubeObject } from '../kinds.ts';
import { checkEnum, child, index, invalid, present, readInt, readObjects, readString, required, type Errs, type Rec } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { checkDNS1123Label, checkIP, checkQualifiedName, isDNS1123Subdomain, isValidPortNum, nameIsDNSSubdomain } from './names.ts';
import { PROTOCOLS } from './pod.ts';

/** The 16 bytes of an IPv4 (as ::ffff:a.b.c.d) or IPv6 address; undefined when it is neither. */
function ipBytes(ip: string): number[] | undefined {
  const v4 = (s: string): number[] | undefined => {
    const parts = s.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) return undefined;
    return parts.map(Number);
  };
  const kind = isIP(ip);
  if (kind === 4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4(ip)!];
  if (kind !== 6) return undefined;
  let s = ip.replace(/%.*$/, '');
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const b = v4(dotted[1]!)!;
    s = `${s.slice(0, dotted.index)}:${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const hs = head ? head.split(':') : [];
  const rs = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? hs : [...hs, ...Array<string>(8 - hs.length - rs.length).fill('0'), ...rs];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

const isV4Mapped = (b: number[]): boolean => b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** ValidateNonSpecialIP: endpoints may not be unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(errs: Errs, path: string, ip: string): void {
  const b = ipBytes(ip);
  if (!b) {
    errs.push(invalid(path, ip, 'must be a valid IP address'));
    return;
  }
  const v4 = isV4Mapped(b) ? b.slice(12) : undefined;
  const unspecified = v4 ? v4.every((x) => x === 0) : b.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
  if (unspecified) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocalUnicast) errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
}

function validateAddress(errs: Errs, at: string, a: Rec): void {
  const ipPath = child(at, 'ip');
  const ip = readString(errs, ipPath, a.ip) ?? '';
  checkIP(errs, ipPath, ip);
  const hostname = readString(errs, child(at, 'hostname'), a.hostname);
  if (hostname) checkDNS1123Label(errs, child(at, 'hostname'), hostname);
  const nodeName = readString(errs, child(at, 'nodeName'), a.nodeName);
  if (nodeName !== undefined) for (const m of isDNS1123Subdomain(nodeName)) errs.push(invalid(child(at, 'nodeName'), nodeName, m));
  validateNonSpecialIP(errs, ipPath, ip);
}

function validatePort(errs: Errs, at: string, p: Rec, requireName: boolean): void {
  const name = readString(errs, child(at, 'name'), p.name) ?? '';
  if (requireName && !name) errs.push(required(child(at, 'name')));
  else if (name) checkDNS1123Label(errs, child(at, 'name'), name);
  const port = readInt(errs, child(at, 'port'), p.port) ?? (present(p.port) ? undefined : 0);
  if (port !== undefined) for (const m of isValidPortNum(port)) errs.push(invalid(child(at, 'port'), port, m));
  const protocol = readString(errs, child(at, 'protocol'), p.protocol);
  if (!protocol) {
    if (protocol === '' || p.protocol === undefined || p.protocol === null) errs.push(required(child(at, 'protocol')));
  } else checkEnum(errs, child(at, 'protocol'), protocol, PROTOCOLS);
  const appProtocol = readString(errs, child(at, 'appProtocol'), p.appProtocol);
  if (appProtocol !== undefined) checkQualifiedName(errs, child(at, 'appProtocol'), appProtocol);
}

export function validateEndpoints(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  for (const [ss, i] of readObjects(errs, 'subsets', obj.subsets)) {
    const at = index('subsets', i);
    const addresses = readObjects(errs, child(at, 'addresses'), ss.addresses);
    const notReady = readObjects(errs, child(at, 'notReadyAddresses'), ss.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [a, j] of addresses) validateAddress(errs, index(child(at, 'addresses'), j), a);
    for (const [a, j] of notReady) validateAddress(errs, index(child(at, 'notReadyAddresses'), j), a);
    const ports = readObjects(errs, child(at, 'ports'), ss.ports);
    for (const [p, j] of ports) validatePort(errs, index(child(at, 'ports'), j), p, ports.length > 1);
  }
}
