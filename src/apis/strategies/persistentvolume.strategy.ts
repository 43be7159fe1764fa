// PersistentVolumes (core/v1, cluster-scoped; pkg/registry/core/persistentvolume): a new
// volume is Pending with its lastPhaseTransitionTime; a status write that changes the
// phase moves that time; the reclaim policy defaults to Retain (dynamic provisioning sets
// Delete) and the volume mode to Filesystem.
import { timestamp } from '../../apimachinery/clock.ts';
import { formatQuantity, tryParseQuantity } from '../quantity.ts';
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validatePersistentVolume, validatePersistentVolumeStatus, validatePersistentVolumeUpdate } from '../validation/persistentvolume.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy, keepStoredStatus } from './define.ts';
import type { CellSource } from '../strategy.ts';

const rec = (v: unknown): Rec => (isRec(v) ? v : {});
const zero = (v: unknown): boolean => v === undefined || v === null || v === '';
/** The object at o[k], created when absent; undefined when it is something else. */
const objectAt = (o: Rec, k: string): Rec | undefined => {
  if (o[k] === undefined || o[k] === null) o[k] = {};
  return isRec(o[k]) ? o[k] : undefined;
};

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP, in that order, each once. */
export function accessModesText(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  const short: Array<[string, string]> = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([mode]) => list.includes(mode))
    .map(([, s]) => s)
    .join(',');
}

/** A quantity as Quantity.String() prints it ("0" when absent), or the text as written when it does not parse. */
export function quantityText(v: unknown): string {
  if (v === undefined || v === null) return '0';
  const q = tryParseQuantity(v);
  return q ? formatQuantity(q) : String(v);
}

/** kubectl's STATUS of a volume or claim: Terminating once deleted, else the phase. */
export const PHASE_CELL: CellSource = { compute: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : rec(o.status).phase) };
/** VOLUMEATTRIBUTESCLASS: `<unset>` when there is none. */
export const VOLUME_ATTRIBUTES_CLASS_CELL: CellSource = { compute: (o) => rec(o.spec).volumeAttributesClassName || '<unset>' };
export const VOLUME_MODE_CELL: CellSource = { compute: (o) => rec(o.spec).volumeMode || '<unset>' };

/** SetDefaults_PersistentVolume (and the hostPath source's type). */
export function defaultPersistentVolume(pv: KubeObject): void {
  const spec = objectAt(pv as Rec, 'spec');
  if (spec) {
    if (zero(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = 'Retain';
    if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = 'Filesystem';
    if (isRec(spec.hostPath) && (spec.hostPath.type === undefined || spec.hostPath.type === null)) spec.hostPath.type = '';
  }
  const status = objectAt(pv as Rec, 'status');
  if (status && zero(status.phase)) status.phase = 'Pending';
}

const now = (): string => timestamp(new Date());

export const persistentVolumeStrategy = defineStrategy({
  info: defineKind('PersistentVolume', 'v1', 'persistentvolumes', false, { shortNames: ['pv'] }),
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatus: validatePersistentVolumeStatus,
  defaults: defaultPersistentVolume,
  prepareForCreate(pv) {
    const created = pv.metadata.creationTimestamp;
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: typeof created === 'string' ? created : now() };
  },
  prepareForUpdate: keepStoredStatus,
  /** The phase's transition time: kept while the phase stays, now when it changes (unless the writer set another). */
  prepareForStatusUpdate(pv, old) {
    if (!isRec(pv.status)) return;
    const status = pv.status;
    const was = rec(old.status);
    const time = status.lastPhaseTransitionTime;
    if (status.phase === was.phase && zero(time)) {
      if (was.lastPhaseTransitionTime !== undefined) status.lastPhaseTransitionTime = was.lastPhaseTransitionTime;
    } else if (status.phase !== was.phase && (zero(time) || time === was.lastPhaseTransitionTime)) {
      status.lastPhaseTransitionTime = now();
    }
  },
  printColumns: [
    NAME_COLUMN,
    {
      name: 'CAPACITY',
      type: 'string',
      source: { compute: (pv) => quantityText(rec(rec(pv.spec).capacity).storage) },
      description: "capacity is the description of the persistent volume's resources and capacity.",
    },
    {
      name: 'ACCESS MODES',
      type: 'string',
      source: { compute: (pv) => accessModesText(rec(pv.spec).accessModes) },
      description: 'accessModes contains all ways the volume can be mounted.',
    },
    {
      name: 'RECLAIM POLICY',
      type: 'string',
      source: 'spec.persistentVolumeReclaimPolicy',
      description: 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    },
    { name: 'STATUS', type: 'string', source: PHASE_CELL, description: 'phase indicates if a volume is available, bound to a claim, or released by a claim.' },
    {
      name: 'CLAIM',
      type: 'string',
      source: { join: ['spec.claimRef.namespace', 'spec.claimRef.name'], separator: '/' },
      description: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
    },
    { name: 'STORAGECLASS', type: 'string', source: 'spec.storageClassName', description: 'StorageClass of the pv' },
    { name: 'VOLUMEATTRIBUTESCLASS', type: 'string', source: VOLUME_ATTRIBUTES_CLASS_CELL, description: 'VolumeAttributesClass of the pv' },
    {
      name: 'REASON',
      type: 'string',
      source: 'status.reason',
      description: 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
    },
    AGE_COLUMN,
    {
      name: 'VOLUMEMODE',
      type: 'string',
      source: VOLUME_MODE_CELL,
      priority: 1,
      description: 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
    },
  ],
});
