// kubectl's DeploymentDescriber, with the ReplicaSets the Deployment controls split into
// the new one (its template is the Deployment's) and the old ones.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { isRecord } from '../../apimachinery/json.ts';
import { printReasonConditions } from './controllers.ts';
import { type DescribeContext, type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { describePodTemplate } from './pod-template.ts';
import { LEVEL_0, tabbedString } from './prefix-writer.ts';
import { selectorString } from './selectors.ts';
import { rfc1123z } from './time-format.ts';

/** The label the Deployment controller adds to each ReplicaSet's template. */
const POD_TEMPLATE_HASH = 'pod-template-hash';

/** JSON with keys in order, so that equal objects give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** deploymentutil.EqualIgnoreHash: templates equal but for the pod-template-hash label. */
function templateWithoutHash(template: unknown): string {
  const copy = structuredClone(isRecord(template) ? template : {}) as { metadata?: { labels?: Record<string, string> } };
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return canonicalJson(copy);
}

/** deploymentutil.GetAllReplicaSets: the Deployment's ReplicaSets as [all old ones, the new one]. */
async function replicaSetsOf(ctx: DescribeContext, d: Deployment): Promise<[ReplicaSet[], ReplicaSet | undefined]> {
  const selector = selectorString(d.spec?.selector);
  const list = await ctx.client.resource('ReplicaSet').listAll({ namespace: d.metadata?.namespace, labelSelector: selector }, ctx.chunkSize);
  const owned = (list.items as ReplicaSet[]).filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller === true && o.uid === d.metadata?.uid));
  // The oldest of equal templates is the new one, as the controller picks it.
  const byAge = [...owned].sort(
    (a, b) =>
      Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? '') ||
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  const wanted = templateWithoutHash(d.spec?.template);
  const newRS = byAge.find((rs) => templateWithoutHash(rs.spec?.template) === wanted);
  return [owned.filter((rs) => rs !== newRS), newRS];
}

/** printReplicaSetsByLabels: `web-7d4b9c (3/3 replicas created)`, `<none>` for none. */
const replicaSetsString = (sets: readonly ReplicaSet[]): string =>
  sets.map((rs) => `${rs.metadata?.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ') || '<none>';

export const describeDeployment: Describer = async (ctx, object) => {
  const d = as<Deployment>(object);
  const [events, [oldRSs, newRS]] = await Promise.all([
    eventsFor(ctx, object),
    replicaSetsOf(ctx, d).catch(() => [[], undefined] as [ReplicaSet[], undefined]),
  ]);
  const spec = d.spec;
  const status = d.status ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(object.metadata.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `Selector:\t${selectorString(spec?.selector)}\n`);
    w.write(
      LEVEL_0,
      `Replicas:\t${spec?.replicas ?? 0} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`,
    );
    w.write(LEVEL_0, `StrategyType:\t${spec?.strategy?.type ?? ''}\n`);
    w.write(LEVEL_0, `MinReadySeconds:\t${spec?.minReadySeconds ?? 0}\n`);
    const ru = spec?.strategy?.rollingUpdate;
    if (ru) w.write(LEVEL_0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? 0} max unavailable, ${ru.maxSurge ?? 0} max surge\n`);
    describePodTemplate(spec?.template, w);
    printReasonConditions(w, status.conditions);
    if (oldRSs.length || newRS) {
      w.write(LEVEL_0, `OldReplicaSets:\t${replicaSetsString(oldRSs)}\n`);
      w.write(LEVEL_0, `NewReplicaSet:\t${replicaSetsString(newRS ? [newRS] : [])}\n`);
    }
    printEvents(events, w, ctx.now);
  });
};
