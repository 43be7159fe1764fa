// GraphQL hardening for the HTTP path (Apollo) and the WebSocket path (graphql-ws) alike:
// limits on tokens, depth, aliases, directives and cost; a cap on `limit` arguments;
// rate limiting by priority level and identity; no field suggestions for unauthenticated callers.
//
// Apollo:     new ApolloServer({ parseOptions: apolloParseOptions(limits),
//               validationRules: createLimitRules(schema, limits),
//               plugins: [hardeningPlugin({ limiter, limits })] })
// graphql-ws: onSubscribe: the document parsed with parseWithLimits and validated with
//               createLimitRules (once per distinct text: graphql/document-cache.ts), then
//               checkOperationLimits(schema, document, operationName, variables, limits)
//               and limiter.admit(user) (refused → tooManyRequests()).
// HTTP:       the JSON body read by readJsonBody, its errors answered by jsonBodyErrorHandler
//               (typed JSON, never a stack page).
export { DEFAULT_LIMITS, resolveLimits, type QueryLimits } from './limits.ts';
export { createLimitRules } from './rules.ts';
export { parseWithLimits, countTokens, apolloParseOptions } from './parse.ts';
export { documentCost } from './cost.ts';
export { RateLimiter } from './rate-limit.ts';
export { hardeningPlugin, rateLimitCharge, tooManyRequests } from './plugin.ts';
export { stripSuggestions } from './suggestions.ts';
export { jsonBodyErrorHandler } from './http.ts';
export { checkOperationLimits } from './operation.ts';
export { checkVariables } from './variables.ts';
