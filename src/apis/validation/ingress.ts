// Ingresses (networking.k8s.io/v1): ValidateIngressCreate of pkg/apis/networking/validation —
// a default backend or rules; hosts as DNS names or `*.` wildcards; HTTP paths with their
// pathType; backends naming a service (and a port by name or number) or a resource.

import { isIP } from 'node:net';
import type { KubeObject } from '../kinds.ts';
import {
  Literal,
  child,
  index,
  invalid,
  isRec,
  notSupported,
  present,
  readInt,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import {
  byteLength,
  checkWith,
  isDNS1035Label,
  isDNS1123Subdomain,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  maxLenError,
  nameIsDNSSubdomain,
  regexError,
} from './names.ts';

export const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'] as const;
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
/** The annotation that named an Ingress's class before spec.ingressClassName. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const dns1123SubdomainFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const wildcardDNS1123SubdomainFmt = `\\*\\.${dns1123SubdomainFmt}`;
const wildcardDNS1123SubdomainRegexp = new RegExp(`^${wildcardDNS1123SubdomainFmt}$`);
const wildcardDNS1123SubdomainErrMsg =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** validation.IsWildcardDNS1123Subdomain: `*.example.com`. */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!wildcardDNS1123SubdomainRegexp.test(value)) errs.push(regexError(wildcardDNS1123SubdomainErrMsg, wildcardDNS1123SubdomainFmt, '*.example.com'));
  return errs;
}

/** A host of a rule or a TLS entry: a wildcard when it has a `*`, else a DNS subdomain. */
const checkHost = (errs: Errs, path: string, host: string): void => {
  checkWith(errs, path, host, host.includes('*') ? isWildcardDNS1123Subdomain : isDNS1123Subdomain);
};

/** validateIngressTypedLocalObjectReference: a backend's (or a class's parameters') resource. */
export function validateTypedLocalObjectReference(errs: Errs, path: string, ref: Rec): void {
  const apiGroup = readString(errs, child(path, 'apiGroup'), ref.apiGroup);
  if (apiGroup !== undefined) checkWith(errs, child(path, 'apiGroup'), apiGroup, isDNS1123Subdomain);
  for (const f of ['kind', 'name'] as const) {
    const s = readString(errs, child(path, f), ref[f]) ?? '';
    if (!s) errs.push(required(child(path, f), `${f} is required`));
    else checkWith(errs, child(path, f), s, isValidPathSegmentName);
  }
}

/** validateIngressBackend: a service (name and port) or a resource, exactly one. */
function validateBackend(errs: Errs, path: string, v: unknown): void {
  const backend = readObject(errs, path, v) ?? {};
  const resource = readObject(errs, child(path, 'resource'), backend.resource);
  const service = readObject(errs, child(path, 'service'), backend.service);
  if (present(backend.resource) && present(backend.service)) {
    errs.push(invalid(path, '', 'cannot set both resource and service backends'));
    return;
  }
  if (resource) {
    validateTypedLocalObjectReference(errs, child(path, 'resource'), resource);
    return;
  }
  if (!service) {
    if (!present(backend.resource) && !present(backend.service)) errs.push(invalid(path, '', 'resource or service backend is required'));
    return;
  }
  const name = readString(errs, child(path, 'service', 'name'), service.name) ?? '';
  if (!name) errs.push(required(child(path, 'service', 'name')));
  else checkWith(errs, child(path, 'service', 'name'), name, isDNS1035Label);
  const port = readObject(errs, child(path, 'service', 'port'), service.port) ?? {};
  const portName = readString(errs, child(path, 'service', 'port', 'name'), port.name) ?? '';
  const portNumber = readInt(errs, child(path, 'service', 'port', 'number'), port.number) ?? 0;
  if (portName && portNumber) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) checkWith(errs, child(path, 'service', 'port', 'name'), portName, isValidPortName);
  else if (portNumber) for (const m of isValidPortNum(portNumber)) errs.push(invalid(child(path, 'service', 'port', 'number'), portNumber, m));
  else errs.push(required(path, 'port name or number is required'));
}

