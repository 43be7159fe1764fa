// kubectl's JobDescriber and CronJobDescriber.
import type { CronJob, Job, JobTemplateSpec } from 'kubernetes-types/batch/v1.js';
import { printControlledBy } from './controllers.ts';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { describePodTemplate } from './pod-template.ts';
import { LEVEL_0, tabbedString, type PrefixWriter } from './prefix-writer.ts';
import { selectorString } from './selectors.ts';
import { humanDuration, rfc1123z } from './time-format.ts';

const set = (v: unknown): boolean => v !== undefined && v !== null;
const orUnset = (v: unknown, suffix = ''): string => (set(v) ? `${v}${suffix}` : '<unset>');

/** capIndexesListOrNone: the completed indexes, cut after about 50 characters. */
function capIndexes(indexes: string | undefined, softLimit = 50): string {
  if (!indexes) return '<none>';
  const cut = indexes.indexOf(',', softLimit);
  return cut === -1 ? indexes : `${indexes.slice(0, cut + 1)}...`;
}

export const describeJob: Describer = async (ctx, object) => {
  const job = as<Job>(object);
  const events = await eventsFor(ctx, object);
  const spec = job.spec;
  const status = job.status ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${selectorString(spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    printControlledBy(w, object.metadata);
    if (set(spec?.parallelism)) w.write(LEVEL_0, `Parallelism:\t${spec!.parallelism}\n`);
    w.write(LEVEL_0, `Completions:\t${orUnset(spec?.completions)}\n`);
    if (spec?.completionMode) w.write(LEVEL_0, `Completion Mode:\t${spec.completionMode}\n`);
    if (set(spec?.suspend)) w.write(LEVEL_0, `Suspend:\t${spec!.suspend}\n`);
    if (set(spec?.backoffLimit)) w.write(LEVEL_0, `Backoff Limit:\t${spec!.backoffLimit}\n`);
    if (set(spec?.ttlSecondsAfterFinished)) w.write(LEVEL_0, `TTL Seconds After Finished:\t${spec!.ttlSecondsAfterFinished}\n`);
    if (status.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
    if (status.completionTime) w.write(LEVEL_0, `Completed At:\t${rfc1123z(status.completionTime)}\n`);
    if (status.startTime && status.completionTime) {
      w.write(LEVEL_0, `Duration:\t${humanDuration(Date.parse(status.completionTime) - Date.parse(status.startTime))}\n`);
    }
    if (set(spec?.activeDeadlineSeconds)) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec!.activeDeadlineSeconds}s\n`);
    const counts = `${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed`;
    w.write(
      LEVEL_0,
      set(status.ready)
        ? `Pods Statuses:\t${status.active ?? 0} Active (${status.ready} Ready) / ${counts}\n`
        : `Pods Statuses:\t${status.active ?? 0} Active / ${counts}\n`,
    );
    if (spec?.completionMode === 'Indexed') w.write(LEVEL_0, `Completed Indexes:\t${capIndexes(status.completedIndexes)}\n`);
    describePodTemplate(spec?.template, w);
    printEvents(events, w, ctx.now);
  });
};

function describeJobTemplate(template: JobTemplateSpec | undefined, w: PrefixWriter): void {
  const spec = template?.spec;
  w.write(LEVEL_0, `Selector:\t${spec?.selector ? selectorString(spec.selector) : '<unset>'}\n`);
  w.write(LEVEL_0, `Parallelism:\t${orUnset(spec?.parallelism)}\n`);
  w.write(LEVEL_0, `Completions:\t${orUnset(spec?.completions)}\n`);
  if (set(spec?.activeDeadlineSeconds)) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec!.activeDeadlineSeconds}s\n`);
  describePodTemplate(spec?.template, w);
}

export const describeCronJob: Describer = async (ctx, object) => {
  const cj = as<CronJob>(object);
  const events = await eventsFor(ctx, object);
  const spec = cj.spec;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `Schedule:\t${spec?.schedule ?? ''}\n`);
    w.write(LEVEL_0, `Concurrency Policy:\t${spec?.concurrencyPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Suspend:\t${set(spec?.suspend) ? (spec!.suspend ? 'True' : 'False') : '<unset>'}\n`);
    w.write(LEVEL_0, `Time Zone:\t${orUnset(spec?.timeZone)}\n`);
    w.write(LEVEL_0, `Successful Job History Limit:\t${orUnset(spec?.successfulJobsHistoryLimit)}\n`);
    w.write(LEVEL_0, `Failed Job History Limit:\t${orUnset(spec?.failedJobsHistoryLimit)}\n`);
    w.write(LEVEL_0, `Starting Deadline Seconds:\t${orUnset(spec?.startingDeadlineSeconds, 's')}\n`);
    describeJobTemplate(spec?.jobTemplate, w);
    w.write(LEVEL_0, `Last Schedule Time:\t${cj.status?.lastScheduleTime ? rfc1123z(cj.status.lastScheduleTime) : '<unset>'}\n`);
    w.write(LEVEL_0, 'Active Jobs:\t');
    const active = cj.status?.active ?? [];
    if (active.length === 0) w.writeLine('<none>');
    else {
      w.write(LEVEL_0, active.map((j) => j.name ?? '').join(', '));
      w.writeLine('');
    }
    printEvents(events, w, ctx.now);
  });
};
