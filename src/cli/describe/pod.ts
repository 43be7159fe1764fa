// kubectl's PodDescriber.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describeContainers, podFieldResolver } from './containers.ts';
import { printControlledBy } from './controllers.ts';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_1, tabbedString, type PrefixWriter } from './prefix-writer.ts';
import { describeResources } from './resources.ts';
import { rfc1123z, timestampSince } from './time-format.ts';
import { describeTopologySpreadConstraints } from './topology-spread.ts';
import { describeVolumes } from './volumes.ts';

/** The annotation of a static pod's mirror: its events are about the static pod's UID. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

function describePodIPs(pod: Pod, w: PrefixWriter): void {
  const ips = pod.status?.podIPs ?? [];
  if (ips.length === 0) {
    w.write(LEVEL_0, 'IPs:\t<none>\n');
    return;
  }
  w.write(LEVEL_0, 'IPs:\n');
  for (const ip of ips) w.write(LEVEL_1, `IP:\t${ip.ip}\n`);
}

function printConditionTable(w: PrefixWriter, title: string, rows: readonly [string, string][]): void {
  w.write(LEVEL_0, `${title}:\n  Type\tStatus\n`);
  for (const [type, status] of rows) w.write(LEVEL_1, `${type} \t${status} \n`);
}

export const describePod: Describer = async (ctx, object) => {
  const pod = as<Pod>(object);
  const meta = pod.metadata ?? {};
  const mirrorOf = meta.annotations?.[MIRROR_POD_ANNOTATION];
  const events = await eventsFor(ctx, object, { name: object.metadata.name, namespace: meta.namespace, uid: mirrorOf ?? meta.uid });
  const spec = pod.spec;
  const status = pod.status ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${meta.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${meta.namespace ?? ''}\n`);
    if (spec?.priority !== undefined && spec.priority !== null) w.write(LEVEL_0, `Priority:\t${spec.priority}\n`);
    if (spec?.priorityClassName) w.write(LEVEL_0, `Priority Class Name:\t${spec.priorityClassName}\n`);
    if (spec?.runtimeClassName) w.write(LEVEL_0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
    if (spec?.serviceAccountName) w.write(LEVEL_0, `Service Account:\t${spec.serviceAccountName}\n`);
    w.write(LEVEL_0, spec?.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ''}\n` : 'Node:\t<none>\n');
    if (status.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
    printLabelsMultiline(w, 'Labels', meta.labels);
    printAnnotationsMultiline(w, 'Annotations', meta.annotations);
    if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
      w.write(LEVEL_0, `Status:\tTerminating (lasts ${timestampSince(meta.deletionTimestamp, ctx.now)})\n`);
      w.write(LEVEL_0, `Termination Grace Period:\t${meta.deletionGracePeriodSeconds ?? 0}s\n`);
    } else {
      w.write(LEVEL_0, `Status:\t${status.phase ?? ''}\n`);
    }
    if (status.reason) w.write(LEVEL_0, `Reason:\t${status.reason}\n`);
    if (status.message) w.write(LEVEL_0, `Message:\t${status.message}\n`);
    const seccomp = spec?.securityContext?.seccompProfile;
    if (seccomp) {
      w.write(LEVEL_0, `SeccompProfile:\t${seccomp.type}\n`);
      if (seccomp.type === 'Localhost') w.write(LEVEL_0, `LocalhostProfile:\t${seccomp.localhostProfile ?? ''}\n`);
    }
    w.write(LEVEL_0, `IP:\t${status.podIP ?? ''}\n`);
    describePodIPs(pod, w);
    printControlledBy(w, meta);
    if (status.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
    const podResources = (spec as { resources?: Parameters<typeof describeResources>[0] } | undefined)?.resources;
    if (podResources) {
      w.write(LEVEL_0, 'Resources:\n');
      describeResources(podResources, w, LEVEL_1);
    }
    const resolve = podFieldResolver(pod);
    if (spec?.initContainers?.length) describeContainers('Init Containers', spec.initContainers, status.initContainerStatuses, resolve, w, '');
    describeContainers('Containers', spec?.containers, status.containerStatuses, resolve, w, '');
    if (spec?.ephemeralContainers?.length)
      describeContainers('Ephemeral Containers', spec.ephemeralContainers, status.ephemeralContainerStatuses, resolve, w, '');
    if (spec?.readinessGates?.length) {
      printConditionTable(
        w,
        'Readiness Gates',
        spec.readinessGates.map((g) => [g.conditionType, status.conditions?.find((c) => c.type === g.conditionType)?.status ?? '<none>']),
      );
    }
    if (status.conditions?.length)
      printConditionTable(
        w,
        'Conditions',
        status.conditions.map((c) => [c.type, c.status]),
      );
    describeVolumes(spec?.volumes, w, '');
    // The QoS class the apiserver assigned at creation (status.qosClass, kubectl's GetPodQOS).
    w.write(LEVEL_0, `QoS Class:\t${status.qosClass ?? ''}\n`);
    printLabelsMultiline(w, 'Node-Selectors', spec?.nodeSelector);
    printTolerationsMultiline(w, 'Tolerations', spec?.tolerations);
    describeTopologySpreadConstraints(spec?.topologySpreadConstraints, w, '');
    printEvents(events, w, ctx.now);
  });
};
