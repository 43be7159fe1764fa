// The Apollo Server side of GraphQL hardening, per request:
// - rate limiting per identity and priority level (TOO_MANY_REQUESTS, HTTP 429 with
//   Retry-After; see priority.ts);
// - the cap on `limit` arguments, with the request's variables (BAD_USER_INPUT, 400);
// - the cost limit re-checked with the request's variables (validation, which Apollo
//   caches per document, had to assume them);
// - graphql-js's own `maxTokens` parse error (see apolloParseOptions) reported as
//   QUERY_TOO_COMPLEX;
// - `Did you mean …?` suggestions removed for unauthenticated callers.
// Apollo turns an error thrown from requestDidStart/didResolveSource into a bare 500,
// so the rate limit is decided in requestDidStart and enforced in didResolveOperation
// (before execution); a limited request that fails earlier (parse, validation) still
// answers 429 (willSendResponse).
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { BREAK, GraphQLError, visit, type ASTNode, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import { documentCost, costMessage } from './cost.ts';
import { resolveLimits, tooComplex, type QueryLimits } from './limits.ts';
import { checkListLimits } from './list-limit.ts';
import { GRAPHQL_PARSE_FAILED, GRAPHQL_TOKEN_LIMIT_MESSAGE, tokenMessage } from './parse.ts';
import type { Caller, RateLimiter } from './rate-limit.ts';
import { stripSuggestions } from './suggestions.ts';

/** The rate-limit bucket shared by unauthenticated callers (Kubernetes' anonymous user name). */
export const ANONYMOUS_USERNAME = 'system:anonymous';
const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests, please try again later';

export interface HardeningPluginOptions<TContext extends BaseContext> {
  limiter?: RateLimiter;
  limits?: Partial<QueryLimits>;
  /**
   * The caller (username and groups) or its username; default `contextValue.user`, else
   * `contextValue.access?.user` (kubeql's Context). Undefined or `system:anonymous` =
   * unauthenticated.
   */
  identify?: (contextValue: TContext) => Caller | string | undefined;
  /** When to remove `Did you mean …?` from error messages; default 'unauthenticated'. */
  hideSuggestions?: 'unauthenticated' | 'always' | 'never';
}

type MaybeUser = { username?: unknown; groups?: unknown } | null | undefined;
const defaultIdentify = (ctx: unknown): Caller | undefined => {
  const c = ctx as { user?: MaybeUser; access?: { user?: MaybeUser } | null } | undefined;
  const user = c?.user?.username !== undefined ? c?.user : c?.access?.user;
  const name = user?.username;
  if (typeof name !== 'string' || !name) return undefined;
  return { username: name, groups: Array.isArray(user!.groups) ? user!.groups.filter((g): g is string => typeof g === 'string') : [] };
};

/** The unauthenticated caller, as Kubernetes names it. */
const ANONYMOUS_CALLER: Caller = Object.freeze({ username: ANONYMOUS_USERNAME, groups: Object.freeze(['system:unauthenticated']) });

/** TOO_MANY_REQUESTS with HTTP status 429 (and Retry-After in seconds when known). */
export function tooManyRequests(retryAfterMs?: number): GraphQLError {
  const headers = new Map<string, string>();
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) headers.set('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return new GraphQLError(TOO_MANY_REQUESTS_MESSAGE, {
    originalError: new ApiError(ErrorCode.TOO_MANY_REQUESTS, TOO_MANY_REQUESTS_MESSAGE),
    extensions: { code: ErrorCode.TOO_MANY_REQUESTS, http: { status: 429, headers } },
  });
}

/** Context.charge for `caller`: a bulk operation's extra items taken from its rate limit, or TOO_MANY_REQUESTS. */
export function rateLimitCharge(limiter: RateLimiter | undefined, caller: Caller): ((units: number) => void) | undefined {
  if (!limiter) return undefined;
  return (units) => {
    if (units <= 0) return;
    const admission = limiter.admit(caller, units);
    if (!admission.allowed) throw tooManyRequests(admission.retryAfterMs);
  };
}

