// kubectl's HorizontalPodAutoscalerDescriber (autoscaling/v2).
import type { HorizontalPodAutoscaler, HPAScalingRules, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, tabbedString, type PrefixWriter } from './prefix-writer.ts';
import { quantityString } from './resources.ts';
import { rfc1123z } from './time-format.ts';

const UNKNOWN = '<unknown>';

function printDirectionBehavior(w: PrefixWriter, direction: string, rules: HPAScalingRules | undefined): void {
  if (!rules) return;
  w.write(LEVEL_1, `${direction}:\n`);
  if (rules.stabilizationWindowSeconds !== undefined && rules.stabilizationWindowSeconds !== null) {
    w.write(LEVEL_2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
  }
  if (rules.policies?.length) {
    w.write(LEVEL_2, `Select Policy: ${rules.selectPolicy ?? 'Max'}\n`);
    w.write(LEVEL_2, 'Policies:\n');
    for (const p of rules.policies) w.write(LEVEL_3, `- Type: ${p.type}\tValue: ${p.value}\tPeriod: ${p.periodSeconds} seconds\n`);
  }
}

export const describeHorizontalPodAutoscaler: Describer = async (ctx, object) => {
  const hpa = as<HorizontalPodAutoscaler>(object);
  const events = await eventsFor(ctx, object);
  const spec = hpa.spec;
  const status = hpa.status;
  const current = (i: number): MetricStatus | undefined => status?.currentMetrics?.[i];
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(object.metadata.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Reference:\t${spec?.scaleTargetRef.kind}/${spec?.scaleTargetRef.name}\n`);
    w.write(LEVEL_0, 'Metrics:\t( current / target )\n');
    (spec?.metrics ?? []).forEach((metric, i) => {
      const cur = current(i);
      switch (metric.type) {
        case 'External': {
          const m = metric.external!;
          if (m.target.averageValue !== undefined) {
            const c = cur?.external?.current.averageValue !== undefined ? quantityString(cur.external.current.averageValue) : UNKNOWN;
            w.write(LEVEL_1, `${JSON.stringify(m.metric.name)} (target average value):\t${c} / ${quantityString(m.target.averageValue)}\n`);
          } else {
            const c = cur?.external ? quantityString(cur.external.current.value) : UNKNOWN;
            w.write(LEVEL_1, `${JSON.stringify(m.metric.name)} (target value):\t${c} / ${quantityString(m.target.value)}\n`);
          }
          break;
        }
        case 'Pods': {
          const m = metric.pods!;
          const c = cur?.pods ? quantityString(cur.pods.current.averageValue) : UNKNOWN;
          w.write(LEVEL_1, `${JSON.stringify(m.metric.name)} on pods:\t${c} / ${quantityString(m.target.averageValue)}\n`);
          break;
        }
        case 'Object': {
          const m = metric.object!;
          w.write(LEVEL_1, `"${m.metric.name}" on ${m.describedObject.kind}/${m.describedObject.name} `);
          if (m.target.type === 'AverageValue') {
            const c = cur?.object ? quantityString(cur.object.current.averageValue) : UNKNOWN;
            w.write(LEVEL_0, `(target average value):\t${c} / ${quantityString(m.target.averageValue)}\n`);
          } else {
            const c = cur?.object ? quantityString(cur.object.current.value) : UNKNOWN;
            w.write(LEVEL_0, `(target value):\t${c} / ${quantityString(m.target.value)}\n`);
          }
          break;
        }
        case 'Resource':
        case 'ContainerResource': {
          const m = metric.type === 'Resource' ? metric.resource! : metric.containerResource!;
          const c = metric.type === 'Resource' ? cur?.resource : cur?.containerResource;
          const container = metric.type === 'ContainerResource' ? ` of container "${metric.containerResource!.container}"` : '';
          w.write(LEVEL_1, `resource ${m.name}${container} on pods`);
          if (m.target.averageValue !== undefined) {
            w.write(LEVEL_0, `:\t${c ? quantityString(c.current.averageValue) : UNKNOWN} / ${quantityString(m.target.averageValue)}\n`);
          } else {
            const utilization = c?.current.averageUtilization;
            const shown = utilization !== undefined ? `${utilization}% (${quantityString(c!.current.averageValue)})` : UNKNOWN;
            const target = m.target.averageUtilization !== undefined ? `${m.target.averageUtilization}%` : '<auto>';
            w.write(LEVEL_1, `(as a percentage of request):\t${shown} / ${target}\n`);
          }
          break;
        }
        default:
          w.write(LEVEL_1, `<unknown metric type ${JSON.stringify(metric.type)}>\n`);
      }
    });
    w.write(LEVEL_0, `Min replicas:\t${spec?.minReplicas ?? '<unset>'}\n`);
    w.write(LEVEL_0, `Max replicas:\t${spec?.maxReplicas ?? 0}\n`);
    if (spec?.behavior) {
      w.write(LEVEL_0, 'Behavior:\n');
      printDirectionBehavior(w, 'Scale Up', spec.behavior.scaleUp);
      printDirectionBehavior(w, 'Scale Down', spec.behavior.scaleDown);
    }
    w.write(LEVEL_0, `${spec?.scaleTargetRef.kind} pods:\t`);
    w.write(LEVEL_0, `${status?.currentReplicas ?? 0} current / ${status?.desiredReplicas ?? 0} desired\n`);
    if (status?.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------\t-------\n');
      for (const c of status.conditions) w.write(LEVEL_1, `${c.type}\t${c.status}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
    }
    printEvents(events, w, ctx.now);
  });
};
