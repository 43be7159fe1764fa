// The one place where errors become what clients see (API.md "Errors"), for the
// HTTP path and the WebSocket path alike. Internal errors are masked and logged
// with the request id; nothing internal (stack, SQL) reaches a client.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApiError, ErrorCode, unavailable } from '../apimachinery/errors.ts';
import type { Logger } from '../observability/log.ts';
import { isConnectionFailure } from '../store/objects.ts';

/** graphql-js's message when a variable has more than 50 coercion errors. */
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables, error limit reached. Execution aborted.';

/** Codes that GraphQL itself or Apollo produce and that are safe to pass on. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  ...Object.values(ErrorCode),
]);

/**
 * The typed error behind a GraphQL error; a store that cannot be reached is UNAVAILABLE
 * even where no store verb translated the error (watch replays, revision reads).
 */
function findApiError(error: unknown): ApiError | undefined {
  for (let e = error as { originalError?: unknown } | undefined, i = 0; e && i < 5; e = e.originalError as typeof e, i++) {
    if (e instanceof ApiError) return e;
    if (!(e instanceof GraphQLError) && isConnectionFailure(e)) return unavailable(); // not GraphQL's own messages, which may quote input
  }
  return undefined;
}

/** Formats one error for a client; internal errors are masked and, when a logger is given, logged. */
export function formatError(formatted: GraphQLFormattedError, error: unknown, requestId: string | undefined, log?: Logger): GraphQLFormattedError {
  const api = findApiError(error);
  if (api) {
    return {
      message: api.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...api.extensions, code: api.code, ...(api.causes.length ? { causes: api.causes } : {}) },
    };
  }
  const original = (error as GraphQLError | undefined)?.originalError;
  // graphql-js's variable coercion errors are the caller's input; Apollo does not know its
  // "too many errors" one and calls it internal, the WebSocket path gives it no code at all.
  const variableError =
    !formatted.path &&
    (!original || original instanceof GraphQLError) &&
    (formatted.message.startsWith('Variable "$') || formatted.message === TOO_MANY_VARIABLE_ERRORS);
  const code = variableError ? 'BAD_USER_INPUT' : formatted.extensions?.code;
  if (typeof code === 'string' && PASS_THROUGH.has(code) && (!original || original instanceof GraphQLError)) {
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    const causes =
      code === 'BAD_USER_INPUT' && !extensions.causes ? [{ field: String(formatted.path?.join('.') ?? ''), message: formatted.message }] : extensions.causes;
    return { ...formatted, extensions: { ...extensions, code, ...(causes ? { causes } : {}) } };
  }
  if (!code && !formatted.path && (!original || original instanceof GraphQLError)) {
    // GraphQL's own errors without a code before execution (the WebSocket path has no
    // Apollo to add one) failed validation. An error with a path arose while executing — the server's data did not
    // fit its own schema — and is internal, masked below as Apollo does on HTTP.
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  log?.error('internal error', { requestId, path: formatted.path, error: describe(error) });
  return {
    message: `Internal server error (request id ${requestId ?? 'unknown'})`,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId },
  };
}

export const isInternal = (formatted: GraphQLFormattedError): boolean => formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR;

export function describe(error: unknown): string {
  const original = (error as GraphQLError | undefined)?.originalError ?? error;
  return String((original as Error | undefined)?.stack ?? original);
}
