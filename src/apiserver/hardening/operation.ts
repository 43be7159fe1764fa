// The per-request checks that need the variables, for callers outside Apollo (the
// graphql-ws onSubscribe): the `limit` cap and the cost with the actual variables.
import { getOperationAST, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { costMessage, operationCost } from './cost.ts';
import { resolveLimits, tooComplex, type QueryLimits } from './limits.ts';
import { checkListLimits } from './list-limit.ts';

/** Errors (empty when none) for a validated document about to run with these variables. */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits?: Partial<QueryLimits>,
): GraphQLError[] {
  const l = resolveLimits(limits);
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const listError = checkListLimits(document, operation, variables, l.maxListLimit);
  if (listError) return [listError];
  const cost = operationCost(schema, document, operation, variables);
  return cost > l.maxCost ? [tooComplex(costMessage(cost, l.maxCost), operation)] : [];
}