/** validateHTTPIngressPath: a pathType, an absolute path for Exact and Prefix, a backend. */
function validatePath(errs: Errs, path: string, p: Rec): void {
  const pathType = readString(errs, child(path, 'pathType'), p.pathType);
  const value = readString(errs, child(path, 'path'), p.path) ?? '';
  if (pathType === undefined) {
    if (!present(p.pathType)) errs.push(required(child(path, 'pathType'), 'pathType must be specified'));
    return;
  }
  const at = child(path, 'path');
  switch (pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(invalid(at, value, 'must be an absolute path'));
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalid(at, value, `must not contain '${seq}'`));
      for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(invalid(at, value, `cannot end with '${suffix}'`));
      break;
    case 'ImplementationSpecific':
      if (value && !value.startsWith('/')) errs.push(invalid(at, value, 'must be an absolute path'));
      break;
    default:
      errs.push(notSupported(child(path, 'pathType'), pathType, PATH_TYPES));
  }
  validateBackend(errs, child(path, 'backend'), p.backend);
}

function validateRules(errs: Errs, path: string, rules: Array<[Rec, number]>): void {
  for (const [rule, i] of rules) {
    const at = index(path, i);
    const host = readString(errs, child(at, 'host'), rule.host) ?? '';
    if (host) {
      if (isIP(host)) errs.push(invalid(child(at, 'host'), host, 'must be a DNS name, not an IP address'));
      checkHost(errs, child(at, 'host'), host);
    }
    const http = readObject(errs, child(at, 'http'), rule.http);
    if (!http) continue;
    const pathsPath = child(at, 'http', 'paths');
    const paths = readObjects(errs, pathsPath, http.paths);
    if (!paths.length && !(Array.isArray(http.paths) && http.paths.length)) errs.push(required(pathsPath));
    for (const [p, j] of paths) validatePath(errs, index(pathsPath, j), p);
  }
}

function validateTLS(errs: Errs, path: string, tls: Array<[Rec, number]>): void {
  for (const [t, i] of tls) {
    const at = index(path, i);
    (readStringArray(errs, child(at, 'hosts'), t.hosts) ?? []).forEach((host, j) => checkHost(errs, index(child(at, 'hosts'), j), host));
    const secretName = readString(errs, child(at, 'secretName'), t.secretName);
    if (secretName) checkWith(errs, child(at, 'secretName'), secretName, isDNS1123Subdomain);
  }
}

/** The Go value of an empty rules list in `either defaultBackend or rules` (nil or empty). */
const goRules = (v: unknown): Literal => new Literal(Array.isArray(v) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)');

export function validateIngress(errs: Errs, obj: KubeObject): void {
  const meta = validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = (present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {}) ?? {};
  const rules = readObjects(errs, 'spec.rules', s.rules);
  const hasRules = Array.isArray(s.rules) && s.rules.length > 0;
  if (!hasRules && !present(s.defaultBackend)) errs.push(invalid('spec', goRules(s.rules), 'either `defaultBackend` or `rules` must be specified'));
  if (present(s.defaultBackend)) validateBackend(errs, 'spec.defaultBackend', s.defaultBackend);
  validateRules(errs, 'spec.rules', rules);
  validateTLS(errs, 'spec.tls', readObjects(errs, 'spec.tls', s.tls));
  const className = readString(errs, 'spec.ingressClassName', s.ingressClassName);
  if (className !== undefined) checkWith(errs, 'spec.ingressClassName', className, (n) => nameIsDNSSubdomain(n, false));
  const annotations = isRec(meta?.annotations) ? meta.annotations : {};
  const annotated = annotations[INGRESS_CLASS_ANNOTATION];
  if (typeof annotated === 'string' && className !== undefined && annotated !== className) {
    errs.push(invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotated, 'must match `ingressClassName` when both are specified'));
  }
  const status = readObject(errs, 'status', obj.status);
  const lb = status ? readObject(errs, 'status.loadBalancer', status.loadBalancer) : undefined;
  for (const [ing, i] of lb ? readObjects(errs, 'status.loadBalancer.ingress', lb.ingress) : []) {
    const at = index('status.loadBalancer.ingress', i);
    const ip = readString(errs, child(at, 'ip'), ing.ip);
    if (ip && !isIP(ip)) errs.push(invalid(child(at, 'ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    const hostname = readString(errs, child(at, 'hostname'), ing.hostname);
    if (hostname) {
      checkWith(errs, child(at, 'hostname'), hostname, isDNS1123Subdomain);
      if (isIP(hostname)) errs.push(invalid(child(at, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  }
}
