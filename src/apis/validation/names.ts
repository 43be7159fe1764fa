// Name and string formats of k8s.io/apimachinery/pkg/util/validation and
// pkg/api/validation (NameIsDNSSubdomain & co.), with Kubernetes' messages. Each check
// returns its error messages; an empty array means valid. Label keys and values come
// from src/apimachinery/labels.ts.

import { isIP, isIPv4, isIPv6 } from 'node:net';
import {
  byteLength,
  emptyError,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  maxLenError,
  regexError,
  validateLabelKey,
  validateLabelValue,
} from '../../apimachinery/validation.ts';
import { invalid, required, type Errs } from './field.ts';

export { validateLabelKey as isQualifiedName, validateLabelValue as isValidLabelValue };
export { byteLength, emptyError, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, maxLenError, regexError };

/** A ValidateNameFunc: the messages for a name, or for a generateName prefix when `prefix`. */
export type NameFn = (name: string, prefix: boolean) => string[];

/** maskTrailingDash: a generateName prefix may end in '-' (the random suffix follows). */
const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

/** NameIsDNSSubdomain: Pods, Nodes, Deployments, ReplicaSets, EndpointSlices, Leases, ServiceAccounts. */
export const nameIsDNSSubdomain: NameFn = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** NameIsDNSLabel: Namespaces. */
export const nameIsDNSLabel: NameFn = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
/** NameIsDNS1035Label: Services (their names become DNS labels and env var prefixes). */
export const nameIsDNS1035Label: NameFn = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** path.IsValidPathSegmentName: what every name must be (Events, RBAC objects). */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  if (name.includes('/')) errs.push("may not contain '/'");
  if (name.includes('%')) errs.push("may not contain '%'");
  return errs;
}
/** path.ValidatePathSegmentName. */
export const nameIsPathSegment: NameFn = (name, prefix) => {
  if (!prefix) return isValidPathSegmentName(name);
  const errs: string[] = [];
  if (name.includes('/')) errs.push("may not contain '/'");
  if (name.includes('%')) errs.push("may not contain '%'");
  return errs;
};
/** rbac's ValidateRBACName: IsValidPathSegmentName, for names and prefixes alike. */
export const nameIsRBAC: NameFn = (name) => isValidPathSegmentName(name);

/** validation.IsValidPortNum. */
export const isValidPortNum = (port: number): string[] => (port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive']);

/** validation.IsValidPortName (an IANA_SVC_NAME). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** validation.IsValidPercent. */
export const isValidPercent = (s: string): string[] =>
  /^[0-9]+%$/.test(s) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')];

/** validation.IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, GA in 1.34). */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c > 0x7e || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
/** validation.IsConfigMapKey: Secret and ConfigMap keys. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  }
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** validation.IsValidIP (field form). */
export function checkIP(errs: Errs, path: string, value: string): void {
  if (!isIP(value)) errs.push(invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
}
export function checkIPv4(errs: Errs, path: string, value: string): void {
  if (!isIPv4(value)) errs.push(invalid(path, value, 'must be a valid IPv4 address'));
}
export function checkIPv6(errs: Errs, path: string, value: string): void {
  if (!isIPv6(value)) errs.push(invalid(path, value, 'must be a valid IPv6 address'));
}

/** validation.IsFullyQualifiedDomainName. */
export function checkFQDN(errs: Errs, path: string, value: string): void {
  if (value.length === 0) {
    errs.push(required(path));
    return;
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length) {
    errs.push(invalid(path, name, sub.join(',')));
    return;
  }
  const labels = name.split('.');
  if (labels.length < 2) {
    errs.push(invalid(path, name, 'should be a domain with at least two segments separated by dots'));
    return;
  }
  for (const label of labels) {
    const e = isDNS1123Label(label);
    if (e.length) {
      errs.push(invalid(path, label, e.join(',')));
      return;
    }
  }
}

/** Runs a message-returning check and records each message as `Invalid value` at `path`. */
export function checkWith(errs: Errs, path: string, value: string, check: (v: string) => string[]): boolean {
  const msgs = check(value);
  for (const m of msgs) errs.push(invalid(path, value, m));
  return msgs.length === 0;
}

/** ValidateDNS1123Label at a path. */
export const checkDNS1123Label = (errs: Errs, path: string, value: string): boolean => checkWith(errs, path, value, isDNS1123Label);
/** ValidateDNS1123Subdomain at a path. */
export const checkDNS1123Subdomain = (errs: Errs, path: string, value: string): boolean => checkWith(errs, path, value, isDNS1123Subdomain);
/** ValidateQualifiedName at a path. */
export const checkQualifiedName = (errs: Errs, path: string, value: string): boolean => checkWith(errs, path, value, validateLabelKey);