export function hardeningPlugin<TContext extends BaseContext = { user: { username: string } }>(
  opts: HardeningPluginOptions<TContext> = {},
): ApolloServerPlugin<TContext> {
  const limits = resolveLimits(opts.limits);
  const identify = opts.identify ?? defaultIdentify;
  const hide = opts.hideSuggestions ?? 'unauthenticated';
  return {
    async requestDidStart({ contextValue }) {
      const named = identify(contextValue);
      const caller = typeof named === 'string' ? { username: named } : named;
      const username = caller?.username === ANONYMOUS_USERNAME ? undefined : caller?.username;
      const admission = opts.limiter?.admit(username ? caller! : ANONYMOUS_CALLER);
      const limited = admission ? !admission.allowed : false;
      const retryAfterMs = admission && !admission.allowed ? admission.retryAfterMs : undefined;
      const stripping = hide === 'always' || (hide === 'unauthenticated' && !username);
      return {
        async didResolveOperation({ document, operation, operationName, request, schema }) {
          if (limited) throw tooManyRequests(retryAfterMs);
          if (!operation) return;
          const listError = checkListLimits(document, operation, request.variables, limits.maxListLimit, true);
          if (listError) throw listError;
          if (request.variables && Object.keys(request.variables).length && costDependsOnVariables(document)) {
            const cost = documentCost(schema, document, operationName ?? operation.name?.value, request.variables);
            if (cost !== undefined && cost > limits.maxCost) throw tooComplex(costMessage(cost, limits.maxCost), operation, true);
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (limited && !result.errors?.some((e) => e.extensions?.code === ErrorCode.TOO_MANY_REQUESTS)) {
            // Failed before didResolveOperation (parse or validation): still a 429.
            result.errors = [{ message: TOO_MANY_REQUESTS_MESSAGE, extensions: { code: ErrorCode.TOO_MANY_REQUESTS } }];
            delete (result as { data?: unknown }).data;
            response.http.status = 429;
            if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs))
              response.http.headers.set('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
            return;
          }
          if (!result.errors?.length) return;
          result.errors = result.errors.map((e) => rewrite(e, stripping));
        },
      };
    },
  };
}

function rewrite(error: GraphQLFormattedError, stripping: boolean): GraphQLFormattedError {
  let out = error;
  const tokens = error.extensions?.code === GRAPHQL_PARSE_FAILED ? GRAPHQL_TOKEN_LIMIT_MESSAGE.exec(error.message) : null;
  if (tokens) {
    out = { message: tokenMessage(Number(tokens[1])), extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } };
  }
  if (stripping && out.message.includes('Did you mean')) out = { ...out, message: stripSuggestions(out.message) };
  return out;
}

const variableSensitive = new WeakMap<DocumentNode, boolean>();

/**
 * Whether a document's cost can change with its variables: only through a `limit`
 * argument or an `@skip`/`@include` condition given as a variable (kubeql's schema has
 * no complexity functions that read other arguments). Most writes (`createPod(pod: $p)`)
 * need no second cost analysis. Memoised per document: Apollo hands the same parsed
 * document to every request with the same text.
 */
function costDependsOnVariables(document: DocumentNode): boolean {
  let sensitive = variableSensitive.get(document);
  if (sensitive === undefined) {
    let found = false;
    const usesVariable = (node: ASTNode) => {
      visit(node, {
        Variable() {
          found = true;
          return BREAK;
        },
      });
    };
    visit(document, {
      Argument(node) {
        if (node.name.value === 'limit') usesVariable(node.value);
      },
      Directive(node) {
        if (node.name.value === 'skip' || node.name.value === 'include') for (const a of node.arguments ?? []) usesVariable(a.value);
      },
    });
    variableSensitive.set(document, (sensitive = found));
  }
  return sensitive;
}
