// PersistentVolumes (core/v1, cluster-scoped): ValidatePersistentVolume and
// ValidatePersistentVolumeUpdate — access modes, a storage capacity, the reclaim policy,
// exactly one volume source (hostPath, local, nfs, csi, …) with its own required fields,
// node affinity (required for local volumes), storage class and volume mode; the volume
// source and volumeMode are immutable, and so is nodeAffinity once set.

import { posix } from 'node:path';
import type { KubeObject } from '../kinds.ts';
import { semanticEqual } from './equality.ts';
import {
  FIELD_IMMUTABLE,
  Literal,
  checkEnum,
  child,
  forbidden,
  index,
  inclusiveRangeError,
  invalid,
  isRec,
  key,
  notSupported,
  present,
  quote,
  readArray,
  readInt,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  tooLong,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { checkDNS1123Label, checkDNS1123Subdomain, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './names.ts';
import { readQuantity } from './pod.ts';
import { goQuantity } from './resourcequota.ts';

/** sets.List(supportedAccessModes). */
export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] as const;
export const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'] as const;
export const VOLUME_MODES = ['Block', 'Filesystem'] as const;
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'] as const;

/** The volume sources of a PersistentVolumeSpec, in the order ValidatePersistentVolumeSpec counts them. */
export const PV_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'glusterfs',
  'flocker',
  'nfs',
  'rbd',
  'quobyte',
  'cephfs',
  'iscsi',
  'cinder',
  'fc',
  'flexVolume',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'scaleIO',
  'local',
  'storageos',
  'csi',
] as const;
/** Where Kubernetes reports a second source (its own spelling). */
const SOURCE_PATH: Partial<Record<string, string>> = { cephfs: 'cephFS' };

