// DaemonSets (apps/v1): SetDefaults_DaemonSet, the daemonset strategy and kubectl's
// columns. The strategy's TemplateGeneration reaches apps/v1 as the annotation
// `deprecated.daemonset.template.generation`: 1 on create, one more whenever an update
// changes the template (a client's value is not taken). The controller is a later issue.
import { labelSelectorFromObject, formatLabelSelector, type LabelSelectorObject } from '../../apimachinery/labels.ts';
import type { KubeObject } from '../kinds.ts';
import { defaultPodTemplate } from '../defaults.ts';
import { semanticEqual } from '../validation/equality.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateDaemonSet } from '../validation/daemonset.ts';
import { validateSelectorUpdate } from '../validation/replicaset.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy, keepStoredStatus } from './define.ts';

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

const unset = (v: unknown): boolean => v === undefined || v === null;
function objAt(o: Rec, key: string): Rec | undefined {
  if (unset(o[key])) o[key] = {};
  return isRec(o[key]) ? o[key] : undefined;
}

/** SetDefaults_DaemonSet. */
export function defaultDaemonSet(ds: KubeObject): void {
  const spec = objAt(ds as Rec, 'spec');
  if (!spec) return;
  const strategy = objAt(spec, 'updateStrategy');
  if (strategy) {
    if (unset(strategy.type) || strategy.type === '') strategy.type = 'RollingUpdate';
    const ru = strategy.type === 'RollingUpdate' ? objAt(strategy, 'rollingUpdate') : undefined;
    if (ru) {
      if (unset(ru.maxUnavailable)) ru.maxUnavailable = 1;
      if (unset(ru.maxSurge)) ru.maxSurge = 0;
    }
  }
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(isRec(spec.template) ? spec.template : undefined);
}

/** The TemplateGeneration an object carries (0 when it carries none). */
function templateGeneration(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
}

function setTemplateGeneration(obj: KubeObject, generation: number): void {
  const annotations = obj.metadata.annotations;
  if (annotations !== undefined && !isRec(annotations)) return; // validation reports it
  obj.metadata.annotations = { ...annotations, [TEMPLATE_GENERATION_ANNOTATION]: String(generation) };
}

/** labels.FormatLabels: `k=v` pairs by key, `<none>` (absent) when there are none. */
export function formatLabels(v: unknown): string | undefined {
  if (!isRec(v)) return undefined;
  const pairs = Object.keys(v)
    .sort()
    .map((k) => `${k}=${String(v[k])}`);
  return pairs.length ? pairs.join(',') : undefined;
}

/** metav1.FormatLabelSelector: the selector's string form, `<none>` (absent) for a nil one, `<error>` for a bad one. */
export function formatSelector(v: unknown): string | undefined {
  try {
    return formatLabelSelector(labelSelectorFromObject(isRec(v) ? (v as LabelSelectorObject) : undefined)) || undefined;
  } catch {
    return '<error>';
  }
}

const templateSpecOf = (obj: KubeObject): Rec | undefined => {
  const template = obj.spec?.template;
  return isRec(template) && isRec(template.spec) ? template.spec : undefined;
};

export const daemonSetStrategy = defineStrategy({
  info: defineKind('DaemonSet', 'apps/v1', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'] }),
  validate: validateDaemonSet,
  validateUpdate: validateSelectorUpdate,
  defaults: defaultDaemonSet,
  prepareForCreate(obj) {
    obj.status = {};
    setTemplateGeneration(obj, Math.max(1, templateGeneration(obj)));
  },
  prepareForUpdate(obj, old) {
    keepStoredStatus(obj, old);
    // The stored template is defaulted; compare the new one as it will be stored.
    const next = structuredClone(obj);
    defaultDaemonSet(next);
    const changed = !semanticEqual(next.spec?.template, old.spec?.template);
    setTemplateGeneration(obj, templateGeneration(old) + (changed ? 1 : 0));
  },
  printColumns: [
    NAME_COLUMN,
    { name: 'DESIRED', type: 'integer', source: 'status.desiredNumberScheduled', description: 'Nodes that should run the daemon pod.' },
    { name: 'CURRENT', type: 'integer', source: 'status.currentNumberScheduled', description: 'Nodes running at least one daemon pod.' },
    { name: 'READY', type: 'integer', source: 'status.numberReady' },
    { name: 'UP-TO-DATE', type: 'integer', source: 'status.updatedNumberScheduled' },
    { name: 'AVAILABLE', type: 'integer', source: 'status.numberAvailable' },
    { name: 'NODE SELECTOR', type: 'string', source: { compute: (obj) => formatLabels(templateSpecOf(obj)?.nodeSelector) } },
    AGE_COLUMN,
    { name: 'CONTAINERS', type: 'string', source: { each: 'spec.template.spec.containers', format: '{name}' }, priority: 1 },
    { name: 'IMAGES', type: 'string', source: { each: 'spec.template.spec.containers', format: '{image}' }, priority: 1 },
    { name: 'SELECTOR', type: 'string', source: { compute: (obj) => formatSelector(obj.spec?.selector) }, priority: 1 },
  ],
});
