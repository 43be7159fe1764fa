import { GraphQLError } from 'graphql';
import type { ApiError } from '../../apimachinery/errors.ts';
import { checkJsonDepth } from '../../apimachinery/json.ts';

/** Variables nested deeper than any object needs are refused before type-graphql's recursive conversion meets them. */
export function checkVariables(variables: unknown): void {
  try {
    checkJsonDepth(variables, 'variables');
  } catch (err) {
    const e = err as ApiError;
    throw new GraphQLError(e.message, { extensions: { code: e.code, causes: e.causes, http: { status: 400 } } });
  }
}
