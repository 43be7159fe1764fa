// kubectl's DaemonSetDescriber.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import { podCountsString, podStatusForController } from './controllers.ts';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { formatLabels, printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { describePodTemplate } from './pod-template.ts';
import { LEVEL_0, tabbedString } from './prefix-writer.ts';
import { selectorString } from './selectors.ts';

export const describeDaemonSet: Describer = async (ctx, object) => {
  const ds = as<DaemonSet>(object);
  const selector = selectorString(ds.spec?.selector);
  const [events, pods] = await Promise.all([eventsFor(ctx, object), podStatusForController(ctx, object.metadata.namespace, selector, object.metadata.uid)]);
  const status = ds.status;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    w.write(LEVEL_0, `Node-Selector:\t${formatLabels(ds.spec?.template?.spec?.nodeSelector)}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${status?.desiredNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${status?.currentNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Up-to-date Pods: ${status?.updatedNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${status?.numberAvailable ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Misscheduled: ${status?.numberMisscheduled ?? 0}\n`);
    w.write(LEVEL_0, `Pods Status:\t${podCountsString(pods)}\n`);
    describePodTemplate(ds.spec?.template, w);
    printEvents(events, w, ctx.now);
  });
};
