// Jobs (batch/v1): ValidateJob, validateJobSpec (shared with a CronJob's jobTemplate),
// the generated selector's check, and ValidateJobSpecUpdate — with the feature gates of
// Kubernetes 1.30's defaults (ElasticIndexedJob, JobPodFailurePolicy, JobBackoffLimitPerIndex
// and JobPodReplacementPolicy on; managedBy and successPolicy are alpha, dropped on write).

import type { KubeObject } from '../kinds.ts';
import { semanticEqual } from './equality.ts';
import {
  FIELD_IMMUTABLE,
  Literal,
  checkNonNegative,
  child,
  duplicate,
  index,
  invalid,
  isRec,
  key,
  notSupported,
  present,
  readArray,
  readBool,
  readInt,
  readObject,
  readObjects,
  readString,
  required,
  tooMany,
  type Cause,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { checkQualifiedName, isDNS1123Label, nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { goLabelSelector, goLabels, selectorMatches, validateLabelSelector } from './selector.ts';

/** The labels the job strategy puts on a Job's pod template, and the one its selector selects. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

export const COMPLETION_MODES = ['NonIndexed', 'Indexed'] as const;
export const POD_REPLACEMENT_POLICIES = ['Failed', 'TerminatingOrFailed'] as const;
const POD_FAILURE_POLICY_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'] as const;
const ON_EXIT_CODES_OPERATORS = ['In', 'NotIn'] as const;
const CONDITION_STATUSES = ['False', 'True', 'Unknown'] as const;

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;

/** A Go %q of a string slice: `["a" "b"]`. */
const goQuotedList = (v: readonly string[]): string => `[${v.map((s) => JSON.stringify(s)).join(' ')}]`;
/** field.Invalid with field.OmitValue: the value is left out of the message. */
const invalidOmitValue = (field: string, detail: string): Cause => ({ field, message: `Invalid value: ${detail}` });
const goInt32Slice = (v: unknown[] | undefined): Literal => new Literal(v ? `[]int32{${v.join(', ')}}` : '[]int32(nil)');

// ---- pod failure policy -------------------------------------------------------------

function validateOnExitCodes(errs: Errs, path: string, req: Rec, containerNames: Set<string>): void {
  const operatorPath = child(path, 'operator');
  const operator = readString(errs, operatorPath, req.operator) ?? '';
  if (operator === '') errs.push(required(operatorPath, `valid values: ${goQuotedList(ON_EXIT_CODES_OPERATORS)}`));
  else if (!(ON_EXIT_CODES_OPERATORS as readonly string[]).includes(operator)) errs.push(notSupported(operatorPath, operator, ON_EXIT_CODES_OPERATORS));
  const containerName = readString(errs, child(path, 'containerName'), req.containerName);
  if (containerName !== undefined && !containerNames.has(containerName)) {
    errs.push(invalid(child(path, 'containerName'), containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const valuesPath = child(path, 'values');
  const raw = readArray(errs, valuesPath, req.values);
  const values: number[] = [];
  (raw ?? []).forEach((x, j) => {
    const n = readInt(errs, index(valuesPath, j), x);
    if (n !== undefined) values.push(n);
  });
  if (values.length === 0) errs.push(invalid(valuesPath, goInt32Slice(raw ? [] : undefined), 'at least one value is required'));
  else if (values.length > MAX_ON_EXIT_CODES_VALUES) errs.push(tooMany(valuesPath, values.length, MAX_ON_EXIT_CODES_VALUES));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    if (operator === 'In' && v === 0) errs.push(invalid(index(valuesPath, j), v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(duplicate(index(valuesPath, j), v));
    seen.add(v);
    if (j > 0 && values[j - 1]! > v) ordered = false;
  });
  if (!ordered) errs.push(invalid(valuesPath, goInt32Slice(values), 'must be ordered'));
}

function validateOnPodConditions(errs: Errs, path: string, patterns: Array<[Rec, number]>): void {
  if (patterns.length > MAX_ON_POD_CONDITIONS_PATTERNS) errs.push(tooMany(path, patterns.length, MAX_ON_POD_CONDITIONS_PATTERNS));
  for (const [p, j] of patterns) {
    const at = index(path, j);
    checkQualifiedName(errs, child(at, 'type'), readString(errs, child(at, 'type'), p.type) ?? '');
    const status = readString(errs, child(at, 'status'), p.status) ?? '';
    if (status === '') errs.push(required(child(at, 'status'), `valid values: ${goQuotedList(CONDITION_STATUSES)}`));
    else if (!(CONDITION_STATUSES as readonly string[]).includes(status)) errs.push(notSupported(child(at, 'status'), status, CONDITION_STATUSES));
  }
}

/** validatePodFailurePolicy. */
function validatePodFailurePolicy(errs: Errs, path: string, policy: Rec, s: Rec, templateSpec: Rec | undefined): void {
  const rulesPath = child(path, 'rules');
  const rules = readObjects(errs, rulesPath, policy.rules);
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.push(tooMany(rulesPath, rules.length, MAX_POD_FAILURE_POLICY_RULES));
  const containerNames = new Set<string>();
  for (const list of [templateSpec?.containers, templateSpec?.initContainers]) {
    for (const c of Array.isArray(list) ? list : []) if (isRec(c) && typeof c.name === 'string') containerNames.add(c.name);
  }
  for (const [rule, i] of rules) {
    const at = index(rulesPath, i);
    const actionPath = child(at, 'action');
    const action = readString(errs, actionPath, rule.action) ?? '';
    if (action === '') errs.push(required(actionPath, `valid values: ${goQuotedList(POD_FAILURE_POLICY_ACTIONS)}`));
    else if (action === 'FailIndex') {
      if (!present(s.backoffLimitPerIndex)) errs.push(invalid(actionPath, action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!(POD_FAILURE_POLICY_ACTIONS as readonly string[]).includes(action)) errs.push(notSupported(actionPath, action, POD_FAILURE_POLICY_ACTIONS));
    const onExitCodes = readObject(errs, child(at, 'onExitCodes'), rule.onExitCodes);
    if (onExitCodes) validateOnExitCodes(errs, child(at, 'onExitCodes'), onExitCodes, containerNames);
    const patterns = readObjects(errs, child(at, 'onPodConditions'), rule.onPodConditions);
    if (patterns.length) validateOnPodConditions(errs, child(at, 'onPodConditions'), patterns);
    if (onExitCodes && patterns.length) errs.push(invalidOmitValue(at, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExitCodes && !patterns.length) errs.push(invalidOmitValue(at, 'specifying one of OnExitCodes and OnPodConditions is required'));
  }
}

// ---- the job spec -------------------------------------------------------------------

/**
 * validateJobSpec: everything about a Job spec but its selector (a Job's spec and a
 * CronJob's `jobTemplate.spec` alike). Returns the pod template's labels.
 */
export function validateJobSpecFields(errs: Errs, path: string, s: Rec): { labels?: Record<string, string> } {
  const at = (f: string) => child(path, f);
  const parallelism = checkNonNegative(errs, at('parallelism'), s.parallelism);
  const completions = checkNonNegative(errs, at('completions'), s.completions);
  checkNonNegative(errs, at('activeDeadlineSeconds'), s.activeDeadlineSeconds);
  checkNonNegative(errs, at('backoffLimit'), s.backoffLimit);
  checkNonNegative(errs, at('ttlSecondsAfterFinished'), s.ttlSecondsAfterFinished);
  const backoffLimitPerIndex = checkNonNegative(errs, at('backoffLimitPerIndex'), s.backoffLimitPerIndex);
  const maxFailedIndexes = checkNonNegative(errs, at('maxFailedIndexes'), s.maxFailedIndexes);
  if (maxFailedIndexes !== undefined && backoffLimitPerIndex === undefined && !present(s.backoffLimitPerIndex)) {
    errs.push(required(at('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  readBool(errs, at('suspend'), s.suspend);
  readBool(errs, at('manualSelector'), s.manualSelector);

  const mode = readString(errs, at('completionMode'), s.completionMode);
  if (mode !== undefined) {
    if (!(COMPLETION_MODES as readonly string[]).includes(mode)) errs.push(notSupported(at('completionMode'), mode, COMPLETION_MODES));
    if (mode === 'Indexed') {
      if (!present(s.completions)) errs.push(required(at('completions'), 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(invalid(at('parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      }
      if (completions !== undefined && maxFailedIndexes !== undefined && maxFailedIndexes > completions) {
        errs.push(invalid(at('maxFailedIndexes'), maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (maxFailedIndexes !== undefined && maxFailedIndexes > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
        errs.push(invalid(at('maxFailedIndexes'), maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}`));
      }
      if (completions !== undefined && completions > COMPLETIONS_SOFT_LIMIT && backoffLimitPerIndex !== undefined) {
        const high = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
        if (maxFailedIndexes === undefined)
          errs.push(required(at('maxFailedIndexes'), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        if (parallelism !== undefined && parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(invalid(at('parallelism'), parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} ${high}`));
        }
        if (maxFailedIndexes !== undefined && maxFailedIndexes > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(
            invalid(at('maxFailedIndexes'), maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} ${high}`),
          );
        }
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (backoffLimitPerIndex !== undefined) errs.push(invalid(at('backoffLimitPerIndex'), backoffLimitPerIndex, 'requires indexed completion mode'));
    if (maxFailedIndexes !== undefined) errs.push(invalid(at('maxFailedIndexes'), maxFailedIndexes, 'requires indexed completion mode'));
  }

  const templateSpec = isRec(s.template) && isRec(s.template.spec) ? s.template.spec : undefined;
  const policy = readObject(errs, at('podFailurePolicy'), s.podFailurePolicy);
  if (policy) validatePodFailurePolicy(errs, at('podFailurePolicy'), policy, s, templateSpec);

  const replacement = readString(errs, at('podReplacementPolicy'), s.podReplacementPolicy);
  if (replacement !== undefined) {
    if (policy) {
      if (replacement !== 'Failed') errs.push(notSupported(at('podReplacementPolicy'), replacement, ['Failed']));
    } else if (!(POD_REPLACEMENT_POLICIES as readonly string[]).includes(replacement)) {
      errs.push(notSupported(at('podReplacementPolicy'), replacement, POD_REPLACEMENT_POLICIES));
    }
  }

  const templatePath = at('template');
  const { labels, spec } = validatePodTemplateSpec(errs, templatePath, s.template);
  // Defaulting turns an absent restartPolicy into Always, which a Job may not have.
  const restartPath = child(templatePath, 'spec', 'restartPolicy');
  const restartPolicy = typeof spec?.restartPolicy === 'string' ? spec.restartPolicy : '';
  if (restartPolicy === 'Always' || restartPolicy === '') errs.push(required(restartPath, 'valid values: "OnFailure", "Never"'));
  else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') errs.push(notSupported(restartPath, restartPolicy, ['OnFailure', 'Never']));
  else if (policy && restartPolicy !== 'Never') errs.push(invalid(restartPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  return { labels };
}

/** ValidateHasLabel at `spec.template.metadata`. */
function checkHasLabel(errs: Errs, labels: Record<string, string> | undefined, name: string, expected: string): void {
  const path = key('spec.template.metadata.labels', name);
  if (!labels || !Object.hasOwn(labels, name)) errs.push(required(path, `must be '${expected}'`));
  else if (labels[name] !== expected) errs.push(invalid(path, goLabels(labels), `must be '${expected}'`));
}

/**
 * validateGeneratedSelector: unless manualSelector, the template carries the labels the
 * strategy generated from the Job's uid and name, and the selector selects them.
 */
function validateGeneratedSelector(errs: Errs, meta: Rec, s: Rec, labels: Record<string, string> | undefined, selectorValid: boolean): void {
  if (s.manualSelector === true || !present(s.selector)) return;
  const uid = typeof meta.uid === 'string' ? meta.uid : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (!uid) errs.push(required('metadata.uid'));
  checkHasLabel(errs, labels, LEGACY_CONTROLLER_UID_LABEL, uid);
  // kubeql names a generateName object after it is prepared: the name labels wait for it.
  if (name) checkHasLabel(errs, labels, LEGACY_JOB_NAME_LABEL, name);
  checkHasLabel(errs, labels, CONTROLLER_UID_LABEL, uid);
  if (name) checkHasLabel(errs, labels, JOB_NAME_LABEL, name);
  const expected: Record<string, string> = { [CONTROLLER_UID_LABEL]: uid, [LEGACY_CONTROLLER_UID_LABEL]: uid };
  if (name) Object.assign(expected, { [JOB_NAME_LABEL]: name, [LEGACY_JOB_NAME_LABEL]: name });
  const selector = validateLabelSelector([], 'spec.selector', s.selector);
  if (selectorValid && selector && !selectorMatches(selector, expected)) {
    errs.push(invalid('spec.selector', goLabelSelector(s.selector), '`selector` not auto-generated'));
  }
}

export function validateJob(errs: Errs, obj: KubeObject): void {
  const meta = validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }) ?? {};
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    const specErrs: Errs = [];
    const { labels } = validateJobSpecFields(specErrs, 'spec', s);
    const before = specErrs.length;
    const selector = validateLabelSelector(specErrs, 'spec.selector', s.selector);
    const selectorValid = specErrs.length === before;
    if (!present(s.selector)) specErrs.push(required('spec.selector'));
    // A missing selector selects nothing, so it matches no template either.
    if (selectorValid && (!selector || !selectorMatches(selector, labels))) {
      specErrs.push(invalid('spec.template.metadata.labels', goLabels(labels), '`selector` does not match template `labels`'));
    }
    validateGeneratedSelector(errs, meta, s, labels, selectorValid);
    errs.push(...specErrs);

    const name = typeof meta.name === 'string' ? meta.name : '';
    if (name && s.completionMode === 'Indexed' && typeof s.completions === 'number' && s.completions > 0) {
      // Each pod's hostname is `<job>-<index>`: the last one must be a DNS label.
      const hostname = `${name}-${s.completions - 1}`;
      if (isDNS1123Label(hostname).length) errs.push(invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  readObject(errs, 'status', obj.status);
}

// ---- updates ------------------------------------------------------------------------

/** apiequality.Semantic.DeepEqual of two optional (pointer) fields: nil equals only nil. */
const sameOptional = (a: unknown, b: unknown): boolean => present(a) === present(b) && semanticEqual(a, b);

/**
 * The old template as an update of a suspended Job that never started may change it
 * (AllowMutableSchedulingDirectives): node affinity, node selector, tolerations, labels,
 * annotations and scheduling gates taken from the new one.
 */
function mutableSchedulingDirectives(template: Rec, old: Rec): Rec {
  const spec: Rec = isRec(template.spec) ? template.spec : {};
  const oldSpec: Rec = isRec(old.spec) ? { ...old.spec } : {};
  const meta: Rec = isRec(template.metadata) ? template.metadata : {};
  const oldMeta: Rec = isRec(old.metadata) ? { ...old.metadata } : {};
  const affinity = isRec(spec.affinity) ? spec.affinity : undefined;
  const oldAffinity = isRec(oldSpec.affinity) ? { ...oldSpec.affinity } : undefined;
  if (!affinity && oldAffinity) {
    delete oldAffinity.nodeAffinity;
    oldSpec.affinity = Object.values(oldAffinity).some(present) ? oldAffinity : undefined;
  } else if (affinity && !oldAffinity) {
    oldSpec.affinity = { nodeAffinity: affinity.nodeAffinity };
  } else if (affinity && oldAffinity) {
    oldSpec.affinity = { ...oldAffinity, nodeAffinity: affinity.nodeAffinity };
  }
  for (const f of ['nodeSelector', 'tolerations', 'schedulingGates']) oldSpec[f] = spec[f];
  for (const f of ['labels', 'annotations']) oldMeta[f] = meta[f];
  return { ...old, metadata: oldMeta, spec: oldSpec };
}

/** validateCompletions: immutable, except an Indexed Job's, which changes with parallelism (ElasticIndexedJob). */
function validateCompletions(errs: Errs, s: Rec, os: Rec): void {
  if (s.completionMode !== 'Indexed') {
    if (!sameOptional(s.completions, os.completions)) errs.push(invalid('spec.completions', s.completions, FIELD_IMMUTABLE));
    return;
  }
  if (sameOptional(s.completions, os.completions) || !present(s.completions)) return;
  if (s.completions !== s.parallelism) errs.push(invalid('spec.completions', s.completions, 'can only be modified in tandem with spec.parallelism'));
}

/** ValidateJobSpecUpdate's immutable fields. */
export function validateJobUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const s: Rec = n.spec ?? {};
  const os: Rec = o.spec ?? {};
  validateCompletions(errs, s, os);
  if (!sameOptional(s.selector, os.selector)) errs.push(invalid('spec.selector', goLabelSelector(s.selector), FIELD_IMMUTABLE));
  const template: Rec = isRec(s.template) ? s.template : {};
  const oldTemplate: Rec = isRec(os.template) ? os.template : {};
  const started = isRec(o.status) && present(o.status.startTime);
  const compared = os.suspend === true && !started ? mutableSchedulingDirectives(template, oldTemplate) : oldTemplate;
  if (!semanticEqual(template, compared)) errs.push(invalid('spec.template', s.template, FIELD_IMMUTABLE));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!sameOptional(s[f], os[f])) errs.push(invalid(child('spec', f), s[f], FIELD_IMMUTABLE));
  }
}
