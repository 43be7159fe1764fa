// Pods and pod templates: pkg/apis/core/validation's ValidatePodSpec (the parts users
// hit: containers, images, ports, env, resources, volumes and mounts, probes, policies,
// tolerations), ValidatePodTemplateSpec and ValidatePodUpdate.
//
// Fields that Kubernetes' defaulting fills (restartPolicy, dnsPolicy, imagePullPolicy,
// protocol, probe thresholds, …) are checked when present and accepted when absent, so an
// object validates the same before and after applyDefaults.

import { parseQuantity, type Quantity } from '../quantity.ts';
import type { KubeObject } from '../kinds.ts';
import { changedKeys, semanticEqual } from './equality.ts';
import {
  IS_NEGATIVE,
  Literal,
  checkEnum,
  checkNonNegative,
  child,
  duplicate,
  forbidden,
  inclusiveRangeError,
  index,
  invalid,
  isRec,
  key,
  notFound,
  notSupported,
  present,
  quote,
  readArray,
  readBool,
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
import { validateAnnotations, validateLabels, validateObjectMeta } from './meta.ts';
import {
  checkDNS1123Label,
  checkDNS1123Subdomain,
  checkQualifiedName,
  checkWith,
  isConfigMapKey,
  isDNS1123Subdomain,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
  regexError,
} from './names.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
/** sets.List(supportedPortProtocols): sorted. */
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
const HTTP_SCHEMES = ['HTTP', 'HTTPS'] as const;
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'] as const;
/** sets.List(supportedHostPathTypes). */
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'] as const;
/** sets.List(validEnvDownwardAPIFieldPathExpressions). */
const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
] as const;
const MAX_INT32 = 2147483647;
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** The volume sources of core.VolumeSource, in the order Kubernetes checks them. */
export const VOLUME_SOURCES = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'csi',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'projected',
  'scaleIO',
  'storageos',
  'ephemeral',
  'image',
] as const;

// ---- quantities and resources ------------------------------------------------------

/** A quantity field: `Invalid value: "abc": quantities must match the regular expression …`. */
export function readQuantity(errs: Errs, path: string, v: unknown): Quantity | undefined {
  if (!present(v)) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') {
    errs.push(invalid(path, v, 'must be of type string'));
    return undefined;
  }
  try {
    return parseQuantity(v);
  } catch (e) {
    errs.push(invalid(path, v, (e as Error).message));
    return undefined;
  }
}

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
/** helper.IsNativeResource: no domain, or a kubernetes.io one. */
const isNativeResource = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
/** helper.IsExtendedResourceName: `example.com/gpu`. */
const isExtendedResource = (name: string): boolean =>
  !isNativeResource(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePages(name);

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** v1helper's standardResources: what a resource name may be without a domain. */
export const STANDARD_RESOURCES: ReadonlySet<string> = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const isStandardResource = (name: string): boolean => STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith('requests.hugepages-');

/** validateContainerResourceName. */
function validateContainerResourceName(errs: Errs, path: string, name: string): void {
  const before = errs.length;
  for (const m of isQualifiedName(name)) errs.push(invalid(path, name, m));
  if (errs.length === before && !name.includes('/') && !isStandardResource(name)) {
    errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
}

/** ValidateResourceQuantityValue: non-negative, and whole for extended resources. */
function validateQuantityValue(errs: Errs, path: string, name: string, q: Quantity): void {
  if (q.nano < 0n) errs.push(invalid(path, q.toString(), IS_NEGATIVE));
  if (isExtendedResource(name) && q.milli % 1000 !== 0) errs.push(invalid(path, q.toString(), 'must be an integer'));
}

/** A ResourceList of quantities (capacity, overhead, …), with paths from `at(name)`. */
export function validateResourceList(errs: Errs, path: string, v: unknown, at: (name: string) => string): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  const list = readObject(errs, path, v);
  if (!list) return out;
  for (const [name, raw] of Object.entries(list)) {
    const q = readQuantity(errs, at(name), raw);
    if (!q) continue;
    validateQuantityValue(errs, at(name), name, q);
    out.set(name, q);
  }
  return out;
}

/** ValidateContainerResourceRequirements. */
function validateResources(errs: Errs, path: string, v: unknown): void {
  const r = readObject(errs, path, v);
  if (!r) return;
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(readObject(errs, limPath, r.limits) ?? {})) {
    const at = key(limPath, name);
    validateContainerResourceName(errs, at, name);
    const q = readQuantity(errs, at, raw);
    if (!q) continue;
    validateQuantityValue(errs, at, name, q);
    limits.set(name, q);
  }
  for (const [name, raw] of Object.entries(readObject(errs, reqPath, r.requests) ?? {})) {
    const at = key(reqPath, name);
    validateContainerResourceName(errs, at, name);
    const q = readQuantity(errs, at, raw);
    if (!q) continue;
    validateQuantityValue(errs, at, name, q);
    const limit = limits.get(name);
    if (limit) {
      if (!isOvercommitAllowed(name) && q.cmp(limit) !== 0) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name) && !present((r.limits as Rec | undefined)?.[name])) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  readArray(errs, child(path, 'claims'), r.claims);
}

