// The cap on list sizes: any field argument named `limit` above maxListLimit is a
// BAD_USER_INPUT error ("limit must be at most N"). Needs the variables, so it runs per
// request (Apollo: didResolveOperation; graphql-ws: onSubscribe), not as a validation rule.
import { Kind, valueFromASTUntyped, type DocumentNode, type GraphQLError, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { listLimitExceeded } from './limits.ts';

/**
 * The first `limit` argument of the operation (fields reached through fragments
 * included) whose value exceeds max, as an error; undefined when all are within it.
 */
export function checkListLimits(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
  max: number,
  http = false,
): GraphQLError | undefined {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const defaults = new Map((operation.variableDefinitions ?? []).flatMap((d) => (d.defaultValue ? [[d.variable.name.value, d.defaultValue] as const] : [])));
  const seen = new Set<string>();
  const valueOf = (v: ValueNode): unknown => {
    if (v.kind !== Kind.VARIABLE) return valueFromASTUntyped(v);
    const name = v.name.value;
    if (variables && Object.hasOwn(variables, name)) return variables[name];
    const d = defaults.get(name);
    return d ? valueFromASTUntyped(d) : undefined;
  };
  const walk = (set: SelectionSetNode): GraphQLError | undefined => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        for (const arg of sel.arguments ?? []) {
          if (arg.name.value !== 'limit') continue;
          const value = valueOf(arg.value);
          if (typeof value === 'number' && value > max) return listLimitExceeded(max, arg, http);
        }
        if (sel.selectionSet) {
          const e = walk(sel.selectionSet);
          if (e) return e;
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const e = walk(sel.selectionSet);
        if (e) return e;
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        seen.add(name);
        const e = walk(fragment.selectionSet);
        if (e) return e;
      }
    }
    return undefined;
  };
  return walk(operation.selectionSet);
}
