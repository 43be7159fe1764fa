// kubectl's PodDisruptionBudgetDescriber, PriorityClassDescriber and ServiceAccountDescriber.
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { formatLabels, printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_2, tabbedString } from './prefix-writer.ts';
import { formatSelector } from './selectors.ts';

export const describePodDisruptionBudget: Describer = async (ctx, object) => {
  const pdb = as<PodDisruptionBudget>(object);
  const events = await eventsFor(ctx, object);
  const spec = pdb.spec ?? {};
  const status = pdb.status;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    if (spec.minAvailable !== undefined && spec.minAvailable !== null) w.write(LEVEL_0, `Min available:\t${spec.minAvailable}\n`);
    else if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) w.write(LEVEL_0, `Max unavailable:\t${spec.maxUnavailable}\n`);
    w.write(LEVEL_0, `Selector:\t${spec.selector ? formatSelector(spec.selector) : '<unset>'}\n`);
    w.write(LEVEL_0, 'Status:\n');
    w.write(LEVEL_2, `Allowed disruptions:\t${status?.disruptionsAllowed ?? 0}\n`);
    w.write(LEVEL_2, `Current:\t${status?.currentHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Desired:\t${status?.desiredHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Total:\t${status?.expectedPods ?? 0}\n`);
    printEvents(events, w, ctx.now);
  });
};

export const describePriorityClass: Describer = async (ctx, object) => {
  const pc = as<PriorityClass>(object);
  const events = await eventsFor(ctx, object);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Value:\t${pc.value}\n`);
    w.write(LEVEL_0, `GlobalDefault:\t${pc.globalDefault === true}\n`);
    w.write(LEVEL_0, `PreemptionPolicy:\t${pc.preemptionPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Description:\t${pc.description ?? ''}\n`);
    w.write(LEVEL_0, `Annotations:\t${formatLabels(object.metadata.annotations)}\n`);
    printEvents(events, w, ctx.now);
  });
};

/** The blank header that continues a list of image pull secrets under its title. */
const PULL_SECRETS_HEADER = 'Image pull secrets:';

export const describeServiceAccount: Describer = async (ctx, object) => {
  const sa = as<ServiceAccount>(object);
  const events = await eventsFor(ctx, object);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    const names = (sa.imagePullSecrets ?? []).map((s) => s.name ?? '');
    if (names.length === 0) w.write(LEVEL_0, `${PULL_SECRETS_HEADER}\t<none>\n`);
    names.forEach((name, i) => w.write(LEVEL_0, `${i === 0 ? PULL_SECRETS_HEADER : ' '.repeat(PULL_SECRETS_HEADER.length)}\t${name}\n`));
    printEvents(events, w, ctx.now);
  });
};