// ---- ports, env, mounts, probes ----------------------------------------------------

/** ValidatePortNumOrName. An absent port is the zero IntOrString, i.e. port 0. */
function validatePortNumOrName(errs: Errs, path: string, v: unknown): void {
  const port = readIntOrString(errs, path, v) ?? (present(v) ? undefined : 0);
  if (port === undefined) return;
  if (typeof port === 'number') for (const m of isValidPortNum(port)) errs.push(invalid(path, port, m));
  else for (const m of isValidPortName(port)) errs.push(invalid(path, port, m));
}

function validateContainerPorts(errs: Errs, path: string, v: unknown, hostNetwork: boolean): void {
  const names = new Set<string>();
  for (const [p, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    const name = readString(errs, child(at, 'name'), p.name);
    if (name) {
      if (checkWith(errs, child(at, 'name'), name, isValidPortName)) {
        if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
        else names.add(name);
      }
    }
    const containerPort = readInt(errs, child(at, 'containerPort'), p.containerPort);
    if (!containerPort) {
      if (containerPort === 0 || !present(p.containerPort)) errs.push(required(child(at, 'containerPort')));
    } else {
      for (const m of isValidPortNum(containerPort)) errs.push(invalid(child(at, 'containerPort'), containerPort, m));
    }
    const hostPort = readInt(errs, child(at, 'hostPort'), p.hostPort);
    if (hostPort) for (const m of isValidPortNum(hostPort)) errs.push(invalid(child(at, 'hostPort'), hostPort, m));
    checkEnum(errs, child(at, 'protocol'), p.protocol, PROTOCOLS);
    readString(errs, child(at, 'hostIP'), p.hostIP);
    if (hostNetwork && hostPort && containerPort && hostPort !== containerPort) {
      errs.push(invalid(child(at, 'containerPort'), containerPort, 'must match `hostPort` when `hostNetwork` is true'));
    }
  }
}

function validateKeySelector(errs: Errs, path: string, s: Rec): void {
  const name = readString(errs, child(path, 'name'), s.name) ?? '';
  for (const m of isDNS1123Subdomain(name)) errs.push(invalid(child(path, 'name'), name, m));
  const k = readString(errs, child(path, 'key'), s.key);
  if (!k) errs.push(required(child(path, 'key')));
  else checkWith(errs, child(path, 'key'), k, isConfigMapKey);
  readBool(errs, child(path, 'optional'), s.optional);
}

/** validateEnvVarValueFrom. */
function validateEnvValueFrom(errs: Errs, path: string, from: Rec, value: string | undefined): void {
  let sources = 0;
  const fieldRef = readObject(errs, child(path, 'fieldRef'), from.fieldRef);
  if (fieldRef) {
    sources++;
    const at = child(path, 'fieldRef');
    const fieldPath = readString(errs, child(at, 'fieldPath'), fieldRef.fieldPath);
    readString(errs, child(at, 'apiVersion'), fieldRef.apiVersion);
    if (!fieldPath) errs.push(required(child(at, 'fieldPath')));
    else {
      const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath);
      if (m) {
        const sub = m[1] === 'metadata.annotations' ? m[2]!.toLowerCase() : m[2]!;
        for (const msg of isQualifiedName(sub)) errs.push(invalid(at, sub, msg));
      } else if (!(ENV_FIELD_PATHS as readonly string[]).includes(fieldPath)) {
        errs.push(notSupported(child(at, 'fieldPath'), fieldPath, ENV_FIELD_PATHS));
      }
    }
  }
  const resourceFieldRef = readObject(errs, child(path, 'resourceFieldRef'), from.resourceFieldRef);
  if (resourceFieldRef) {
    sources++;
    const at = child(path, 'resourceFieldRef');
    if (!readString(errs, child(at, 'resource'), resourceFieldRef.resource)) errs.push(required(child(at, 'resource')));
    readQuantity(errs, child(at, 'divisor'), resourceFieldRef.divisor);
  }
  for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const sel = readObject(errs, child(path, ref), from[ref]);
    if (sel) {
      sources++;
      validateKeySelector(errs, child(path, ref), sel);
    }
  }
  if (present(from.fileKeyRef)) sources++;
  if (sources === 0) {
    errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (value) {
    errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
}

function validateEnv(errs: Errs, path: string, v: unknown): void {
  for (const [e, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    const name = readString(errs, child(at, 'name'), e.name);
    if (!name) errs.push(required(child(at, 'name')));
    else checkWith(errs, child(at, 'name'), name, isRelaxedEnvVarName);
    const value = readString(errs, child(at, 'value'), e.value);
    const from = readObject(errs, child(at, 'valueFrom'), e.valueFrom);
    if (from) validateEnvValueFrom(errs, child(at, 'valueFrom'), from, value);
  }
}

function validateEnvFrom(errs: Errs, path: string, v: unknown): void {
  for (const [e, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    readString(errs, child(at, 'prefix'), e.prefix);
    const refs = (['configMapRef', 'secretRef'] as const).filter((r) => readObject(errs, child(at, r), e[r]));
    if (refs.length === 0) errs.push(invalid(at, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1) errs.push(invalid(at, '', 'may not have more than one field specified at a time'));
    for (const r of refs) {
      const name = readString(errs, child(at, r, 'name'), (e[r] as Rec).name) ?? '';
      for (const m of isDNS1123Subdomain(name)) errs.push(invalid(child(at, r, 'name'), name, m));
    }
  }
}

function validateVolumeMounts(errs: Errs, path: string, v: unknown, volumes: ReadonlySet<string>): void {
  const mountPoints = new Set<string>();
  for (const [m, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    const name = readString(errs, child(at, 'name'), m.name) ?? '';
    if (!name) errs.push(required(child(at, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(at, 'name'), name));
    const mountPath = readString(errs, child(at, 'mountPath'), m.mountPath) ?? '';
    if (!mountPath) errs.push(required(child(at, 'mountPath')));
    if (mountPoints.has(mountPath)) errs.push(invalid(child(at, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    readBool(errs, child(at, 'readOnly'), m.readOnly);
    const subPath = readString(errs, child(at, 'subPath'), m.subPath);
    if (subPath) validateLocalDescendingPath(errs, child(at, 'subPath'), subPath);
    checkEnum(errs, child(at, 'mountPropagation'), m.mountPropagation, ['None', 'HostToContainer', 'Bidirectional']);
  }
}

/** validateLocalDescendingPath: relative, without `..`. */
function validateLocalDescendingPath(errs: Errs, path: string, p: string): void {
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

/** validateHandler: exactly one handler type. */
function validateHandler(errs: Errs, path: string, h: Rec, handlers: readonly string[]): void {
  let n = 0;
  for (const type of handlers) {
    if (!present(h[type])) continue;
    const at = child(path, type);
    if (n > 0) {
      errs.push(forbidden(at, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const a = readObject(errs, at, h[type]);
    if (!a) continue;
    switch (type) {
      case 'exec':
        if (!readStringArray(errs, child(at, 'command'), a.command)?.length) errs.push(required(child(at, 'command')));
        break;
      case 'httpGet': {
        readString(errs, child(at, 'path'), a.path);
        readString(errs, child(at, 'host'), a.host);
        validatePortNumOrName(errs, child(at, 'port'), a.port);
        checkEnum(errs, child(at, 'scheme'), a.scheme, HTTP_SCHEMES);
        for (const [hdr, i] of readObjects(errs, child(at, 'httpHeaders'), a.httpHeaders)) {
          const name = readString(errs, child(index(child(at, 'httpHeaders'), i), 'name'), hdr.name) ?? '';
          if (!/^[-A-Za-z0-9]+$/.test(name)) {
            errs.push(
              invalid(
                child(at, 'httpHeaders'),
                name,
                regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name'),
              ),
            );
          }
        }
        break;
      }
      case 'tcpSocket':
        validatePortNumOrName(errs, child(at, 'port'), a.port);
        break;
      case 'grpc': {
        const port = readInt(errs, child(at, 'port'), a.port) ?? 0;
        for (const m of isValidPortNum(port)) errs.push(invalid(child(at, 'port'), port, m));
        readString(errs, child(at, 'service'), a.service);
        break;
      }
      case 'sleep':
        checkNonNegative(errs, child(at, 'seconds'), a.seconds);
        break;
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
}

function validateProbe(errs: Errs, path: string, v: unknown, kind: 'liveness' | 'readiness' | 'startup'): void {
  const p = readObject(errs, path, v);
  if (!p) return;
  validateHandler(errs, path, p, PROBE_HANDLERS);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    checkNonNegative(errs, child(path, f), p[f]);
  }
  const success = readInt([], '', p.successThreshold);
  if (kind !== 'readiness' && success !== undefined && success !== 1) errs.push(invalid(child(path, 'successThreshold'), success, 'must be 1'));
  const grace = readInt(errs, child(path, 'terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds);
  if (grace !== undefined) {
    if (kind === 'readiness') errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), grace, 'must not be set for readinessProbes'));
    else if (grace <= 0) errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), grace, 'must be greater than 0'));
  }
}

function validateLifecycle(errs: Errs, path: string, v: unknown): void {
  const l = readObject(errs, path, v);
  if (!l) return;
  for (const hook of ['postStart', 'preStop'] as const) {
    const h = readObject(errs, child(path, hook), l[hook]);
    if (h) validateHandler(errs, child(path, hook), h, LIFECYCLE_HANDLERS);
  }
  readString(errs, child(path, 'stopSignal'), l.stopSignal);
}

function validateSecurityContext(errs: Errs, path: string, v: unknown, pod: boolean): void {
  const sc = readObject(errs, path, v);
  if (!sc) return;
  for (const f of ['runAsUser', 'runAsGroup', ...(pod ? ['fsGroup'] : [])]) {
    const id = readInt(errs, child(path, f), sc[f]);
    if (id !== undefined && (id < 0 || id > MAX_INT32)) errs.push(invalid(child(path, f), id, inclusiveRangeError(0, MAX_INT32)));
  }
  for (const f of ['runAsNonRoot', ...(pod ? [] : ['privileged', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation'])]) {
    readBool(errs, child(path, f), sc[f]);
  }
  if (!pod) {
    const caps = readObject(errs, child(path, 'capabilities'), sc.capabilities);
    if (caps) for (const f of ['add', 'drop']) readStringArray(errs, child(path, 'capabilities', f), caps[f]);
  }
  for (const f of ['seLinuxOptions', 'seccompProfile', 'appArmorProfile', 'windowsOptions']) readObject(errs, child(path, f), sc[f]);
}

// ---- containers --------------------------------------------------------------------

type ContainerKind = 'regular' | 'init';

function validateContainer(errs: Errs, at: string, c: Rec, kind: ContainerKind, volumes: ReadonlySet<string>, names: Set<string>, hostNetwork: boolean): void {
  const name = readString(errs, child(at, 'name'), c.name);
  if (!name) errs.push(required(child(at, 'name')));
  else {
    checkDNS1123Label(errs, child(at, 'name'), name);
    if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
    names.add(name);
  }
  const image = readString(errs, child(at, 'image'), c.image);
  if (!image) {
    if (!present(c.image) || image === '') errs.push(required(child(at, 'image')));
  } else if (image.trim() !== image) {
    errs.push(invalid(child(at, 'image'), image, 'must not have leading or trailing whitespace'));
  }
  readStringArray(errs, child(at, 'command'), c.command);
  readStringArray(errs, child(at, 'args'), c.args);
  readString(errs, child(at, 'workingDir'), c.workingDir);
  validateContainerPorts(errs, child(at, 'ports'), c.ports, hostNetwork);
  validateEnvFrom(errs, child(at, 'envFrom'), c.envFrom);
  validateEnv(errs, child(at, 'env'), c.env);
  validateResources(errs, child(at, 'resources'), c.resources);
  validateVolumeMounts(errs, child(at, 'volumeMounts'), c.volumeMounts, volumes);
  readObjects(errs, child(at, 'volumeDevices'), c.volumeDevices);

  const restartPolicy = readString(errs, child(at, 'restartPolicy'), c.restartPolicy);
  const sidecar = kind === 'init' && restartPolicy === 'Always';
  if (kind === 'regular' && restartPolicy !== undefined) {
    errs.push(forbidden(child(at, 'restartPolicy'), 'may not be set for non-init containers'));
  } else if (kind === 'init' && restartPolicy !== undefined && restartPolicy !== 'Always') {
    errs.push(notSupported(child(at, 'restartPolicy'), restartPolicy, ['Always']));
  }
  if (kind === 'init' && !sidecar) {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (present(c[f])) errs.push(forbidden(child(at, f), 'may not be set for init containers without restartPolicy=Always'));
    }
  } else {
    validateLifecycle(errs, child(at, 'lifecycle'), c.lifecycle);
    validateProbe(errs, child(at, 'livenessProbe'), c.livenessProbe, 'liveness');
    validateProbe(errs, child(at, 'readinessProbe'), c.readinessProbe, 'readiness');
    validateProbe(errs, child(at, 'startupProbe'), c.startupProbe, 'startup');
  }

  checkEnum(errs, child(at, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES);
  readString(errs, child(at, 'terminationMessagePath'), c.terminationMessagePath);
  checkEnum(errs, child(at, 'terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES);
  validateSecurityContext(errs, child(at, 'securityContext'), c.securityContext, false);
  for (const f of ['stdin', 'stdinOnce', 'tty']) readBool(errs, child(at, f), c[f]);
  readObjects(errs, child(at, 'resizePolicy'), c.resizePolicy);
}

// ---- volumes -----------------------------------------------------------------------

function checkFileMode(errs: Errs, path: string, v: unknown): void {
  const mode = readInt(errs, path, v);
  if (mode !== undefined && (mode < 0 || mode > 0o777)) errs.push(invalid(path, mode, FILE_MODE_ERROR));
}

function validateKeyToPaths(errs: Errs, path: string, v: unknown): void {
  for (const [item, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    if (!readString(errs, child(at, 'key'), item.key)) errs.push(required(child(at, 'key')));
    const p = readString(errs, child(at, 'path'), item.path);
    if (!p) errs.push(required(child(at, 'path')));
    else validateLocalDescendingPath(errs, child(at, 'path'), p);
    checkFileMode(errs, child(at, 'mode'), item.mode);
  }
}

function validateVolumeSource(errs: Errs, at: string, type: string, s: Rec): void {
  switch (type) {
    case 'hostPath':
      if (!readString(errs, child(at, 'path'), s.path)) errs.push(required(child(at, 'path')));
      checkEnum(errs, child(at, 'type'), s.type, HOST_PATH_TYPES);
      break;
    case 'emptyDir': {
      readString(errs, child(at, 'medium'), s.medium);
      const q = readQuantity(errs, child(at, 'sizeLimit'), s.sizeLimit);
      if (q && q.nano < 0n) errs.push(invalid(child(at, 'sizeLimit'), q.toString(), IS_NEGATIVE));
      break;
    }
    case 'secret':
      if (!readString(errs, child(at, 'secretName'), s.secretName)) errs.push(required(child(at, 'secretName')));
      checkFileMode(errs, child(at, 'defaultMode'), s.defaultMode);
      validateKeyToPaths(errs, child(at, 'items'), s.items);
      readBool(errs, child(at, 'optional'), s.optional);
      break;
    case 'configMap':
      if (!readString(errs, child(at, 'name'), s.name)) errs.push(required(child(at, 'name')));
      checkFileMode(errs, child(at, 'defaultMode'), s.defaultMode);
      validateKeyToPaths(errs, child(at, 'items'), s.items);
      readBool(errs, child(at, 'optional'), s.optional);
      break;
    case 'persistentVolumeClaim':
      if (!readString(errs, child(at, 'claimName'), s.claimName)) errs.push(required(child(at, 'claimName')));
      readBool(errs, child(at, 'readOnly'), s.readOnly);
      break;
    case 'nfs':
      if (!readString(errs, child(at, 'server'), s.server)) errs.push(required(child(at, 'server')));
      if (!readString(errs, child(at, 'path'), s.path)) errs.push(required(child(at, 'path')));
      break;
    case 'projected':
      checkFileMode(errs, child(at, 'defaultMode'), s.defaultMode);
      readObjects(errs, child(at, 'sources'), s.sources);
      break;
    case 'downwardAPI':
      checkFileMode(errs, child(at, 'defaultMode'), s.defaultMode);
      readObjects(errs, child(at, 'items'), s.items);
      break;
  }
}

/** validateVolumes: returns the volume names (for volumeMounts). */
function validateVolumes(errs: Errs, path: string, v: unknown): Set<string> {
  const names = new Set<string>();
  for (const [vol, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    let n = 0;
    for (const type of VOLUME_SOURCES) {
      if (!present(vol[type])) continue;
      if (n++ > 0) {
        errs.push(forbidden(child(at, type), 'may not specify more than 1 volume type'));
        continue;
      }
      const s = readObject(errs, child(at, type), vol[type]);
      if (s) validateVolumeSource(errs, child(at, type), type, s);
    }
    // No source at all is an emptyDir: defaulting fills it in.
    const name = readString(errs, child(at, 'name'), vol.name);
    if (!name) errs.push(required(child(at, 'name')));
    else checkDNS1123Label(errs, child(at, 'name'), name);
    if (name !== undefined && names.has(name)) errs.push(duplicate(child(at, 'name'), name));
    if (name !== undefined) names.add(name);
  }
  return names;
}

// ---- tolerations -------------------------------------------------------------------

/** ValidateTolerations. */
export function validateTolerations(errs: Errs, path: string, v: unknown): void {
  for (const [t, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    const k = readString(errs, child(at, 'key'), t.key) ?? '';
    const operator = readString(errs, child(at, 'operator'), t.operator) ?? '';
    const value = readString(errs, child(at, 'value'), t.value) ?? '';
    const effect = readString(errs, child(at, 'effect'), t.effect) ?? '';
    const seconds = readInt(errs, child(at, 'tolerationSeconds'), t.tolerationSeconds);
    if (k) checkQualifiedName(errs, child(at, 'key'), k);
    if (!k && operator !== 'Exists') {
      errs.push(invalid(child(at, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (seconds !== undefined && effect !== 'NoExecute') {
      errs.push(invalid(child(at, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (operator) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(value);
        if (msgs.length) errs.push(invalid(child(at, 'operator'), value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (value) {
          const toleration = new Literal(
            `core.Toleration{Key:${quote(k)}, Operator:${quote(operator)}, Value:${quote(value)}, Effect:${quote(effect)}, TolerationSeconds:${
              seconds === undefined ? '(*int64)(nil)' : `&${seconds}`
            }}`,
          );
          errs.push(invalid(child(at, 'operator'), toleration, "value must be empty when `operator` is 'Exists'"));
        }
        break;
      default:
        errs.push(notSupported(child(at, 'operator'), operator, TOLERATION_OPERATORS));
    }
    if (effect && !(TAINT_EFFECTS as readonly string[]).includes(effect)) errs.push(notSupported(child(at, 'effect'), effect, TAINT_EFFECTS));
  }
}

// ---- pod spec ----------------------------------------------------------------------

/** Checks that a value, when given, is a DNS-1123 subdomain (service account, node, priority class names). */
function optionalSubdomain(errs: Errs, path: string, v: unknown): void {
  const s = readString(errs, path, v);
  if (s) checkDNS1123Subdomain(errs, path, s);
}

/** ValidatePodSpec. An absent spec is an empty one (whose containers are then missing). */
export function validatePodSpec(errs: Errs, path: string, v: unknown): void {
  const s = present(v) ? readObject(errs, path, v) : {};
  if (!s) return;
  const hostNetwork = readBool(errs, child(path, 'hostNetwork'), s.hostNetwork) ?? false;
  const volumes = validateVolumes(errs, child(path, 'volumes'), s.volumes);

  const names = new Set<string>();
  const containersPath = child(path, 'containers');
  const containers = readArray(errs, containersPath, s.containers);
  if (!present(s.containers) || containers?.length === 0) errs.push(required(containersPath));
  for (const [c, i] of readObjects(errs, containersPath, containers)) {
    validateContainer(errs, index(containersPath, i), c, 'regular', volumes, names, hostNetwork);
  }
  // AccumulateUniqueHostPorts
  const hostPorts = new Set<string>();
  for (const [c, i] of readObjects([], containersPath, containers)) {
    for (const [p, j] of readObjects([], '', c.ports)) {
      if (typeof p.hostPort !== 'number' || p.hostPort === 0) continue;
      const id = `${typeof p.protocol === 'string' ? p.protocol : 'TCP'}/${typeof p.hostIP === 'string' ? p.hostIP : ''}/${p.hostPort}`;
      if (hostPorts.has(id)) errs.push(duplicate(child(index(child(index(containersPath, i), 'ports'), j), 'hostPort'), id));
      hostPorts.add(id);
    }
  }
  const initPath = child(path, 'initContainers');
  for (const [c, i] of readObjects(errs, initPath, s.initContainers)) {
    validateContainer(errs, index(initPath, i), c, 'init', volumes, names, hostNetwork);
  }
  readObjects(errs, child(path, 'ephemeralContainers'), s.ephemeralContainers);

  checkEnum(errs, child(path, 'restartPolicy'), s.restartPolicy, RESTART_POLICIES);
  const dnsPolicy = checkEnum(errs, child(path, 'dnsPolicy'), s.dnsPolicy, DNS_POLICIES);
  const dnsConfig = readObject(errs, child(path, 'dnsConfig'), s.dnsConfig);
  if (dnsPolicy === 'None' && !dnsConfig) {
    errs.push(required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  validateLabels(errs, child(path, 'nodeSelector'), s.nodeSelector);
  optionalSubdomain(errs, child(path, 'serviceAccountName'), s.serviceAccountName);
  optionalSubdomain(errs, child(path, 'serviceAccount'), s.serviceAccount);
  optionalSubdomain(errs, child(path, 'nodeName'), s.nodeName);
  validateSecurityContext(errs, child(path, 'securityContext'), s.securityContext, true);
  for (const [ref, i] of readObjects(errs, child(path, 'imagePullSecrets'), s.imagePullSecrets)) {
    readString(errs, child(index(child(path, 'imagePullSecrets'), i), 'name'), ref.name);
  }
  const deadline = readInt(errs, child(path, 'activeDeadlineSeconds'), s.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(invalid(child(path, 'activeDeadlineSeconds'), deadline, inclusiveRangeError(1, MAX_INT32)));
  }
  checkNonNegative(errs, child(path, 'terminationGracePeriodSeconds'), s.terminationGracePeriodSeconds);
  for (const f of ['hostname', 'subdomain']) {
    const h = readString(errs, child(path, f), s[f]);
    if (h) checkDNS1123Label(errs, child(path, f), h);
  }
  validateTolerations(errs, child(path, 'tolerations'), s.tolerations);
  optionalSubdomain(errs, child(path, 'priorityClassName'), s.priorityClassName);
  readInt(errs, child(path, 'priority'), s.priority);
  checkEnum(errs, child(path, 'preemptionPolicy'), s.preemptionPolicy, PREEMPTION_POLICIES);
  readString(errs, child(path, 'schedulerName'), s.schedulerName);
  readString(errs, child(path, 'runtimeClassName'), s.runtimeClassName);
  for (const f of ['hostPID', 'hostIPC', 'shareProcessNamespace', 'enableServiceLinks', 'automountServiceAccountToken', 'setHostnameAsFQDN', 'hostUsers']) {
    readBool(errs, child(path, f), s[f]);
  }
  readObject(errs, child(path, 'affinity'), s.affinity);
  readObjects(errs, child(path, 'topologySpreadConstraints'), s.topologySpreadConstraints);
  readObjects(errs, child(path, 'readinessGates'), s.readinessGates);
  readObjects(errs, child(path, 'hostAliases'), s.hostAliases);
  validateResourceList(errs, child(path, 'overhead'), s.overhead, (n) => key(child(path, 'overhead'), n));
  const gates = new Set<string>();
  for (const [g, i] of readObjects(errs, child(path, 'schedulingGates'), s.schedulingGates)) {
    const at = child(index(child(path, 'schedulingGates'), i), 'name');
    const name = readString(errs, at, g.name) ?? '';
    checkQualifiedName(errs, at, name);
    if (gates.has(name)) errs.push(duplicate(at, name));
    gates.add(name);
  }
}

/** ValidatePodTemplateSpec. Note Kubernetes' paths: `spec.template.labels`, not `.metadata.labels`. */
export function validatePodTemplateSpec(errs: Errs, path: string, v: unknown): { labels?: Record<string, string>; spec?: Rec } {
  const t = present(v) ? readObject(errs, path, v) : {};
  if (!t) return {};
  const meta = readObject(errs, child(path, 'metadata'), t.metadata);
  const labels = validateLabels(errs, child(path, 'labels'), meta?.labels);
  validateAnnotations(errs, child(path, 'annotations'), meta?.annotations);
  validatePodSpec(errs, child(path, 'spec'), t.spec);
  const spec = isRec(t.spec) ? t.spec : undefined;
  if (Array.isArray(spec?.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.push(forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return { labels, spec };
}

export function validatePod(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  validatePodSpec(errs, 'spec', obj.spec);
  readObject(errs, 'status', obj.status);
}

// ---- updates -----------------------------------------------------------------------

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];
export const POD_UPDATE_FORBIDDEN = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}`;

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const rec = (v: unknown): Rec => (isRec(v) ? v : {});

/** ValidateContainerUpdates: the same containers; returns true when the caller should stop. */
function validateContainerUpdates(errs: Errs, path: string, newList: unknown[], oldList: unknown[]): boolean {
  if (newList.length !== oldList.length) {
    errs.push(forbidden(path, 'pod updates may not add or remove containers'));
    return true;
  }
  return false;
}

/** validateOnlyAddedTolerations: every old toleration is still there (tolerationSeconds may change). */
function validateOnlyAddedTolerations(errs: Errs, path: string, newList: unknown[], oldList: unknown[]): void {
  for (const old of oldList) {
    const found = newList.some((t) => semanticEqual({ ...rec(old), tolerationSeconds: rec(t).tolerationSeconds }, t));
    if (!found) {
      errs.push(forbidden(path, 'existing toleration can not be modified except its tolerationSeconds'));
      return;
    }
  }
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and removed scheduling gates may change. */
export function validatePodUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const ns = rec(n.spec);
  const os = rec(o.spec);
  const newContainers = arr(ns.containers);
  const oldContainers = arr(os.containers);
  const newInit = arr(ns.initContainers);
  const oldInit = arr(os.initContainers);
  if (validateContainerUpdates(errs, 'spec.containers', newContainers, oldContainers)) return;
  if (validateContainerUpdates(errs, 'spec.initContainers', newInit, oldInit)) return;

  const newDeadline = typeof ns.activeDeadlineSeconds === 'number' ? ns.activeDeadlineSeconds : undefined;
  const oldDeadline = typeof os.activeDeadlineSeconds === 'number' ? os.activeDeadlineSeconds : undefined;
  if (newDeadline !== undefined) {
    if (newDeadline < 0 || newDeadline > MAX_INT32) {
      errs.push(invalid('spec.activeDeadlineSeconds', newDeadline, inclusiveRangeError(0, MAX_INT32)));
      return;
    }
    if (oldDeadline !== undefined && oldDeadline < newDeadline) {
      errs.push(invalid('spec.activeDeadlineSeconds', newDeadline, 'must be less than or equal to previous value'));
      return;
    }
  } else if (oldDeadline !== undefined) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }

  validateOnlyAddedTolerations(errs, 'spec.tolerations', arr(ns.tolerations), arr(os.tolerations));

  const oldGates = new Set(arr(os.schedulingGates).map((g) => rec(g).name));
  for (const g of arr(ns.schedulingGates)) {
    if (!oldGates.has(rec(g).name)) {
      errs.push(forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${String(rec(g).name)}'`));
    }
  }

  const munged: Rec = {
    ...ns,
    containers: newContainers.map((c, i) => ({ ...rec(c), image: rec(oldContainers[i]).image })),
    initContainers: newInit.map((c, i) => ({ ...rec(c), image: rec(oldInit[i]).image })),
    activeDeadlineSeconds: os.activeDeadlineSeconds,
    schedulingGates: os.schedulingGates,
    tolerations: os.tolerations,
  };
  const oldGrace = os.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  if (!semanticEqual(munged, os)) {
    const changed = changedKeys(munged, os).map((k) => `spec.${k}`);
    errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n  changed: ${changed.join(', ')}`));
  }
}
