// Jobs (batch/v1): SetDefaults_Job, the job strategy and kubectl's columns. The
// controller is a later issue.
//
// PrepareForCreate generates the selector (unless manualSelector): the template gets
// `batch.kubernetes.io/job-name`, `job-name`, `batch.kubernetes.io/controller-uid` and
// `controller-uid`, the selector `batch.kubernetes.io/controller-uid` — from metadata.uid,
// which the registry assigns before it prepares an object. Defaulting then gives a Job
// without labels of its own its template's labels, as a Job read from Kubernetes has them.
import type { KubeObject } from '../kinds.ts';
import { defaultPodTemplate } from '../defaults.ts';
import { humanAge } from '../strategy.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL, validateJob, validateJobUpdate } from '../validation/job.ts';
import { formatSelector } from './daemonset.strategy.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy, keepStoredStatus } from './define.ts';

const MAX_INT32 = 2147483647;
/** Fields of alpha features in Kubernetes 1.30 (JobManagedBy, JobSuccessPolicy): dropped unless already in use. */
const ALPHA_FIELDS = ['managedBy', 'successPolicy'] as const;

const unset = (v: unknown): boolean => v === undefined || v === null;
function objAt(o: Rec, key: string): Rec | undefined {
  if (unset(o[key])) o[key] = {};
  return isRec(o[key]) ? o[key] : undefined;
}

/** The defaults of a Job spec's nested types: the pod template's and SetDefaults_PodFailurePolicyOnPodConditionsPattern. A CronJob's jobTemplate gets these, not SetDefaults_Job. */
export function defaultJobSpecTypes(spec: Rec): void {
  const policy = isRec(spec.podFailurePolicy) ? spec.podFailurePolicy : undefined;
  for (const rule of Array.isArray(policy?.rules) ? policy.rules : []) {
    if (!isRec(rule) || !Array.isArray(rule.onPodConditions)) continue;
    for (const pattern of rule.onPodConditions) if (isRec(pattern) && (unset(pattern.status) || pattern.status === '')) pattern.status = 'True';
  }
  defaultPodTemplate(isRec(spec.template) ? spec.template : undefined);
}

/** SetDefaults_Job. */
export function defaultJob(job: KubeObject): void {
  const spec = objAt(job as Rec, 'spec');
  if (!spec) return;
  // A non-parallel Job may leave both unset: both are 1 then.
  if (unset(spec.completions) && unset(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset(spec.parallelism)) spec.parallelism = 1;
  if (unset(spec.backoffLimit)) spec.backoffLimit = unset(spec.backoffLimitPerIndex) ? 6 : MAX_INT32;
  const template = isRec(spec.template) ? spec.template : undefined;
  const templateLabels = template && isRec(template.metadata) ? template.metadata.labels : undefined;
  const labels = job.metadata.labels;
  if (isRec(templateLabels) && (unset(labels) || (isRec(labels) && Object.keys(labels).length === 0))) {
    job.metadata.labels = { ...(templateLabels as Record<string, string>) };
  }
  if (unset(spec.completionMode)) spec.completionMode = 'NonIndexed';
  if (unset(spec.suspend)) spec.suspend = false;
  if (unset(spec.podReplacementPolicy)) spec.podReplacementPolicy = unset(spec.podFailurePolicy) ? 'TerminatingOrFailed' : 'Failed';
  if (unset(spec.manualSelector)) spec.manualSelector = false;
  defaultJobSpecTypes(spec);
}

/** generateSelector: the template's labels from the Job's name and uid (where the client set none), and a selector on the uid. */
function generateSelector(job: KubeObject, spec: Rec): void {
  const template = objAt(spec, 'template');
  const meta = template && objAt(template, 'metadata');
  const labels = meta && objAt(meta, 'labels');
  const selector = objAt(spec, 'selector');
  const matchLabels = selector && objAt(selector, 'matchLabels');
  if (!labels || !matchLabels) return; // validation reports the wrong shapes
  const { name, uid } = job.metadata;
  // A conflicting label the client set is kept, and refused by validation.
  if (name) for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!Object.hasOwn(labels, k)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!Object.hasOwn(labels, k)) labels[k] = uid;
  if (!Object.hasOwn(matchLabels, CONTROLLER_UID_LABEL)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

function dropAlphaFields(obj: KubeObject, old?: KubeObject): void {
  const spec = isRec(obj.spec) ? obj.spec : undefined;
  if (spec) for (const f of ALPHA_FIELDS) if (unset(old?.spec?.[f])) delete spec[f];
}

// ---- columns ------------------------------------------------------------------------

/** hasJobCondition: the first condition of the type is True. */
function hasCondition(obj: KubeObject, type: string): boolean {
  const conditions = obj.status?.conditions;
  const c = Array.isArray(conditions) ? conditions.find((x) => isRec(x) && x.type === type) : undefined;
  return isRec(c) && c.status === 'True';
}

/** printJob's STATUS (kubectl 1.30). */
export function jobStatus(obj: KubeObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

const int = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** printJob's COMPLETIONS: `succeeded/completions`, or for a work queue `succeeded/1` (`of <parallelism>` when parallel). */
export function jobCompletions(obj: KubeObject): string {
  const succeeded = int(obj.status?.succeeded);
  const spec = obj.spec ?? {};
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = int(spec.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** printJob's DURATION: start to completion, or start to now while it runs; none before it starts. */
export function jobDuration(obj: KubeObject, now: Date = new Date()): string | undefined {
  const start = Date.parse(String(obj.status?.startTime ?? ''));
  if (Number.isNaN(start)) return undefined;
  const completion = Date.parse(String(obj.status?.completionTime ?? ''));
  const end = Number.isNaN(completion) ? now.getTime() : completion;
  return humanAge((end - start) / 1000);
}

export const jobStrategy = defineStrategy({
  info: defineKind('Job', 'batch/v1', 'jobs', true, { categories: ['all'] }),
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  defaults: defaultJob,
  prepareForCreate(obj) {
    obj.status = {};
    dropAlphaFields(obj);
    if (isRec(obj.spec) && obj.spec.manualSelector !== true) generateSelector(obj, obj.spec);
  },
  prepareForUpdate(obj, old) {
    keepStoredStatus(obj, old);
    dropAlphaFields(obj, old);
  },
  printColumns: [
    NAME_COLUMN,
    { name: 'STATUS', type: 'string', source: { compute: jobStatus }, description: 'What the Job came to, from its conditions.' },
    { name: 'COMPLETIONS', type: 'string', source: { compute: jobCompletions }, description: 'Succeeded pods of the desired completions.' },
    { name: 'DURATION', type: 'string', source: { compute: jobDuration }, description: 'How long the Job ran, or has run.' },
    AGE_COLUMN,
    { name: 'CONTAINERS', type: 'string', source: { each: 'spec.template.spec.containers', format: '{name}' }, priority: 1 },
    { name: 'IMAGES', type: 'string', source: { each: 'spec.template.spec.containers', format: '{image}' }, priority: 1 },
    { name: 'SELECTOR', type: 'string', source: { compute: (obj) => formatSelector(obj.spec?.selector) }, priority: 1 },
  ],
});
