// The building blocks of a kind's strategy: its KindInfo, and the behaviour most kinds
// share (kube-apiserver's defaults for a strategy), which a kind's file overrides.
import type { Allocator, PrintColumn, Strategy, SubresourceStrategy } from '../strategy.ts';
import type { Cause } from '../../apimachinery/errors.ts';
import type { KindInfo, KubeObject, ScaleInfo } from '../kinds.ts';
import type { Errs } from '../validation/field.ts';
import { validateObjectMetaUpdate } from '../validation/meta.ts';

export interface KindOptions {
  /** Has a status subresource (status is ignored by create, replace and patch of the object). @default true */
  hasStatus?: boolean;
  /** Field selectors beyond metadata.name and metadata.namespace. */
  fieldSelectors?: string[];
  /** The GraphQL list field. @default the camelCase kind + `s` */
  plural?: string;
  /** kubectl's short names (`po`, `deploy`). @default none */
  shortNames?: string[];
  /** Discovery categories; `['all']` for what `kubectl get all` lists. @default none */
  categories?: string[];
  /** The scale subresource (`scale<Kind>`, `kubectl scale`). @default none */
  scale?: ScaleInfo;
  /** Other apiVersions accepted on write, served as `apiVersion`. @default none */
  acceptedVersions?: string[];
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * The GraphQL list field of a kind (API.md "Kinds"): the lowerCamel kind with the ending by
 * which the plural extends the lowercased kind (`CronTab`/`crontabs` → `cronTabs`,
 * `NetworkPolicy`/`networkpolicies` → `networkPolicies`), `<kind>List` where the two are one
 * word (`Endpoints` → `endpointsList`), else the plural itself.
 */
export function listFieldName(kind: string, plural: string): string {
  const lower = kind.toLowerCase();
  if (plural === lower) return `${lowerFirst(kind)}List`;
  if (plural.startsWith(lower)) return lowerFirst(kind) + plural.slice(lower.length);
  if (lower.endsWith('y') && plural === `${lower.slice(0, -1)}ies`) return `${lowerFirst(kind.slice(0, -1))}ies`;
  return plural;
}

export function defineKind(kind: string, apiVersion: string, resource: string, namespaced: boolean, opts: KindOptions = {}): KindInfo {
  return {
    kind,
    apiVersion,
    resource,
    plural: opts.plural ?? listFieldName(kind, resource),
    singular: kind.charAt(0).toLowerCase() + kind.slice(1),
    namespaced,
    hasStatus: opts.hasStatus ?? true,
    fieldSelectors: ['metadata.name', 'metadata.namespace', ...(opts.fieldSelectors ?? [])],
    group: apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '',
    version: apiVersion.slice(apiVersion.indexOf('/') + 1),
    singularName: kind.toLowerCase(),
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    ...(opts.scale ? { scale: opts.scale } : {}),
    acceptedVersions: opts.acceptedVersions ?? [],
  };
}

/** A kind's own rules; everything left out gets the common behaviour (see defineStrategy). */
export interface StrategySpec {
  info: KindInfo;
  /** The kind's validation (src/apis/validation/<kind>.ts), pushing causes. */
  validate(errs: Errs, obj: KubeObject): void;
  /** The kind's update rules, beyond metadata's (which every kind gets). */
  validateUpdate?(errs: Errs, obj: KubeObject, old: KubeObject): void;
  /** The kind's status validation, for status writes. @default the causes of `validate` under `status` */
  validateStatus?(errs: Errs, obj: KubeObject): void;
  /** The kind's defaults (src/apis/defaults.ts); none when absent. */
  defaults?(obj: KubeObject): void;
  /** Status on create. @default kinds with a status subresource start with an empty status */
  prepareForCreate?(obj: KubeObject): void;
  /** @default writes of the main resource keep the stored status (kinds with a status subresource) */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  /** @default 0: the object goes as soon as nothing holds it */
  gracePeriod?(obj: KubeObject, requested: number | null | undefined): number;
  /** @default metadata.finalizers */
  pendingFinalizers?(obj: KubeObject): string[];
  prepareForDeletion?(obj: KubeObject): void;
  subresources?: Record<string, SubresourceStrategy>;
  /** @default NAME and AGE */
  printColumns?: PrintColumn[];
  /**
   * Converts, in place, an object written in one of the kind's `acceptedVersions` into the
   * served apiVersion (autoscaling/v1's targetCPUUtilizationPercentage into v2's metrics);
   * sets `apiVersion` too. Runs before everything else on the object. @default none
   */
  convert?(obj: KubeObject): void;
  /** Values the apiserver hands out (a Service's clusterIP and node ports). @default none */
  allocator?: Allocator;
}

/** The scale subresource of the built-in replicated kinds (ReplicaSet, Deployment, StatefulSet, ReplicationController). */
export const REPLICAS_SCALE: ScaleInfo = { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' };

export const NAME_COLUMN: PrintColumn = { name: 'NAME', type: 'string', source: 'metadata.name', description: 'Name of the object.' };
export const AGE_COLUMN: PrintColumn = {
  name: 'AGE',
  type: 'string',
  source: { age: 'metadata.creationTimestamp' },
  description: 'Time since the object was created.',
};

const noop = (): void => undefined;

/** The status is the status subresource's: a write of the object itself keeps the stored one. */
export function keepStoredStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = old.status;
}

export function defineStrategy(spec: StrategySpec): Strategy {
  const { info } = spec;
  return {
    info,
    prepareForCreate:
      spec.prepareForCreate ??
      (info.hasStatus
        ? (obj) => {
            obj.status = {};
          }
        : noop),
    prepareForUpdate: spec.prepareForUpdate ?? (info.hasStatus ? keepStoredStatus : noop),
    prepareForStatusUpdate: spec.prepareForStatusUpdate ?? noop,
    defaults: spec.defaults ?? noop,
    validate(obj): Cause[] {
      const errs: Errs = [];
      spec.validate(errs, obj);
      return errs;
    },
    validateStatus(obj): Cause[] {
      const errs: Errs = [];
      if (spec.validateStatus) spec.validateStatus(errs, obj);
      else spec.validate(errs, obj);
      return spec.validateStatus ? errs : errs.filter((c) => c.field === 'status' || c.field.startsWith('status.') || c.field.startsWith('status['));
    },
    validateUpdate(obj, old): Cause[] {
      const errs: Errs = [];
      validateObjectMetaUpdate(errs, obj.metadata, old.metadata);
      spec.validateUpdate?.(errs, obj, old);
      return errs;
    },
    gracePeriod: spec.gracePeriod ?? (() => 0),
    pendingFinalizers: spec.pendingFinalizers ?? ((obj) => obj.metadata.finalizers ?? []),
    prepareForDeletion: spec.prepareForDeletion ?? noop,
    subresources: spec.subresources ?? {},
    printColumns: spec.printColumns ?? [NAME_COLUMN, AGE_COLUMN],
    convert:
      spec.convert ??
      ((obj) => {
        obj.apiVersion = info.apiVersion;
      }),
    ...(spec.allocator ? { allocator: spec.allocator } : {}),
  };
}
