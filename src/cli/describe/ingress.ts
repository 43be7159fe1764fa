// kubectl's IngressDescriber: the rules, each backend with its Service's endpoints.
import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import { type DescribeContext, type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, tabbedString } from './prefix-writer.ts';
import { endpointSlicesOf, formatEndpointSlices } from './service.ts';

/** describeBackendV1: `web:80 (10.244.1.5:8080)`. */
async function describeBackend(ctx: DescribeContext, namespace: string | undefined, backend: IngressBackend): Promise<string> {
  if (backend.service) {
    const port = backend.service.port;
    const name = `${backend.service.name}:${port?.number ? port.number : (port?.name ?? '')}`;
    try {
      const [slices, service] = await Promise.all([
        endpointSlicesOf(ctx, namespace, backend.service.name),
        ctx.client.resource('Service').get(namespace, backend.service.name) as Promise<Service | null>,
      ]);
      if (!service) return `${name} (<error: services "${backend.service.name}" not found>)`;
      let portName = '';
      for (const sp of service.spec?.ports ?? []) {
        if ((port?.number && port.number === sp.port) || (port?.name && port.name === sp.name)) portName = sp.name ?? '';
      }
      return `${name} (${formatEndpointSlices(slices, new Set([portName]))})`;
    } catch (e) {
      return `${name} (<error: ${e instanceof Error ? e.message : String(e)}>)`;
    }
  }
  if (backend.resource) return `APIGroup: ${backend.resource.apiGroup ?? '<none>'}, Kind: ${backend.resource.kind}, Name: ${backend.resource.name}`;
  return '';
}

export const describeIngress: Describer = async (ctx, object) => {
  const ing = as<Ingress>(object);
  const ns = object.metadata.namespace;
  const spec = ing.spec ?? {};
  const rules = (spec.rules ?? []).filter((r) => r.http);
  const [events, defaultBackend, backends] = await Promise.all([
    eventsFor(ctx, object),
    spec.defaultBackend ? describeBackend(ctx, ns, spec.defaultBackend) : Promise.resolve('<default>'),
    Promise.all(rules.map((r) => Promise.all((r.http?.paths ?? []).map((p) => describeBackend(ctx, ns, p.backend))))),
  ]);
  const address = [...new Set((ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean))].sort().join(',');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    w.write(LEVEL_0, `Namespace:\t${ns ?? ''}\n`);
    w.write(LEVEL_0, `Address:\t${address}\n`);
    w.write(LEVEL_0, `Ingress Class:\t${spec.ingressClassName ?? '<none>'}\n`);
    w.write(LEVEL_0, `Default backend:\t${defaultBackend}\n`);
    if (spec.tls?.length) {
      w.write(LEVEL_0, 'TLS:\n');
      for (const t of spec.tls)
        w.write(LEVEL_1, t.secretName ? `${t.secretName} terminates ${(t.hosts ?? []).join(',')}\n` : `SNI routes ${(t.hosts ?? []).join(',')}\n`);
    }
    w.write(LEVEL_0, 'Rules:\n  Host\tPath\tBackends\n');
    w.write(LEVEL_1, '----\t----\t--------\n');
    rules.forEach((rule, i) => {
      w.write(LEVEL_1, `${rule.host || '*'}\t\n`);
      (rule.http?.paths ?? []).forEach((path, j) => w.write(LEVEL_2, `\t${path.path ?? ''} \t${backends[i]![j]}\n`));
    });
    if (rules.length === 0) w.write(LEVEL_1, `*\t*\t${defaultBackend}\n`);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    printEvents(events, w, ctx.now);
  });
};
