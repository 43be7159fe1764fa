// Events (core/v1): legacyValidateEvent — involvedObject and its namespace, and the
// reporting fields of events that carry an eventTime — plus `type` Normal / Warning.

import type { KubeObject } from '../kinds.ts';
import { checkEnum, invalid, present, readInt, readObject, readString, required, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isQualifiedName, nameIsPathSegment } from './names.ts';

export const EVENT_TYPES = ['Normal', 'Warning'] as const;
const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;

export function validateEvent(errs: Errs, obj: KubeObject): void {
  const meta = validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsPathSegment });
  const namespace = typeof meta?.namespace === 'string' ? meta.namespace : '';

  const io = readObject(errs, 'involvedObject', obj.involvedObject);
  if (!present(obj.involvedObject)) errs.push(required('involvedObject'));
  for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) readString(errs, `involvedObject.${f}`, io?.[f]);
  const ioNamespace = typeof io?.namespace === 'string' ? io.namespace : '';

  checkEnum(errs, 'type', obj.type, EVENT_TYPES);
  readString(errs, 'reason', obj.reason);
  readString(errs, 'message', obj.message);
  readInt(errs, 'count', obj.count);
  readString(errs, 'firstTimestamp', obj.firstTimestamp);
  readString(errs, 'lastTimestamp', obj.lastTimestamp);
  readObject(errs, 'source', obj.source);
  readObject(errs, 'series', obj.series);
  readObject(errs, 'related', obj.related);
  const eventTime = readString(errs, 'eventTime', obj.eventTime);
  const action = readString(errs, 'action', obj.action) ?? '';
  const reportingComponent = readString(errs, 'reportingComponent', obj.reportingComponent) ?? '';
  const reportingInstance = readString(errs, 'reportingInstance', obj.reportingInstance) ?? '';

  if (!eventTime) {
    // An event about a cluster-scoped object lives in `default`; any other in its object's namespace.
    if (!ioNamespace ? namespace !== '' && namespace !== 'default' : namespace !== ioNamespace) {
      errs.push(invalid('involvedObject.namespace', ioNamespace, 'does not match event.namespace'));
    }
    return;
  }
  if (!ioNamespace && namespace !== 'default' && namespace !== 'kube-system') {
    errs.push(invalid('involvedObject.namespace', ioNamespace, 'does not match event.namespace'));
  }
  if (!reportingComponent) errs.push(required('reportingComponent'));
  for (const m of isQualifiedName(reportingComponent)) errs.push(invalid('reportingComponent', reportingComponent, m));
  if (!reportingInstance) errs.push(required('reportingInstance'));
  if (reportingInstance.length > REPORTING_INSTANCE_LIMIT) {
    errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
  }
  if (!action) errs.push(required('action'));
  if (action.length > ACTION_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
}
