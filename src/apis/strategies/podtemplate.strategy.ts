// PodTemplates (core/v1): a named pod template, defaulted as every pod template is
// (SetDefaults_PodSpec). No status subresource.
import { defaultPodTemplate } from '../defaults.ts';
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validatePodTemplate } from '../validation/podtemplate.ts';
import { NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/**
 * The pod-spec defaults of a template (the ones Deployments and ReplicaSets get).
 * defaults.ts keeps its template defaulter private; a ReplicaSet-shaped wrapper around
 * the same template object reaches it without copying it.
 */
export function defaultTemplate(template: unknown): void {
  if (isRec(template)) defaultPodTemplate(template);
}

/** labels.FormatLabels: `k=v,k2=v2` with the keys sorted; `<none>` when there are none. */
export function formatLabels(v: unknown): string {
  const labels = isRec(v) ? v : {};
  const keys = Object.keys(labels).sort();
  return keys.length ? keys.map((k) => `${k}=${String(labels[k])}`).join(',') : '<none>';
}

const rec = (x: unknown): Rec => (isRec(x) ? x : {});

export const podTemplateStrategy = defineStrategy({
  info: defineKind('PodTemplate', 'v1', 'podtemplates', true, { hasStatus: false }),
  validate: validatePodTemplate,
  defaults: (pt: KubeObject) => defaultTemplate(pt.template),
  printColumns: [
    NAME_COLUMN,
    {
      name: 'CONTAINERS',
      type: 'string',
      source: { each: 'template.spec.containers', format: '{name}' },
      description: 'Names of each container in the template.',
    },
    {
      name: 'IMAGES',
      type: 'string',
      source: { each: 'template.spec.containers', format: '{image}' },
      description: 'Images referenced by each container in the template.',
    },
    {
      name: 'POD LABELS',
      type: 'string',
      source: { compute: (pt) => formatLabels(rec(rec(pt.template).metadata).labels) },
      description: 'The labels for the pod template.',
    },
  ],
});
