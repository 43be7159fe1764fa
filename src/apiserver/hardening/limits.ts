// The numbers behind GraphQL hardening, and the typed errors a violation turns into.
import { GraphQLError, type ASTNode } from 'graphql';
import { ApiError, ErrorCode, badInput } from '../../apimachinery/errors.ts';

export interface QueryLimits {
  /** Nesting of field selections (fragments are flattened; `__schema` is not counted). */
  maxDepth: number;
  /** Aliased fields in one operation (`__typename` aliases are free). */
  maxAliases: number;
  /** Lexical tokens in the document (comments excluded), checked before parsing. */
  maxTokens: number;
  /** Estimated cost of one operation — see the cost model in `cost.ts`. */
  maxCost: number;
  /** Directives used in one operation. */
  maxDirectives: number;
  /** The largest value any argument named `limit` may have. */
  maxListLimit: number;
}

/**
 * Defaults sized for the Kubernetes-shaped schema: a `kubectl get`-like query nests
 * 5–7 levels (`pods { items { spec { containers { ports { containerPort } } } } }`),
 * graphql-js's standard introspection query costs 14966 and has 163–184 tokens, and
 * `pods(limit: 5000) { items { metadata { name namespace } } }` costs ~15000.
 */
export const DEFAULT_LIMITS: QueryLimits = Object.freeze({
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 4000,
  maxCost: 50_000,
  maxDirectives: 20,
  maxListLimit: 5000,
});

export function resolveLimits(limits: Partial<QueryLimits> = {}): QueryLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof QueryLimits)[]) {
    const v = limits[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new TypeError(`query limit ${key} must be a non-negative number, got ${String(v)}`);
    out[key] = v;
  }
  return out;
}

/**
 * A GraphQL error with `extensions.code === 'QUERY_TOO_COMPLEX'`. The ApiError is its
 * originalError, so the apiserver's formatError keeps the code even after Apollo wraps
 * a validation error (Apollo rewrites the code of validation errors to
 * GRAPHQL_VALIDATION_FAILED but keeps the originalError).
 */
export function tooComplex(message: string, nodes?: ASTNode | readonly ASTNode[], http = false): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    originalError: new ApiError(ErrorCode.QUERY_TOO_COMPLEX, message),
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, ...(http ? { http: { status: 400 } } : {}) },
  });
}

/** `limit must be at most N` as BAD_USER_INPUT (HTTP 400 when thrown from an Apollo hook). */
export function listLimitExceeded(max: number, nodes?: ASTNode | readonly ASTNode[], http = false): GraphQLError {
  const message = `limit must be at most ${max}`;
  return new GraphQLError(message, {
    nodes,
    originalError: badInput(message, [{ field: 'limit', message: `must be less than or equal to ${max}` }]),
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(http ? { http: { status: 400 } } : {}) },
  });
}
