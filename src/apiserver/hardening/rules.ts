// Validation rules enforcing QueryLimits, for Apollo (`validationRules`) and for the
// graphql-ws path (`validate(schema, document, [...specifiedRules, ...rules])`).
// Depth, aliases and directives come from graphql-armor; its errors (thrown by default,
// which would crash graphql-js's validate) are reported instead and translated to
// QUERY_TOO_COMPLEX. Cost and tokens are ours (cost.ts, parse.ts).
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, GraphQLSchema, ValidationContext, ValidationRule } from 'graphql';
import { costLimitRule } from './cost.ts';
import { resolveLimits, tooComplex, type QueryLimits } from './limits.ts';
import { maxTokensRule } from './parse.ts';

type ArmorRule = (options: {
  n: number;
  exposeLimits: boolean;
  propagateOnRejection: boolean;
  onReject: ((ctx: ValidationContext | null, error: GraphQLError) => void)[];
  [option: string]: unknown;
}) => (context: ValidationContext) => object;

/** An armor rule whose rejections are reported on the context as QUERY_TOO_COMPLEX. */
function armor(rule: ArmorRule, n: number, extra: Record<string, unknown> = {}): ValidationRule {
  return (context) =>
    rule({
      ...extra,
      n,
      exposeLimits: true,
      propagateOnRejection: false,
      onReject: [(ctx, error) => (ctx ?? context).reportError(tooComplex(`Query is too complex: ${error.message.replace(/^Syntax Error:\s*/, '')}`))],
    })(context) as ReturnType<ValidationRule>;
}

/**
 * Validation rules enforcing the limits. Every violation is a GraphQLError with
 * extensions.code === 'QUERY_TOO_COMPLEX' (and an ApiError of that code as originalError).
 */
export function createLimitRules(schema: GraphQLSchema, limits?: Partial<QueryLimits>): ValidationRule[] {
  void schema; // the rules read the schema from the ValidationContext; kept for the API (and future per-schema setup)
  const l = resolveLimits(limits);
  return [
    maxTokensRule(l.maxTokens),
    armor(maxDepthRule as unknown as ArmorRule, l.maxDepth, { ignoreIntrospection: true, flattenFragments: true }),
    armor(maxAliasesRule as unknown as ArmorRule, l.maxAliases),
    armor(maxDirectivesRule as unknown as ArmorRule, l.maxDirectives),
    costLimitRule(l.maxCost),
  ];
}
