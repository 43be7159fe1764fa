// The typed errors of the API contract (API.md "Errors"). Every layer throws these;
// the apiserver turns them into GraphQL errors with `extensions.code` in one place.

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  CONFLICT: 'CONFLICT',
  EXPIRED: 'EXPIRED',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The store cannot be reached (HTTP 503 with Retry-After); safe to retry. */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One invalid field, with a Kubernetes-style path such as `spec.containers[0].image`. */
export interface Cause {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly causes: Cause[] = [],
    /** More of `extensions` for the client (`document`: which YAML document failed). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badInput = (message: string, causes: Cause[] = []): ApiError => new ApiError(ErrorCode.BAD_USER_INPUT, message, causes);

/** `Pod "web" is invalid: spec.containers[0].image: Required value` — kube-apiserver's wording. */
export const invalid = (kind: string, name: string, causes: Cause[]): ApiError =>
  badInput(`${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, causes);

export const notFound = (resource: string, name: string): ApiError => new ApiError(ErrorCode.NOT_FOUND, `${resource} "${name}" not found`);

export const alreadyExists = (resource: string, name: string): ApiError => new ApiError(ErrorCode.ALREADY_EXISTS, `${resource} "${name}" already exists`);

export const conflict = (resource: string, name: string, why: string): ApiError =>
  new ApiError(ErrorCode.CONFLICT, `Operation cannot be fulfilled on ${resource} "${name}": ${why}`);

export const expired = (message: string): ApiError => new ApiError(ErrorCode.EXPIRED, message);

/** Kubernetes' ServiceUnavailable: the request may be retried once the store answers again. */
export const unavailable = (): ApiError =>
  new ApiError(ErrorCode.UNAVAILABLE, 'the server is currently unable to handle the request: the storage is unavailable, try again later');
