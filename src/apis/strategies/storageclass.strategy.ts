// StorageClasses (storage.k8s.io/v1, cluster-scoped): how volumes of a class are provisioned.
// The fields are top-level (no spec) and there is no status.
import type { KubeObject } from '../kinds.ts';
import { isRec } from '../validation/field.ts';
import { validateStorageClass, validateStorageClassUpdate } from '../validation/storageclass.ts';
import { AGE_COLUMN, defineKind, defineStrategy } from './define.ts';

/** The annotation that makes a class the default for claims that name none (and its beta form). */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function defaultStorageClass(obj: KubeObject): void {
  if (obj.reclaimPolicy === undefined || obj.reclaimPolicy === null) obj.reclaimPolicy = 'Delete';
  if (obj.volumeBindingMode === undefined || obj.volumeBindingMode === null) obj.volumeBindingMode = 'Immediate';
}

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  const a = isRec(obj.metadata?.annotations) ? obj.metadata.annotations : {};
  return a[DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true';
}

export const storageClassStrategy = defineStrategy({
  info: defineKind('StorageClass', 'storage.k8s.io/v1', 'storageclasses', false, { hasStatus: false, shortNames: ['sc'] }),
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  defaults: defaultStorageClass,
  printColumns: [
    // `standard (default)` for the default class
    {
      name: 'NAME',
      type: 'string',
      source: { compute: (o) => (isDefaultStorageClass(o) ? `${o.metadata.name} (default)` : o.metadata.name) },
      description: 'Name of the object.',
    },
    { name: 'PROVISIONER', type: 'string', source: 'provisioner', description: 'The name of the provisioner that creates volumes of this class.' },
    {
      name: 'RECLAIMPOLICY',
      type: 'string',
      source: { compute: (o) => (typeof o.reclaimPolicy === 'string' ? o.reclaimPolicy : 'Delete') },
      description: 'What happens to a dynamically provisioned volume when its claim goes.',
    },
    {
      name: 'VOLUMEBINDINGMODE',
      type: 'string',
      source: { compute: (o) => (typeof o.volumeBindingMode === 'string' ? o.volumeBindingMode : 'Immediate') },
      description: 'When volumes are provisioned and bound.',
    },
    {
      name: 'ALLOWVOLUMEEXPANSION',
      type: 'string',
      source: { compute: (o) => String(o.allowVolumeExpansion === true) },
      description: 'Whether claims of this class may be expanded.',
    },
    AGE_COLUMN,
  ],
});
