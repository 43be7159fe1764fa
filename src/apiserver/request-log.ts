// Every API request, once: one log line (request id, user, operation, kinds, duration,
// error code) and its Kubernetes request metrics, per GraphQL root field. The HTTP handler
// opens a record per request and closes it when the answer is written; Apollo's hooks
// (requestPlugin) fill in the caller, the operation and its errors on the way. A
// subscription is recorded when it is accepted or refused (a watch's duration is its
// whole life, which Kubernetes' latency metrics leave out as well).
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import type { Logger } from '../observability/index.ts';
import { observeRequest, parseDuration, validationDuration } from './metrics/apiserver-metrics.ts';
import { UNKNOWN_REQUEST, rootFields, statusOf, type RequestInfo } from './metrics/request-info.ts';

export class RequestRecord {
  readonly started = performance.now();
  user: string | undefined;
  operationName: string | undefined;
  operation: OperationDefinitionNode['operation'] | undefined;
  fields: Array<{ key: string; info: RequestInfo }> = [];
  errors: readonly GraphQLFormattedError[] = [];

  constructor(
    readonly id: string,
    readonly transport: 'http' | 'websocket',
    readonly subscriptionId?: string,
  ) {}

  resolved(operation: OperationDefinitionNode | null | undefined, operationName?: string | null): void {
    if (!operation) return;
    this.operation = operation.operation;
    this.operationName = operationName ?? operation.name?.value;
    this.fields = rootFields(operation);
  }
}

// The record rides on the request's GraphQL context (set where the context is made) under a
// symbol: Apollo hands its plugins a shallow copy of the context, which keeps it.
const RECORD = Symbol('kubeql.requestRecord');
export const attachRecord = <T extends object>(context: T, record: RequestRecord): T => Object.assign(context, { [RECORD]: record });
const recordOf = (context: object): RequestRecord | undefined => (context as { [RECORD]?: RequestRecord })[RECORD];

/** Closes a record: its metrics and its log line. `status` is the HTTP status of the answer. */
export function finishRequest(record: RequestRecord, log: Logger, status: number): void {
  const seconds = (performance.now() - record.started) / 1000;
  const errorCode = (e: GraphQLFormattedError | undefined) => e?.extensions?.code as string | undefined;
  // An error without a path (authentication, parsing, validation, rate limit) is the whole request's.
  const requestError = record.errors.find((e) => !e.path?.length);
  const requestStatus = requestError ? statusOf(errorCode(requestError) ?? 'BAD_REQUEST') : status >= 400 ? status : undefined;
  const codes: string[] = [];
  if (!record.fields.length) {
    observeRequest(UNKNOWN_REQUEST, requestStatus ?? status, seconds);
  } else {
    for (const { key, info } of record.fields) {
      const fieldError = record.errors.find((e) => e.path?.[0] === key);
      observeRequest(info, requestStatus ?? statusOf(errorCode(fieldError)), seconds);
    }
  }
  for (const e of record.errors) {
    const code = errorCode(e);
    if (code && !codes.includes(code)) codes.push(code);
  }
  // Refused before Apollo's hooks ran (a bad or missing token): the status says why.
  if (!codes.length && status === 401) codes.push('UNAUTHENTICATED');
  const kinds = [...new Set(record.fields.map((f) => f.info.kind).filter(Boolean))];
  log.info('request', {
    requestId: record.id,
    ...(record.subscriptionId ? { subscriptionId: record.subscriptionId } : {}),
    transport: record.transport,
    user: record.user,
    operation: record.operation,
    operationName: record.operationName,
    fields: record.fields.map((f) => f.key),
    kind: kinds.length ? kinds.join(',') : undefined,
    status: requestStatus ?? status,
    durationMs: Math.round(seconds * 1e6) / 1e3,
    ...(codes.length ? { code: codes.join(',') } : {}),
  });
}

/** Apollo's side: the caller, the operation, its errors, and parse/validation time. */
export function requestPlugin<TContext extends BaseContext & { access?: { user: { username: string } } }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const record = recordOf(contextValue);
      if (record) record.user = contextValue.access?.user.username;
      return {
        async parsingDidStart() {
          const started = performance.now();
          return async () => parseDuration.observe({ transport: 'http' }, (performance.now() - started) / 1000);
        },
        async validationDidStart() {
          const started = performance.now();
          return async () => validationDuration.observe({ transport: 'http' }, (performance.now() - started) / 1000);
        },
        async didResolveOperation({ operation, operationName }) {
          record?.resolved(operation, operationName);
        },
        async willSendResponse({ response }) {
          if (record && response.body.kind === 'single') record.errors = response.body.singleResult.errors ?? [];
        },
      };
    },
  };
}
