// CronJobs (batch/v1): SetDefaults_CronJob, the cronjob strategy and kubectl's columns.
// The jobTemplate gets the defaults of the types it nests (the pod template's), not
// SetDefaults_Job: a Job created from it is defaulted when it is created. The controller
// is a later issue.
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateCronJob } from '../validation/cronjob.ts';
import { formatSelector } from './daemonset.strategy.ts';
import { defaultJobSpecTypes } from './job.strategy.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

const unset = (v: unknown): boolean => v === undefined || v === null;

/** SetDefaults_CronJob. */
export function defaultCronJob(cj: KubeObject): void {
  if (unset(cj.spec)) cj.spec = {};
  const spec = cj.spec;
  if (!isRec(spec)) return;
  if (unset(spec.concurrencyPolicy) || spec.concurrencyPolicy === '') spec.concurrencyPolicy = 'Allow';
  if (unset(spec.suspend)) spec.suspend = false;
  if (unset(spec.successfulJobsHistoryLimit)) spec.successfulJobsHistoryLimit = 3;
  if (unset(spec.failedJobsHistoryLimit)) spec.failedJobsHistoryLimit = 1;
  const jobSpec = isRec(spec.jobTemplate) && isRec(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  if (jobSpec) defaultJobSpecTypes(jobSpec);
}

const jobSpecOf = (obj: KubeObject): Rec | undefined => {
  const template = obj.spec?.jobTemplate;
  return isRec(template) && isRec(template.spec) ? template.spec : undefined;
};

/** printBoolPtr: True, False, or `<unset>`. */
const printBoolPtr = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>');

export const cronJobStrategy = defineStrategy({
  info: defineKind('CronJob', 'batch/v1', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'] }),
  validate: validateCronJob,
  defaults: defaultCronJob,
  printColumns: [
    NAME_COLUMN,
    { name: 'SCHEDULE', type: 'string', source: 'spec.schedule', description: 'When Jobs are created, in cron syntax.' },
    { name: 'TIMEZONE', type: 'string', source: 'spec.timeZone' },
    { name: 'SUSPEND', type: 'string', source: { compute: (obj) => printBoolPtr(obj.spec?.suspend) } },
    { name: 'ACTIVE', type: 'integer', source: { count: 'status.active' }, description: 'Jobs running now.' },
    { name: 'LAST SCHEDULE', type: 'string', source: { age: 'status.lastScheduleTime' }, description: 'Time since a Job was last created.' },
    AGE_COLUMN,
    { name: 'CONTAINERS', type: 'string', source: { each: 'spec.jobTemplate.spec.template.spec.containers', format: '{name}' }, priority: 1 },
    { name: 'IMAGES', type: 'string', source: { each: 'spec.jobTemplate.spec.template.spec.containers', format: '{image}' }, priority: 1 },
    { name: 'SELECTOR', type: 'string', source: { compute: (obj) => formatSelector(jobSpecOf(obj)?.selector) }, priority: 1 },
  ],
});
