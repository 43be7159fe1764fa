// A PersistentVolumeClaim's own lines (kubectl's printPersistentVolumeClaim), for a claim
// and for a pod's ephemeral volume's claim template, and the storage names both use.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_1, type PrefixWriter } from './prefix-writer.ts';
import { quantityString } from './resources.ts';
import { timestampSince } from './time-format.ts';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const ACCESS_MODE_SHORT: readonly [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** storageutil.GetAccessModesAsString: `RWO,RWX`. */
export const accessModesString = (modes: readonly string[] | undefined): string =>
  ACCESS_MODE_SHORT.filter(([mode]) => modes?.includes(mode))
    .map(([, short]) => short)
    .join(',');

/** GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation first. */
export const storageClassOf = (meta: ObjectMeta | undefined, name: string | null | undefined): string =>
  meta?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? name ?? '';

/** `Status:`, or how long the object has been terminating. */
export const statusLine = (meta: ObjectMeta | undefined, phase: string | undefined, now: Date): string =>
  meta?.deletionTimestamp ? `Status:\tTerminating (lasts ${timestampSince(meta.deletionTimestamp, now)})\n` : `Status:\t${phase ?? ''}\n`;

/** printPersistentVolumeClaim; `full` false for a claim template (no name, status or finalizers). */
export function printPersistentVolumeClaim(w: PrefixWriter, pvc: PersistentVolumeClaim, full: boolean, now: Date): void {
  const meta = pvc.metadata;
  const spec = pvc.spec ?? {};
  if (full) {
    w.write(LEVEL_0, `Name:\t${meta?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${meta?.namespace ?? ''}\n`);
  }
  w.write(LEVEL_0, `StorageClass:\t${storageClassOf(meta, spec.storageClassName)}\n`);
  if (full) w.write(LEVEL_0, statusLine(meta, pvc.status?.phase, now));
  w.write(LEVEL_0, `Volume:\t${spec.volumeName ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', meta?.labels);
  printAnnotationsMultiline(w, 'Annotations', meta?.annotations);
  if (full) w.write(LEVEL_0, `Finalizers:\t[${(meta?.finalizers ?? []).join(' ')}]\n`);
  // Capacity and access modes are the bound volume's, so empty until it is bound.
  const bound = Boolean(spec.volumeName);
  w.write(LEVEL_0, `Capacity:\t${bound ? quantityString(pvc.status?.capacity?.storage) : ''}\n`);
  w.write(LEVEL_0, `Access Modes:\t${bound ? accessModesString(pvc.status?.accessModes) : ''}\n`);
  if (spec.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${spec.volumeMode}\n`);
  if (spec.dataSource) {
    w.write(LEVEL_0, 'DataSource:\n');
    if (spec.dataSource.apiGroup) w.write(LEVEL_1, `APIGroup:\t${spec.dataSource.apiGroup}\n`);
    w.write(LEVEL_1, `Kind:\t${spec.dataSource.kind}\n`);
    w.write(LEVEL_1, `Name:\t${spec.dataSource.name}\n`);
  }
}
