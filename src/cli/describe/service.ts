// kubectl's ServiceDescriber and EndpointsDescriber, and the `Endpoints:` line both a
// Service and an Ingress backend print from the Service's EndpointSlices.
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { type DescribeContext, type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { formatLabels, printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, tabbedString } from './prefix-writer.ts';

/** The label an EndpointSlice names its Service by. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Endpoints listed on one line before `+ N more...`. */
const MAX_ENDPOINTS_SHOWN = 3;

/** The EndpointSlices of a Service (empty when they cannot be read, as kubectl ignores that error). */
export async function endpointSlicesOf(ctx: DescribeContext, namespace: string | undefined, service: string): Promise<EndpointSlice[]> {
  try {
    const list = await ctx.client.resource('EndpointSlice').listAll({ namespace, labelSelector: `${SERVICE_NAME_LABEL}=${service}` }, ctx.chunkSize);
    return list.items as EndpointSlice[];
  } catch {
    return [];
  }
}

const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * formatEndpointSlices: the ready endpoints of the ports named in `ports` (every port when
 * null) as `10.244.1.5:8080,…`, `<none>` when there are none.
 */
export function formatEndpointSlices(slices: readonly EndpointSlice[], ports: ReadonlySet<string> | null): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  // An endpoint whose readiness is unknown counts as ready (discovery/v1's advice).
  const ready = (e: EndpointSlice['endpoints'][number]) => e.conditions?.ready !== false;
  const add = (text: string) => {
    if (list.length === MAX_ENDPOINTS_SHOWN) more = true;
    if (!more) list.push(text);
    count++;
  };
  for (const slice of slices) {
    if (!slice.ports?.length) {
      // A headless Service without ports lists addresses alone.
      for (const e of slice.endpoints ?? []) if (ready(e)) add(e.addresses[0]!);
      continue;
    }
    for (const port of slice.ports) {
      if (ports && !ports.has(port.name ?? '')) continue;
      for (const e of slice.endpoints ?? []) if (ready(e)) add(joinHostPort(e.addresses[0]!, port.port ?? 0));
    }
  }
  return more ? `${list.join(',')} + ${count - MAX_ENDPOINTS_SHOWN} more...` : list.join(',');
}

export const describeService: Describer = async (ctx, object) => {
  const svc = as<Service>(object);
  const [events, slices] = await Promise.all([eventsFor(ctx, object), endpointSlicesOf(ctx, object.metadata.namespace, object.metadata.name)]);
  const spec = svc.spec ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `Selector:\t${formatLabels(spec.selector)}\n`);
    w.write(LEVEL_0, `Type:\t${spec.type ?? ''}\n`);
    if (spec.ipFamilyPolicy) w.write(LEVEL_0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
    w.write(LEVEL_0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
    w.write(LEVEL_0, `IP:\t${spec.clusterIP ?? ''}\n`);
    w.write(LEVEL_0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
    if (spec.externalIPs?.length) w.write(LEVEL_0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
    if (spec.loadBalancerIP) w.write(LEVEL_0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
    if (spec.externalName) w.write(LEVEL_0, `External Name:\t${spec.externalName}\n`);
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    if (ingress.length) {
      const list = ingress.map((i) => (i.ip ? (i.ipMode ? `${i.ip} (${i.ipMode})` : i.ip) : (i.hostname ?? ''))).join(', ');
      w.write(LEVEL_0, `LoadBalancer Ingress:\t${list}\n`);
    }
    for (const sp of spec.ports ?? []) {
      const name = sp.name || '<unset>';
      const protocol = sp.protocol ?? '';
      w.write(LEVEL_0, `Port:\t${name}\t${sp.port}/${protocol}\n`);
      w.write(LEVEL_0, `TargetPort:\t${sp.targetPort ?? 0}/${protocol}\n`);
      if (sp.appProtocol) w.write(LEVEL_0, `AppProtocol:\t${sp.appProtocol}\n`);
      if (sp.nodePort) w.write(LEVEL_0, `NodePort:\t${name}\t${sp.nodePort}/${protocol}\n`);
      w.write(LEVEL_0, `Endpoints:\t${formatEndpointSlices(slices, new Set([sp.name ?? '']))}\n`);
    }
    w.write(LEVEL_0, `Session Affinity:\t${spec.sessionAffinity ?? ''}\n`);
    if (spec.externalTrafficPolicy) w.write(LEVEL_0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
    if (spec.internalTrafficPolicy) w.write(LEVEL_0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
    if (spec.healthCheckNodePort) w.write(LEVEL_0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
    if (spec.loadBalancerSourceRanges?.length) w.write(LEVEL_0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
    const trafficDistribution = (spec as { trafficDistribution?: string }).trafficDistribution;
    if (trafficDistribution) w.write(LEVEL_0, `Traffic Distribution:\t${trafficDistribution}\n`);
    printEvents(events, w, ctx.now);
  });
};

export const describeEndpoints: Describer = async (ctx, object) => {
  const ep = as<Endpoints>(object);
  const events = await eventsFor(ctx, object);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, 'Subsets:\n');
    for (const subset of ep.subsets ?? []) {
      w.write(LEVEL_1, `Addresses:\t${(subset.addresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`);
      w.write(LEVEL_1, `NotReadyAddresses:\t${(subset.notReadyAddresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`);
      if (subset.ports?.length) {
        w.write(LEVEL_1, 'Ports:\n');
        w.write(LEVEL_2, 'Name\tPort\tProtocol\n');
        w.write(LEVEL_2, '----\t----\t--------\n');
        for (const p of subset.ports) w.write(LEVEL_2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol ?? ''}\n`);
      }
      w.write(LEVEL_0, '\n');
    }
    printEvents(events, w, ctx.now);
  });
};
