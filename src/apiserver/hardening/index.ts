// GraphQL hardening for the HTTP path (Apollo) and the WebSocket path (graphql-ws) alike:
// limits on tokens, depth, aliases, directives and cost; a cap on `limit` arguments;
// rate limiting per identity; no field suggestions for unauthenticated callers.
//
// Apollo:     new ApolloServer({ parseOptions: apolloParseOptions(limits),
//               validationRules: createLimitRules(schema, limits),
//               plugins: [hardeningPlugin({ limiter, limits })] })
// graphql-ws: onSubscribe: document = parseWithLimits(payload.query, limits);
//               errors = validate(schema, document, [...specifiedRules, ...createLimitRules(schema, limits)]);
//               then checkOperationLimits(schema, document, payload.operationName, payload.variables, limits)
//               and limiter.take(username) (false → tooManyRequests()).
// express:    app.use(jsonBodyErrorHandler()) after the /graphql route (no HTML stack pages).
export { DEFAULT_LIMITS, resolveLimits, tooComplex, listLimitExceeded, type QueryLimits } from './limits.ts';
export { createLimitRules } from './rules.ts';
export { parseWithLimits, countTokens, apolloParseOptions, maxTokensRule } from './parse.ts';
export { operationCost, documentCost, costLimitRule, DEFAULT_LIST_SIZE, INTROSPECTION_LIST_SIZE } from './cost.ts';
export { checkListLimits } from './list-limit.ts';
export { RateLimiter, type RateLimiterOptions } from './rate-limit.ts';
export { hardeningPlugin, tooManyRequests, ANONYMOUS_USERNAME, type HardeningPluginOptions } from './plugin.ts';
export { stripSuggestions } from './suggestions.ts';
export { jsonBodyErrorHandler } from './http.ts';
export { checkOperationLimits } from './operation.ts';
export { checkVariables } from './variables.ts';
