// kubectl's ReplicaSetDescriber and ReplicationControllerDescriber: a controller of
// identical pods, its replica counts and the phases of the pods it owns.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import { podCountsString, podStatusForController, printControlledBy, printReasonConditions } from './controllers.ts';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { formatLabels, printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { describePodTemplate } from './pod-template.ts';
import { LEVEL_0, tabbedString } from './prefix-writer.ts';
import { formatSelector, selectorString, setSelectorString } from './selectors.ts';

export const describeReplicaSet: Describer = async (ctx, object) => {
  const rs = as<ReplicaSet>(object);
  const [events, pods] = await Promise.all([
    eventsFor(ctx, object),
    podStatusForController(ctx, object.metadata.namespace, selectorString(rs.spec?.selector), object.metadata.uid).catch((e: unknown) =>
      e instanceof Error ? e : new Error(String(e)),
    ),
  ]);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatSelector(rs.spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    printControlledBy(w, object.metadata);
    w.write(LEVEL_0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired\n`);
    w.write(LEVEL_0, 'Pods Status:\t');
    w.write(LEVEL_0, pods instanceof Error ? `error in fetching pods: ${pods.message}\n` : `${podCountsString(pods)}\n`);
    describePodTemplate(rs.spec?.template, w);
    printReasonConditions(w, rs.status?.conditions);
    printEvents(events, w, ctx.now);
  });
};

export const describeReplicationController: Describer = async (ctx, object) => {
  const rc = as<ReplicationController>(object);
  const [events, pods] = await Promise.all([
    eventsFor(ctx, object),
    podStatusForController(ctx, object.metadata.namespace, setSelectorString(rc.spec?.selector), object.metadata.uid),
  ]);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabels(rc.spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `Replicas:\t${rc.status?.replicas ?? 0} current / ${rc.spec?.replicas ?? 0} desired\n`);
    w.write(LEVEL_0, `Pods Status:\t${podCountsString(pods)}\n`);
    describePodTemplate(rc.spec?.template, w);
    printReasonConditions(w, rc.status?.conditions);
    printEvents(events, w, ctx.now);
  });
};