/** The access modes of a PV or PVC spec: supported ones, ReadWriteOncePod alone. */
export function validateAccessModes(errs: Errs, path: string, v: unknown, requiredDetail: string): void {
  const modes = readStringArray(errs, path, v) ?? [];
  if (modes.length === 0) errs.push(required(path, requiredDetail));
  let once = false;
  let other = false;
  for (const m of modes) {
    if (!(ACCESS_MODES as readonly string[]).includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') once = true;
    else if ((ACCESS_MODES as readonly string[]).includes(m)) other = true;
  }
  if (once && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
}

/** A storage class name, when not empty: ValidateClassName (a DNS-1123 subdomain). */
export function validateClassName(errs: Errs, path: string, v: unknown): void {
  const name = readString(errs, path, v);
  if (name) for (const m of isDNS1123Subdomain(name)) errs.push(invalid(path, name, m));
}

/** validatePathNoBacksteps. */
function noBacksteps(errs: Errs, path: string, p: string): void {
  if (p.replace(/\\/g, '/').split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
}

/** A `Required value` for a field that is absent, empty, or an empty list. */
function need(errs: Errs, path: string, v: unknown, detail = ''): void {
  if (!present(v) || v === '' || (Array.isArray(v) && v.length === 0)) errs.push(required(path, detail));
  else if (!Array.isArray(v)) readString(errs, path, v);
}

/** validatePVSecretReference. */
function validateSecretRef(errs: Errs, path: string, v: unknown): void {
  const ref = readObject(errs, path, v);
  if (!ref) return;
  const name = readString(errs, child(path, 'name'), ref.name) ?? '';
  if (!name) errs.push(required(child(path, 'name')));
  else checkDNS1123Subdomain(errs, child(path, 'name'), name);
  const ns = readString(errs, child(path, 'namespace'), ref.namespace) ?? '';
  if (!ns) errs.push(required(child(path, 'namespace')));
  else checkDNS1123Label(errs, child(path, 'namespace'), ns);
}

/** Each source's own checks (validate<Source>PersistentVolumeSource). */
function validateSource(errs: Errs, type: string, at: string, s: Rec): void {
  switch (type) {
    case 'hostPath': {
      const p = readString(errs, child(at, 'path'), s.path);
      if (!p) {
        errs.push(required(child(at, 'path')));
        return;
      }
      noBacksteps(errs, child(at, 'path'), p);
      checkEnum(errs, child(at, 'type'), s.type, HOST_PATH_TYPES);
      return;
    }
    case 'local': {
      const p = readString(errs, child(at, 'path'), s.path);
      if (!p) {
        errs.push(required(child(at, 'path')));
        return;
      }
      noBacksteps(errs, child(at, 'path'), p);
      readString(errs, child(at, 'fsType'), s.fsType);
      return;
    }
    case 'nfs': {
      need(errs, child(at, 'server'), s.server);
      const p = readString(errs, child(at, 'path'), s.path) ?? '';
      if (!p) errs.push(required(child(at, 'path')));
      if (!p.startsWith('/')) errs.push(invalid(child(at, 'path'), p, 'must be an absolute path'));
      return;
    }
    case 'csi': {
      const driverPath = child(at, 'driver');
      const driver = readString(errs, driverPath, s.driver) ?? '';
      if (!driver) errs.push(required(driverPath));
      if (driver.length > 63) errs.push(tooLong(driverPath, 63));
      for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalid(driverPath, driver, m));
      need(errs, child(at, 'volumeHandle'), s.volumeHandle);
      for (const ref of ['controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef']) {
        validateSecretRef(errs, child(at, ref), s[ref]);
      }
      return;
    }
    case 'gcePersistentDisk':
    case 'awsElasticBlockStore': {
      // Kubernetes reports a GCE disk's fields under `persistentDisk`.
      const p = type === 'gcePersistentDisk' ? at.replace(/gcePersistentDisk$/, 'persistentDisk') : at;
      need(errs, child(p, type === 'gcePersistentDisk' ? 'pdName' : 'volumeID'), type === 'gcePersistentDisk' ? s.pdName : s.volumeID);
      const partition = readInt(errs, child(p, 'partition'), s.partition);
      if (partition !== undefined && (partition < 0 || partition > 255)) errs.push(invalid(child(p, 'partition'), partition, inclusiveRangeError(1, 255)));
      return;
    }
    case 'glusterfs':
      need(errs, child(at, 'endpoints'), s.endpoints);
      need(errs, child(at, 'path'), s.path);
      return;
    case 'rbd':
      need(errs, child(at, 'monitors'), s.monitors);
      need(errs, child(at, 'image'), s.image);
      return;
    case 'cephfs':
      need(errs, child(at, 'monitors'), s.monitors);
      return;
    case 'cinder':
    case 'portworxVolume':
      need(errs, child(at, 'volumeID'), s.volumeID);
      return;
    case 'vsphereVolume':
      need(errs, child(at, 'volumePath'), s.volumePath);
      return;
    case 'photonPersistentDisk':
      need(errs, child(at, 'pdID'), s.pdID);
      return;
    case 'flexVolume':
      need(errs, child(at, 'driver'), s.driver);
      return;
    case 'azureFile':
      need(errs, child(at, 'secretName'), s.secretName);
      need(errs, child(at, 'shareName'), s.shareName);
      return;
    case 'azureDisk':
      need(errs, child(at, 'diskName'), s.diskName);
      need(errs, child(at, 'diskURI'), s.diskURI);
      return;
    case 'scaleIO':
      for (const f of ['gateway', 'system', 'volumeName']) need(errs, child(at, f), s[f]);
      return;
    case 'storageos': {
      const name = readString(errs, child(at, 'volumeName'), s.volumeName);
      if (!name) errs.push(required(child(at, 'volumeName')));
      else checkDNS1123Label(errs, child(at, 'volumeName'), name);
      return;
    }
    case 'quobyte':
      need(errs, child(at, 'registry'), s.registry, 'must be a host:port pair or multiple pairs separated by commas');
      need(errs, child(at, 'volume'), s.volume);
      return;
    case 'iscsi':
      need(errs, child(at, 'targetPortal'), s.targetPortal);
      need(errs, child(at, 'iqn'), s.iqn);
      return;
    case 'flocker':
      if (!s.datasetName && !s.datasetUUID) errs.push(required(at, 'one of datasetName and datasetUUID is required'));
      return;
  }
}

// ---- node affinity (ValidateNodeSelector) --------------------------------------------

function validateNodeSelectorRequirement(errs: Errs, at: string, r: Rec): void {
  const operator = readString(errs, child(at, 'operator'), r.operator) ?? '';
  const values = readStringArray(errs, child(at, 'values'), r.values) ?? [];
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(child(at, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(child(at, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(child(at, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(child(at, 'operator'), operator, 'not a valid selector operator'));
  }
  const k = readString(errs, child(at, 'key'), r.key) ?? '';
  for (const m of isQualifiedName(k)) errs.push(invalid(child(at, 'key'), k, m));
  values.forEach((v, i) => {
    for (const m of isValidLabelValue(v)) errs.push(invalid(index(child(at, 'values'), i), v, m));
  });
}

function validateNodeFieldSelectorRequirement(errs: Errs, at: string, r: Rec): void {
  const operator = readString(errs, child(at, 'operator'), r.operator) ?? '';
  const values = readStringArray(errs, child(at, 'values'), r.values) ?? [];
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length !== 1) errs.push(required(child(at, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalid(child(at, 'operator'), operator, 'not a valid selector operator'));
  }
  const k = readString(errs, child(at, 'key'), r.key) ?? '';
  if (k !== 'metadata.name') errs.push(notSupported(child(at, 'key'), k, ['metadata.name']));
}

/** ValidateNodeSelector (a PV's nodeAffinity.required). */
export function validateNodeSelector(errs: Errs, path: string, sel: Rec): void {
  const termsPath = child(path, 'nodeSelectorTerms');
  const terms = readObjects(errs, termsPath, sel.nodeSelectorTerms);
  if (terms.length === 0) {
    errs.push(required(termsPath, 'must have at least one node selector term'));
    return;
  }
  for (const [term, i] of terms) {
    const at = index(termsPath, i);
    for (const [r, j] of readObjects(errs, child(at, 'matchExpressions'), term.matchExpressions)) {
      validateNodeSelectorRequirement(errs, index(child(at, 'matchExpressions'), j), r);
    }
    for (const [r, j] of readObjects(errs, child(at, 'matchFields'), term.matchFields)) {
      validateNodeFieldSelectorRequirement(errs, index(child(at, 'matchFields'), j), r);
    }
  }
}

/** validateVolumeNodeAffinity: whether it was given. */
function validateVolumeNodeAffinity(errs: Errs, path: string, v: unknown): boolean {
  const affinity = readObject(errs, path, v);
  if (!affinity) return false;
  const req = readObject(errs, child(path, 'required'), affinity.required);
  if (req) validateNodeSelector(errs, child(path, 'required'), req);
  else errs.push(required(child(path, 'required'), 'must specify required node constraints'));
  return true;
}

// ---- the kind ----------------------------------------------------------------------

/** A ResourceList as %#v prints it (`core.ResourceList{"cpu":resource.Quantity{…}}`). */
function goResourceList(v: unknown): Literal {
  if (!isRec(v)) return new Literal('core.ResourceList(nil)');
  const entries = Object.keys(v)
    .sort()
    .map((k) => {
      const q = readQuantity([], '', v[k]);
      return `${quote(k)}:${q ? goQuantity(v[k], q).text : quote(String(v[k]))}`;
    });
  return new Literal(`core.ResourceList{${entries.join(', ')}}`);
}

/** quantity.Value(): rounded up, away from zero, to a whole number. */
const wholeValue = (nano: bigint): number => {
  const n = 1_000_000_000n;
  const whole = nano / n;
  return Number(nano % n === 0n ? whole : nano > 0n ? whole + 1n : whole - 1n);
};

export function validatePersistentVolume(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const spec = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (!spec) return;

  validateAccessModes(errs, 'spec.accessModes', spec.accessModes, '');

  const capPath = 'spec.capacity';
  const capacity = readObject(errs, capPath, spec.capacity);
  const names = Object.keys(capacity ?? {});
  if (names.length === 0) errs.push(required(capPath));
  if (!names.includes('storage') || names.length > 1) errs.push(notSupported(capPath, goResourceList(capacity), ['storage']));
  for (const name of names) {
    const at = key(capPath, name);
    const q = readQuantity(errs, at, capacity![name]);
    if (!q) continue;
    if (q.nano < 0n) errs.push(invalid(at, wholeValue(q.nano), 'must be a valid resource quantity'));
    if (q.nano <= 0n) errs.push(invalid(at, q.toString(), 'must be greater than zero'));
  }

  const policy = readString(errs, 'spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy);
  if (policy && !(RECLAIM_POLICIES as readonly string[]).includes(policy)) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, RECLAIM_POLICIES));
  }

  const hasAffinity = validateVolumeNodeAffinity(errs, 'spec.nodeAffinity', spec.nodeAffinity);
  let sources = 0;
  for (const type of PV_SOURCES) {
    if (!present(spec[type])) continue;
    const at = child('spec', type);
    if (sources > 0 && type !== 'flexVolume') {
      errs.push(forbidden(child('spec', SOURCE_PATH[type] ?? type), 'may not specify more than 1 volume type'));
      continue;
    }
    sources++;
    const s = readObject(errs, at, spec[type]);
    if (s) validateSource(errs, type, at, s);
    if (type === 'local' && !hasAffinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (sources === 0) errs.push(required('spec', 'must specify a volume type'));

  const hostPath = isRec(spec.hostPath) && typeof spec.hostPath.path === 'string' ? spec.hostPath.path : undefined;
  if (hostPath !== undefined && posix.normalize(hostPath).replace(/\/+$/, '') === '' && hostPath.startsWith('/') && policy === 'Recycle') {
    errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  validateClassName(errs, 'spec.storageClassName', spec.storageClassName);
  checkEnum(errs, 'spec.volumeMode', spec.volumeMode, VOLUME_MODES);
  readObject(errs, 'spec.claimRef', spec.claimRef);
  readStringArray(errs, 'spec.mountOptions', spec.mountOptions);
  readString(errs, 'spec.volumeAttributesClassName', spec.volumeAttributesClassName);
  readObject(errs, 'status', obj.status);
}

/** A value's JSON with Go's field names (`{"Required":{"NodeSelectorTerms":…}}`), as Kubernetes prints a struct it has no literal for. */
function goJSON(v: unknown): Literal {
  const upper = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(upper) : isRec(x) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k.charAt(0).toUpperCase() + k.slice(1), upper(y)])) : x;
  return new Literal(JSON.stringify(upper(v)) ?? 'null');
}

/** ValidatePersistentVolumeUpdate: the volume source, volumeMode and a set nodeAffinity stay. */
export function validatePersistentVolumeUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const ns: Rec = isRec(n.spec) ? n.spec : {};
  const os: Rec = isRec(o.spec) ? o.spec : {};
  const source = (s: Rec, dropExpandRef: boolean): Rec => {
    const out: Rec = {};
    for (const type of PV_SOURCES) if (present(s[type])) out[type] = s[type];
    if (dropExpandRef && isRec(out.csi)) {
      const { controllerExpandSecretRef: _, ...csi } = out.csi;
      out.csi = csi;
    }
    return out;
  };
  // A controllerExpandSecretRef may be added to a CSI volume that had none.
  const addsExpandRef = isRec(os.csi) && !present(os.csi.controllerExpandSecretRef) && isRec(ns.csi) && present(ns.csi.controllerExpandSecretRef);
  if (!semanticEqual(source(ns, addsExpandRef), source(os, false))) {
    errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  if (!semanticEqual(ns.volumeMode, os.volumeMode)) errs.push(invalid('volumeMode', ns.volumeMode ?? null, FIELD_IMMUTABLE));
  if (present(os.nodeAffinity) && !semanticEqual(ns.nodeAffinity, os.nodeAffinity)) {
    errs.push(invalid('nodeAffinity', goJSON(ns.nodeAffinity), `${FIELD_IMMUTABLE}, except for updating from beta label to GA`));
  }
}

/** A PV status write: the phase is a string, a reason and message too. */
export function validatePersistentVolumeStatus(errs: Errs, obj: KubeObject): void {
  const status = readObject(errs, 'status', obj.status);
  if (!status) return;
  for (const f of ['phase', 'reason', 'message', 'lastPhaseTransitionTime']) readString(errs, child('status', f), status[f]);
  readArray(errs, 'status.conditions', status.conditions);
}
