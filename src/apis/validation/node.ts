// Nodes: ValidateNode (taints, capacity and allocatable quantities) and the podCIDR /
// providerID rules of ValidateNodeUpdate.

import type { KubeObject } from '../kinds.ts';
import {
  child,
  forbidden,
  index,
  invalid,
  notSupported,
  present,
  quote,
  readBool,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  type Errs,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { checkQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './names.ts';
import { TAINT_EFFECTS, validateResourceList } from './pod.ts';

/** validateNodeTaints: keys, values, effects, unique (key, effect) pairs. */
function validateTaints(errs: Errs, path: string, v: unknown): void {
  const seen = new Set<string>();
  for (const [t, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    const key = readString(errs, child(at, 'key'), t.key) ?? '';
    const value = readString(errs, child(at, 'value'), t.value) ?? '';
    const effect = readString(errs, child(at, 'effect'), t.effect) ?? '';
    readString(errs, child(at, 'timeAdded'), t.timeAdded);
    checkQualifiedName(errs, child(at, 'key'), key);
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(invalid(child(at, 'value'), value, msgs.join(';')));
    if (!effect) errs.push(required(child(at, 'effect')));
    else if (!(TAINT_EFFECTS as readonly string[]).includes(effect)) errs.push(notSupported(child(at, 'effect'), effect, TAINT_EFFECTS));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) {
      const taint = `core.Taint{Key:${quote(key)}, Value:${quote(value)}, Effect:${quote(effect)}, TimeAdded:(*v1.Time)(nil)}`;
      errs.push({ field: at, message: `Duplicate value: ${taint}: taints must be unique by key and effect pair` });
      continue;
    }
    seen.add(id);
  }
}

export function validateNode(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const s = readObject(errs, 'spec', obj.spec);
  if (s) {
    validateTaints(errs, 'spec.taints', s.taints);
    readBool(errs, 'spec.unschedulable', s.unschedulable);
    readString(errs, 'spec.providerID', s.providerID);
    readString(errs, 'spec.podCIDR', s.podCIDR);
    readStringArray(errs, 'spec.podCIDRs', s.podCIDRs);
  }
  const st = readObject(errs, 'status', obj.status);
  if (st) {
    // Kubernetes names these `status.capacity.cpu` (a child, not a key).
    validateResourceList(errs, 'status.capacity', st.capacity, (n) => child('status.capacity', n));
    validateResourceList(errs, 'status.allocatable', st.allocatable, (n) => child('status.allocatable', n));
    readString(errs, 'status.phase', st.phase);
    readObjects(errs, 'status.conditions', st.conditions);
    for (const [a, i] of readObjects(errs, 'status.addresses', st.addresses)) {
      readString(errs, child(index('status.addresses', i), 'type'), a.type);
      readString(errs, child(index('status.addresses', i), 'address'), a.address);
    }
    readObject(errs, 'status.nodeInfo', st.nodeInfo);
  }
}

/** podCIDR and providerID may only go from unset to set. */
export function validateNodeUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  for (const f of ['podCIDR', 'providerID'] as const) {
    const old = o.spec?.[f];
    if (present(old) && old !== '' && n.spec?.[f] !== old) {
      errs.push(forbidden(`spec.${f}`, `node updates may not change ${f} except from "" to valid`));
    }
  }
}
