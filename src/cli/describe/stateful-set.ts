// kubectl's StatefulSetDescriber.
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { storageClassOf } from './claim.ts';
import { podCountsString, podStatusForController } from './controllers.ts';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { describePodTemplate } from './pod-template.ts';
import { LEVEL_0, LEVEL_1, tabbedString } from './prefix-writer.ts';
import { quantityString } from './resources.ts';
import { selectorString } from './selectors.ts';
import { rfc1123z } from './time-format.ts';

export const describeStatefulSet: Describer = async (ctx, object) => {
  const sts = as<StatefulSet>(object);
  const selector = selectorString(sts.spec?.selector);
  const [events, pods] = await Promise.all([eventsFor(ctx, object), podStatusForController(ctx, object.metadata.namespace, selector, object.metadata.uid)]);
  const spec = sts.spec;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(object.metadata.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    if (spec?.serviceName) w.write(LEVEL_0, `Service Name:\t${spec.serviceName}\n`);
    if (spec?.podManagementPolicy) w.write(LEVEL_0, `Pod Management Policy:\t${spec.podManagementPolicy}\n`);
    w.write(LEVEL_0, `Replicas:\t${spec?.replicas ?? 0} desired | ${sts.status?.replicas ?? 0} total\n`);
    w.write(LEVEL_0, `Update Strategy:\t${spec?.updateStrategy?.type ?? ''}\n`);
    const ru = spec?.updateStrategy?.rollingUpdate;
    if (ru?.partition !== undefined && ru.partition !== null) {
      w.write(LEVEL_1, `Partition:\t${ru.partition}\n`);
      if (ru.maxUnavailable !== undefined) w.write(LEVEL_1, `MaxUnavailable:\t${ru.maxUnavailable}\n`);
    }
    const retention = spec?.persistentVolumeClaimRetentionPolicy;
    if (retention) {
      w.write(LEVEL_0, 'Persistent Volume Claim Retention Policy:\n');
      w.write(LEVEL_1, `WhenDeleted:\t${retention.whenDeleted ?? ''}\n`);
      w.write(LEVEL_1, `WhenScaled:\t${retention.whenScaled ?? ''}\n`);
    }
    w.write(LEVEL_0, `Pods Status:\t${podCountsString(pods)}\n`);
    describePodTemplate(spec?.template, w);
    const templates = spec?.volumeClaimTemplates ?? [];
    if (templates.length === 0) {
      w.write(LEVEL_0, 'Volume Claims:\t<none>\n');
    } else {
      w.write(LEVEL_0, 'Volume Claims:\n');
      for (const pvc of templates) {
        w.write(LEVEL_1, `Name:\t${pvc.metadata?.name ?? ''}\n`);
        w.write(LEVEL_1, `StorageClass:\t${storageClassOf(pvc.metadata, pvc.spec?.storageClassName)}\n`);
        printLabelsMultiline(w, 'Labels', pvc.metadata?.labels, '  ');
        printLabelsMultiline(w, 'Annotations', pvc.metadata?.annotations, '  ');
        const storage = pvc.spec?.resources?.requests?.storage;
        w.write(LEVEL_1, `Capacity:\t${storage !== undefined ? quantityString(storage) : '<default>'}\n`);
        w.write(LEVEL_1, `Access Modes:\t[${(pvc.spec?.accessModes ?? []).join(' ')}]\n`);
      }
    }
    printEvents(events, w, ctx.now);
  });
};
