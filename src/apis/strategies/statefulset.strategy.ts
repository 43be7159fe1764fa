// StatefulSets (apps/v1): SetDefaults_StatefulSet, the statefulset strategy (maxUnavailable
// is MaxUnavailableStatefulSet's, alpha in 1.30: dropped unless already in use) and
// kubectl's columns. The controller is a later issue.
import type { KubeObject } from '../kinds.ts';
import { defaultPodTemplate } from '../defaults.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateStatefulSet, validateStatefulSetUpdate } from '../validation/statefulset.ts';
import { AGE_COLUMN, NAME_COLUMN, REPLICAS_SCALE, defineKind, defineStrategy, keepStoredStatus } from './define.ts';

const unset = (v: unknown): boolean => v === undefined || v === null;
/** The object at o[key], created when absent; undefined when o[key] is something else. */
function objAt(o: Rec, key: string): Rec | undefined {
  if (unset(o[key])) o[key] = {};
  return isRec(o[key]) ? o[key] : undefined;
}

/** SetDefaults_StatefulSet, and SetDefaults_PersistentVolumeClaim(Spec) on the claim templates. */
export function defaultStatefulSet(sts: KubeObject): void {
  const spec = objAt(sts as Rec, 'spec');
  if (!spec) return;
  if (unset(spec.podManagementPolicy) || spec.podManagementPolicy === '') spec.podManagementPolicy = 'OrderedReady';
  const strategy = objAt(spec, 'updateStrategy');
  if (strategy) {
    if (unset(strategy.type) || strategy.type === '') {
      strategy.type = 'RollingUpdate';
      if (unset(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    }
    if (strategy.type === 'RollingUpdate' && isRec(strategy.rollingUpdate) && unset(strategy.rollingUpdate.partition)) strategy.rollingUpdate.partition = 0;
  }
  const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    for (const f of ['whenDeleted', 'whenScaled']) if (unset(retention[f]) || retention[f] === '') retention[f] = 'Retain';
  }
  if (unset(spec.replicas)) spec.replicas = 1;
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(isRec(spec.template) ? spec.template : undefined);
  for (const claim of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
    if (!isRec(claim)) continue;
    const claimSpec = objAt(claim, 'spec');
    if (claimSpec && unset(claimSpec.volumeMode)) claimSpec.volumeMode = 'Filesystem';
    const status = objAt(claim, 'status');
    if (status && (unset(status.phase) || status.phase === '')) status.phase = 'Pending';
  }
}

const rollingUpdateOf = (obj: KubeObject): Rec | undefined => {
  const strategy = obj.spec?.updateStrategy;
  return isRec(strategy) && isRec(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined;
};

/** dropStatefulSetDisabledFields: MaxUnavailableStatefulSet is off, so maxUnavailable goes unless the old object had it. */
function dropDisabledFields(obj: KubeObject, old?: KubeObject): void {
  const inUse = old && rollingUpdateOf(old)?.maxUnavailable !== undefined;
  const ru = rollingUpdateOf(obj);
  if (!inUse && ru) delete ru.maxUnavailable;
}

export const statefulSetStrategy = defineStrategy({
  info: defineKind('StatefulSet', 'apps/v1', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], scale: REPLICAS_SCALE }),
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  defaults: defaultStatefulSet,
  prepareForCreate(obj) {
    obj.status = {};
    dropDisabledFields(obj);
  },
  prepareForUpdate(obj, old) {
    keepStoredStatus(obj, old);
    dropDisabledFields(obj, old);
  },
  printColumns: [
    NAME_COLUMN,
    { name: 'READY', type: 'string', source: { ratio: ['status.readyReplicas', 'spec.replicas'] }, description: 'Ready pods of the desired replicas.' },
    AGE_COLUMN,
    { name: 'CONTAINERS', type: 'string', source: { each: 'spec.template.spec.containers', format: '{name}' }, priority: 1 },
    { name: 'IMAGES', type: 'string', source: { each: 'spec.template.spec.containers', format: '{image}' }, priority: 1 },
  ],
});
