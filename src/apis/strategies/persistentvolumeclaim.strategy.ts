// PersistentVolumeClaims (core/v1, pkg/registry/core/persistentvolumeclaim): a new claim is
// Pending; its volume mode defaults to Filesystem. Binding (volumeName, status Bound) is
// the volume controllers' business.
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import {
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatus,
  validatePersistentVolumeClaimUpdate,
} from '../validation/persistentvolumeclaim.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy, keepStoredStatus } from './define.ts';
import { PHASE_CELL, VOLUME_ATTRIBUTES_CLASS_CELL, VOLUME_MODE_CELL, accessModesText, quantityText } from './persistentvolume.strategy.ts';

const rec = (v: unknown): Rec => (isRec(v) ? v : {});

/** SetDefaults_PersistentVolumeClaim and SetDefaults_PersistentVolumeClaimSpec. */
export function defaultPersistentVolumeClaim(pvc: KubeObject): void {
  if (pvc.spec === undefined || pvc.spec === null) pvc.spec = {};
  if (isRec(pvc.spec) && (pvc.spec.volumeMode === undefined || pvc.spec.volumeMode === null)) pvc.spec.volumeMode = 'Filesystem';
  if (pvc.status === undefined || pvc.status === null) pvc.status = {};
  if (isRec(pvc.status) && (pvc.status.phase === undefined || pvc.status.phase === null || pvc.status.phase === '')) pvc.status.phase = 'Pending';
}

/** A bound claim's value (capacity, access modes); kubectl leaves them blank until the claim has its volume. */
const whenBound =
  (f: (pvc: KubeObject) => unknown) =>
  (pvc: KubeObject): unknown =>
    rec(pvc.spec).volumeName ? f(pvc) : undefined;

export const persistentVolumeClaimStrategy = defineStrategy({
  info: defineKind('PersistentVolumeClaim', 'v1', 'persistentvolumeclaims', true, { shortNames: ['pvc'] }),
  validate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  validateStatus: validatePersistentVolumeClaimStatus,
  defaults: defaultPersistentVolumeClaim,
  prepareForCreate(pvc) {
    pvc.status = { phase: 'Pending' };
  },
  prepareForUpdate: keepStoredStatus,
  printColumns: [
    NAME_COLUMN,
    { name: 'STATUS', type: 'string', source: PHASE_CELL, description: 'phase represents the current phase of PersistentVolumeClaim.' },
    {
      name: 'VOLUME',
      type: 'string',
      source: 'spec.volumeName',
      description: 'volumeName is the binding reference to the PersistentVolume backing this claim.',
    },
    {
      name: 'CAPACITY',
      type: 'string',
      source: { compute: whenBound((pvc) => quantityText(rec(rec(pvc.status).capacity).storage)) },
      description: 'capacity represents the actual resources of the underlying volume.',
    },
    {
      name: 'ACCESS MODES',
      type: 'string',
      source: { compute: whenBound((pvc) => accessModesText(rec(pvc.status).accessModes)) },
      description: 'accessModes contains the actual access modes the volume backing the PVC has.',
    },
    { name: 'STORAGECLASS', type: 'string', source: 'spec.storageClassName', description: 'StorageClass of the pvc' },
    { name: 'VOLUMEATTRIBUTESCLASS', type: 'string', source: VOLUME_ATTRIBUTES_CLASS_CELL, description: 'VolumeAttributesClass of the pvc' },
    AGE_COLUMN,
    {
      name: 'VOLUMEMODE',
      type: 'string',
      source: VOLUME_MODE_CELL,
      priority: 1,
      description: 'volumeMode defines what type of volume is required by the claim.',
    },
  ],
});
