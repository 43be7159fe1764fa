// CustomResourceDefinitions (apiextensions.k8s.io/v1, cluster-scoped): the rules of
// ValidateCustomResourceDefinition (kubernetes/apiextensions-apiserver
// pkg/apis/apiextensions/validation) that users meet most — the name is
// `<plural>.<group>`, the names' formats, the scope, the versions (unique names, exactly one
// storage version, each with a schema), the basics of a structural schema, the conversion
// strategy — plus the immutable group and plural. kubeql stores CRDs; serving their kinds is
// a later issue. Conversion webhooks are refused: kubeql does not run them.

import type { KubeObject } from '../kinds.ts';
import {
  FIELD_IMMUTABLE,
  Literal,
  child,
  forbidden,
  index,
  invalid,
  isRec,
  key,
  notSupported,
  present,
  readArray,
  readBool,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';

export const SCOPES = ['Cluster', 'Namespaced'] as const;
export const CONVERSION_STRATEGIES = ['None', 'Webhook'] as const;
/** openapiV3Types, in sets.List() order. */
export const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'] as const;
const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
export const API_APPROVED_ANNOTATION = 'api-approved.kubernetes.io';
export const WEBHOOK_CONVERSION_REFUSED = 'kubeql does not run conversion webhooks';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A DNS-1035 check whose messages Kubernetes joins into one cause. */
function checkDNS1035Joined(errs: Errs, path: string, value: string, prefix = '', check = value): void {
  const msgs = isDNS1035Label(check);
  if (msgs.length) errs.push(invalid(path, value, prefix + msgs.join(',')));
}

/** ValidateCustomResourceDefinitionNames: formats only (spec's required names are checked apart). */
function validateNames(errs: Errs, path: string, names: Rec): void {
  const plural = readString(errs, child(path, 'plural'), names.plural) ?? '';
  const singular = readString(errs, child(path, 'singular'), names.singular) ?? '';
  const kind = readString(errs, child(path, 'kind'), names.kind) ?? '';
  const listKind = readString(errs, child(path, 'listKind'), names.listKind) ?? '';
  if (plural) checkDNS1035Joined(errs, child(path, 'plural'), plural);
  if (singular) checkDNS1035Joined(errs, child(path, 'singular'), singular);
  if (kind) checkDNS1035Joined(errs, child(path, 'kind'), kind, 'may have mixed case, but should otherwise match: ', kind.toLowerCase());
  if (listKind) checkDNS1035Joined(errs, child(path, 'listKind'), listKind, 'may have mixed case, but should otherwise match: ', listKind.toLowerCase());
  (readStringArray(errs, child(path, 'shortNames'), names.shortNames) ?? []).forEach((s, i) =>
    checkDNS1035Joined(errs, index(child(path, 'shortNames'), i), s),
  );
  if (kind && kind === listKind) errs.push(invalid(child(path, 'listKind'), listKind, 'kind and listKind may not be the same'));
  (readStringArray(errs, child(path, 'categories'), names.categories) ?? []).forEach((c, i) =>
    checkDNS1035Joined(errs, index(child(path, 'categories'), i), c),
  );
}

type Level = 'root' | 'field' | 'item';
const EMPTY_TYPE: Readonly<Record<Level, string>> = {
  root: 'must not be empty at the root',
  field: 'must not be empty for specified object fields',
  item: 'must not be empty for specified array items',
};

/** The root's metadata may only restrict name and generateName (validateStructuralMetadataInvariants). */
function validateRootMetadata(errs: Errs, path: string, m: Rec): void {
  if (present(m.type) && m.type !== 'object') errs.push(invalid(child(path, 'type'), m.type, 'must be object'));
  const props = isRec(m.properties) ? Object.keys(m.properties) : [];
  const onlyNames = props.every((p) => p === 'name' || p === 'generateName');
  const others = Object.keys(m).filter((k) => k !== 'type' && k !== 'default' && !(k === 'properties' && onlyNames));
  if (others.length) errs.push(forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
}

/**
 * The basics of a structural schema (ValidateStructural and the OpenAPI schema checks):
 * known types, a type everywhere (object at the root), items for arrays, no
 * additionalProperties at the root or beside properties. Not the value validations,
 * defaults, list/map extensions or CEL rules.
 */
function validateSchema(errs: Errs, path: string, v: unknown, level: Level): void {
  const s = readObject(errs, path, v);
  if (!s) return;
  const type = readString(errs, child(path, 'type'), s.type) ?? '';
  const preserve = readBool(errs, child(path, 'x-kubernetes-preserve-unknown-fields'), s['x-kubernetes-preserve-unknown-fields']);
  const intOrString = readBool(errs, child(path, 'x-kubernetes-int-or-string'), s['x-kubernetes-int-or-string']) ?? false;
  readBool(errs, child(path, 'x-kubernetes-embedded-resource'), s['x-kubernetes-embedded-resource']);
  if (preserve === false) errs.push(invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (type && !(OPENAPI_V3_TYPES as readonly string[]).includes(type)) errs.push(notSupported(child(path, 'type'), type, OPENAPI_V3_TYPES));
  if (!type && !intOrString && !preserve && s['x-kubernetes-embedded-resource'] !== true) errs.push(required(child(path, 'type'), EMPTY_TYPE[level]));
  if (level === 'root' && type && type !== 'object') errs.push(invalid(child(path, 'type'), type, 'must be object at the root'));
  if (level === 'root' && s.nullable === true) errs.push(forbidden(child(path, 'nullable'), 'nullable cannot be true at the root'));

  const properties = readObject(errs, child(path, 'properties'), s.properties);
  if (present(s.additionalProperties)) {
    if (level === 'root') errs.push(forbidden(child(path, 'additionalProperties'), 'must not be used at the root'));
    if (properties && Object.keys(properties).length)
      errs.push(forbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    if (isRec(s.additionalProperties)) validateSchema(errs, child(path, 'additionalProperties'), s.additionalProperties, 'field');
    else if (typeof s.additionalProperties !== 'boolean') readObject(errs, child(path, 'additionalProperties'), s.additionalProperties);
  }
  for (const [name, prop] of Object.entries(properties ?? {})) {
    const at = key(child(path, 'properties'), name);
    if (level === 'root' && name === 'metadata' && isRec(prop)) validateRootMetadata(errs, at, prop);
    else validateSchema(errs, at, prop, 'field');
  }
  if (Array.isArray(s.items)) errs.push(forbidden(child(path, 'items'), 'items must be a schema object and not an array'));
  else if (present(s.items)) validateSchema(errs, child(path, 'items'), s.items, 'item');
  else if (type === 'array') errs.push(required(child(path, 'items'), 'must be specified'));
}

/** ValidateCustomResourceColumnDefinition. */
function validatePrinterColumn(errs: Errs, path: string, col: Rec): void {
  const name = readString(errs, child(path, 'name'), col.name) ?? '';
  if (!name) errs.push(required(child(path, 'name')));
  const type = readString(errs, child(path, 'type'), col.type) ?? '';
  const types = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (!type) errs.push(required(child(path, 'type'), types));
  else if (!PRINTER_COLUMN_TYPES.includes(type)) errs.push(invalid(child(path, 'type'), type, types));
  const format = readString(errs, child(path, 'format'), col.format) ?? '';
  if (format && !PRINTER_COLUMN_FORMATS.includes(format))
    errs.push(invalid(child(path, 'format'), format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  const jsonPath = readString(errs, child(path, 'JSONPath'), col.jsonPath) ?? '';
  if (!jsonPath) errs.push(required(child(path, 'JSONPath')));
  readString(errs, child(path, 'description'), col.description);
}

/** The scale subresource's paths: under .spec and .status. */
function validateSubresources(errs: Errs, path: string, v: unknown): void {
  const sub = readObject(errs, path, v);
  if (!sub) return;
  readObject(errs, child(path, 'status'), sub.status);
  const scale = readObject(errs, child(path, 'scale'), sub.scale);
  if (!scale) return;
  for (const [f, under] of [
    ['specReplicasPath', '.spec.'],
    ['statusReplicasPath', '.status.'],
  ] as const) {
    const p = `${path}.scale.${f}`;
    const value = readString(errs, p, scale[f]) ?? '';
    if (!value) errs.push(required(p));
    else if (!value.startsWith(under)) errs.push(invalid(p, value, `should be a json path under ${under.slice(0, -1)}`));
  }
  const selector = readString(errs, `${path}.scale.labelSelectorPath`, scale.labelSelectorPath);
  if (selector && !selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
    errs.push(invalid(`${path}.scale.labelSelectorPath`, selector, 'should be a json path under either .spec or .status'));
  }
}

/** A JSON value with its keys sorted: apiequality.Semantic.DeepEqual as a string comparison. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    isRec(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  ) ?? 'null';

/**
 * Where the per-version schemas, subresources and printer columns are reported: when every
 * version has the same one, the v1 → internal conversion moves it to the top-level field
 * (`spec.validation`, `spec.subresources`, `spec.additionalPrinterColumns`), and Kubernetes
 * reports its causes there.
 */
function sharedFields(versions: Rec[]): { schema: boolean; subresources: boolean; columns: boolean } {
  const same = (f: (v: Rec) => unknown): boolean => versions.length > 0 && versions.every((v) => canonical(f(v)) === canonical(f(versions[0]!)));
  const columns = (v: Rec): unknown => (Array.isArray(v.additionalPrinterColumns) && v.additionalPrinterColumns.length ? v.additionalPrinterColumns : []);
  return { schema: same((v) => v.schema), subresources: same((v) => v.subresources), columns: same(columns) };
}

function validatePrinterColumns(errs: Errs, path: string, v: unknown): void {
  for (const [col, i] of readObjects(errs, path, v)) validatePrinterColumn(errs, index(path, i), col);
}

/** The schema field of a version: `openAPIV3Schema`, required. */
const schemaOf = (errs: Errs, path: string, v: Rec): unknown => readObject(errs, child(path, 'schema'), v.schema)?.openAPIV3Schema;

function validateVersions(errs: Errs, versions: Array<[Rec, number]>): void {
  const shared = sharedFields(versions.map(([v]) => v));
  for (const [v, i] of versions) {
    const path = index('spec.versions', i);
    const name = readString(errs, child(path, 'name'), v.name) ?? '';
    checkDNS1035Joined(errs, child(path, 'name'), name);
    readBool(errs, child(path, 'served'), v.served);
    readBool(errs, child(path, 'storage'), v.storage);
    const deprecated = readBool(errs, child(path, 'deprecated'), v.deprecated) ?? false;
    const warning = readString(errs, child(path, 'deprecationWarning'), v.deprecationWarning);
    if (warning !== undefined && !deprecated) errs.push(invalid(child(path, 'deprecationWarning'), warning, 'can only be set for deprecated versions'));
    const schema = schemaOf(errs, path, v);
    if (!present(schema)) errs.push(required(child(path, 'schema', 'openAPIV3Schema')));
    else if (!shared.schema) validateSchema(errs, child(path, 'schema', 'openAPIV3Schema'), schema, 'root');
    if (!shared.subresources) validateSubresources(errs, child(path, 'subresources'), v.subresources);
    if (!shared.columns) validatePrinterColumns(errs, child(path, 'additionalPrinterColumns'), v.additionalPrinterColumns);
  }
  const first = versions[0]?.[0];
  if (!first) return;
  const schema = shared.schema ? schemaOf([], 'spec.versions[0]', first) : undefined;
  if (present(schema)) validateSchema(errs, 'spec.validation.openAPIV3Schema', schema, 'root');
  if (shared.subresources) validateSubresources(errs, 'spec.subresources', first.subresources);
  if (shared.columns) validatePrinterColumns(errs, 'spec.additionalPrinterColumns', first.additionalPrinterColumns);
}

/** validateCustomResourceConversion: None only; the webhook's settings are forbidden with it. */
function validateConversion(errs: Errs, path: string, v: unknown): void {
  const conversion = readObject(errs, path, v);
  if (!conversion) return;
  const strategy = readString(errs, child(path, 'strategy'), conversion.strategy) ?? '';
  if (!strategy) errs.push(required(child(path, 'strategy')));
  else if (strategy === 'Webhook') {
    const refused = notSupported(child(path, 'strategy'), strategy, ['None']);
    errs.push({ ...refused, message: `${refused.message}: ${WEBHOOK_CONVERSION_REFUSED}` });
  } else if (!(CONVERSION_STRATEGIES as readonly string[]).includes(strategy))
    errs.push(notSupported(child(path, 'strategy'), strategy, CONVERSION_STRATEGIES));
  const webhook = readObject(errs, child(path, 'webhook'), conversion.webhook);
  if (strategy !== 'Webhook' && webhook) {
    if (present(webhook.clientConfig)) errs.push(forbidden(child(path, 'webhookClientConfig'), 'should not be set when strategy is not set to Webhook'));
    if (Array.isArray(webhook.conversionReviewVersions) && webhook.conversionReviewVersions.length) {
      errs.push(forbidden(child(path, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
    }
  }
}

/** ValidateCustomResourceDefinitionStoredVersions. */
function validateStoredVersions(errs: Errs, path: string, stored: string[], versions: Rec[]): void {
  if (!stored.length) {
    errs.push(invalid(path, stored, 'must have at least one stored version'));
    return;
  }
  const left = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions) {
    const name = str(v.name);
    if (v.storage === true && !left.has(name)) errs.push(invalid(path, stored, `must have the storage version ${name}`));
    left.delete(name);
  }
  for (const [v, i] of left) {
    errs.push(
      invalid(
        index(path, i),
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
}

/** IsProtectedCommunityGroup: *.k8s.io and *.kubernetes.io need an approval annotation. */
const isProtectedGroup = (group: string): boolean =>
  group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');

function validateAPIApproval(errs: Errs, group: string, annotations: unknown): void {
  if (!isProtectedGroup(group)) return;
  const value = isRec(annotations) ? str(annotations[API_APPROVED_ANNOTATION]) : '';
  const path = key('metadata.annotations', API_APPROVED_ANNOTATION);
  if (!value) {
    errs.push(
      required(path, `protected groups must have approval annotation "${API_APPROVED_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`),
    );
    return;
  }
  if (value.startsWith('unapproved')) return;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url?.host || !url.protocol) {
    errs.push(
      invalid(
        path,
        value,
        `protected groups must have approval annotation "${API_APPROVED_ANNOTATION}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    );
  }
}

/** The storage version's name, when exactly one version is it. */
export function storageVersionOf(obj: KubeObject): string | undefined {
  const versions = Array.isArray(obj.spec?.versions) ? obj.spec.versions.filter(isRec) : [];
  const storage = versions.find((v) => v.storage === true);
  return storage && typeof storage.name === 'string' ? storage.name : undefined;
}

export function validateCustomResourceDefinition(errs: Errs, obj: KubeObject): void {
  const s = (present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {}) ?? {};
  const names = readObject(errs, 'spec.names', s.names) ?? {};
  const group = readString(errs, 'spec.group', s.group) ?? '';
  const expectedName = `${str(names.plural)}.${group}`;
  const meta = validateObjectMeta(errs, obj.metadata, {
    namespaced: false,
    nameFn: (name, prefix) => [...nameIsDNSSubdomain(name, prefix), ...(name !== expectedName ? ['must be spec.names.plural+"."+spec.group'] : [])],
  });

  if (!group) {
    if (!present(s.group) || s.group === '') errs.push(required('spec.group'));
  } else if (isDNS1123Subdomain(group).length) errs.push(invalid('spec.group', group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));

  const scope = readString(errs, 'spec.scope', s.scope) ?? '';
  if (!scope) {
    if (!present(s.scope) || s.scope === '') errs.push(required('spec.scope'));
  } else if (!(SCOPES as readonly string[]).includes(scope)) errs.push(notSupported('spec.scope', scope, SCOPES));

  const versions = readObjects(errs, 'spec.versions', s.versions);
  validateVersions(errs, versions);
  const goVersions = (): unknown =>
    Array.isArray(s.versions) && s.versions.length
      ? s.versions
      : new Literal(`[]apiextensions.CustomResourceDefinitionVersion${Array.isArray(s.versions) ? '{}' : '(nil)'}`);
  const versionNames = versions.map(([v]) => str(v.name));
  if (new Set(versionNames).size !== versionNames.length) errs.push(invalid('spec.versions', goVersions(), 'must contain unique version names'));
  if ((!present(s.versions) || Array.isArray(s.versions)) && versions.filter(([v]) => v.storage === true).length !== 1) {
    errs.push(invalid('spec.versions', goVersions(), 'must have exactly one version marked as storage version'));
  }

  for (const f of ['plural', 'singular', 'kind', 'listKind'] as const)
    if (!str(names[f]) && !(present(names[f]) && typeof names[f] !== 'string')) errs.push(required(child('spec.names', f)));
  validateNames(errs, 'spec.names', names);

  validateConversion(errs, 'spec.conversion', s.conversion);
  const preserve = readBool(errs, 'spec.preserveUnknownFields', s.preserveUnknownFields);
  if (preserve === true) {
    errs.push(
      invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'),
    );
  }

  const status = readObject(errs, 'status', obj.status);
  if (status) {
    const accepted = readObject(errs, 'status.acceptedNames', status.acceptedNames);
    if (accepted) validateNames(errs, 'status.acceptedNames', accepted);
    readArray(errs, 'status.conditions', status.conditions);
    const stored = readStringArray(errs, 'status.storedVersions', status.storedVersions) ?? [];
    validateStoredVersions(
      errs,
      'status.storedVersions',
      stored,
      versions.map(([v]) => v),
    );
  }
  validateAPIApproval(errs, group, meta?.annotations);
}

/** IsCRDConditionTrue(Established). */
const established = (obj: KubeObject): boolean =>
  Array.isArray(obj.status?.conditions) && obj.status.conditions.some((c) => isRec(c) && c.type === 'Established' && c.status === 'True');

/**
 * validateCustomResourceDefinitionSpecUpdate: the group and plural name the resource and
 * never change; once established, neither do the scope and kind.
 */
export function validateCustomResourceDefinitionUpdate(errs: Errs, obj: KubeObject, old: KubeObject): void {
  const at = (o: KubeObject, ...path: string[]): string => {
    let v: unknown = o.spec;
    for (const p of path) v = isRec(v) ? v[p] : undefined;
    return str(v);
  };
  const immutable: Array<[string, string[]]> = [
    ['spec.group', ['group']],
    ['spec.names.plural', ['names', 'plural']],
  ];
  if (established(old)) immutable.unshift(['spec.scope', ['scope']], ['spec.names.kind', ['names', 'kind']]);
  for (const [path, parts] of immutable) {
    if (at(obj, ...parts) !== at(old, ...parts)) errs.push(invalid(path, at(obj, ...parts), FIELD_IMMUTABLE));
  }
}
