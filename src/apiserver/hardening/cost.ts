// Static cost of a GraphQL operation, computed from the document before it runs.
//
// COST MODEL
// - Every field costs 1 (`__typename` costs 0). A field with a `complexity` number in
//   its extensions (type-graphql's `@Field({ complexity })`) costs that number instead;
//   a `complexity` function gets `{ args, childComplexity }` and returns the field's
//   whole cost.
// - A field returning a list costs 1 + N × (the cost of its selection), where N is
//   1. its own `limit` argument, else
//   2. the `limit` argument of the field whose result object holds the list — the
//      Kubernetes List pattern, `pods(limit: 50) { items { … } }`, where `items` is
//      sized by `pods`' limit — else
//   3. the `limit` argument's schema default, else
//   4. the field's declared `listSize` extension (type-graphql:
//      `@Extensions({ listSize: 10 })`) — for embedded lists such as a pod's
//      containers, which are never long — else
//   5. DEFAULT_LIST_SIZE (100).
//   `limit: 0` means "no limit" in Kubernetes and counts like an absent limit.
//   A `limit` given as a variable uses the variable's value when the variables are
//   known (the Apollo plugin re-checks the cost with them), else the variable's
//   default, else 100.
// - Introspection is cheap: its leaf fields (`name`, `kind`, …) cost 0 and its lists
//   count INTROSPECTION_LIST_SIZE (10) items, so the standard introspection query passes
//   while recursive `types { fields { type { fields … } } }` nesting still grows past
//   the limit (depth does not count under `__schema`; cost does).
// - Fragments cost what their selection costs; on an abstract type (interface, union)
//   a selection costs the maximum over the concrete types it can resolve to.
//   `@skip(if: true)` / `@include(if: false)` selections cost nothing.
// The computation is linear in the document (fragments and fields are memoised), so a
// document of fragments spreading each other twice cannot blow it up.
import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isIntrospectionType,
  isListType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { tooComplex } from './limits.ts';

export const DEFAULT_LIST_SIZE = 100;
export const INTROSPECTION_LIST_SIZE = 10;

type Variables = Record<string, unknown> | null | undefined;
type ComplexityFn = (options: {
  args: Record<string, unknown>;
  childComplexity: number;
  field: GraphQLField<unknown, unknown>;
  type: GraphQLObjectType;
  node: FieldNode;
}) => number;

class CostCalculator {
  private readonly fieldMemo = new WeakMap<FieldNode, Map<string, number>>();
  private readonly fragmentMemo = new Map<string, number>();
  private readonly variableDefaults = new Map<string, ValueNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Variables,
  ) {
    for (const def of operation.variableDefinitions ?? []) {
      if (def.defaultValue) this.variableDefaults.set(def.variable.name.value, def.defaultValue);
    }
  }

  cost(): number {
    const root = this.schema.getRootType(this.operation.operation);
    return root ? this.selectionSetCost(this.operation.selectionSet, root, undefined, new Set()) : 0;
  }

  /** Cost of a selection set on a (possibly abstract) type: the max over its concrete types. */
  private selectionSetCost(set: SelectionSetNode, parent: GraphQLCompositeType, inheritedSize: number | undefined, active: Set<string>): number {
    const concrete = isAbstractType(parent) ? this.schema.getPossibleTypes(parent) : [parent];
    let max = 0;
    for (const type of concrete) max = Math.max(max, this.concreteCost(set, type, inheritedSize, active));
    return max;
  }

  private concreteCost(set: SelectionSetNode, type: GraphQLObjectType, inheritedSize: number | undefined, active: Set<string>): number {
    let sum = 0;
    for (const sel of set.selections) {
      if (this.excluded(sel)) continue;
      if (sel.kind === Kind.FIELD) {
        sum += this.fieldCost(sel, type, inheritedSize, active);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (sel.typeCondition && !this.applies(sel.typeCondition.name.value, type)) continue;
        sum += this.concreteCost(sel.selectionSet, type, inheritedSize, active);
      } else {
        const name = sel.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || active.has(name) || !this.applies(fragment.typeCondition.name.value, type)) continue; // invalid: other rules report it
        const key = `${name}\u0000${type.name}\u0000${inheritedSize ?? ''}`;
        let c = this.fragmentMemo.get(key);
        if (c === undefined) {
          active.add(name);
          c = this.concreteCost(fragment.selectionSet, type, inheritedSize, active);
          active.delete(name);
          this.fragmentMemo.set(key, c);
        }
        sum += c;
      }
    }
    return sum;
  }

  private fieldCost(node: FieldNode, type: GraphQLObjectType, inheritedSize: number | undefined, active: Set<string>): number {
    const name = node.name.value;
    if (name === '__typename') return 0;
    const field = (name === '__schema' ? SchemaMetaFieldDef : name === '__type' ? TypeMetaFieldDef : type.getFields()[name]) as
      | GraphQLField<unknown, unknown>
      | undefined;
    if (!field) return 0; // unknown field: FieldsOnCorrectTypeRule reports it
    const introspection = name.startsWith('__') || isIntrospectionType(type);
    const isList = isListType(getNullableType(field.type));
    const limitArg = field.args.find((a) => a.name === 'limit');
    const limit = limitArg ? this.limitValue(node, limitArg) : undefined;
    const named = getNamedType(field.type);

    let child = 0;
    if (node.selectionSet && isCompositeType(named)) {
      // A non-list field with a `limit` (a Kubernetes List object) sizes the lists directly inside it.
      const pending = !isList && limitArg ? (limit ?? DEFAULT_LIST_SIZE) : undefined;
      const key = `${named.name}\u0000${pending ?? ''}`;
      let memo = this.fieldMemo.get(node);
      const known = memo?.get(key);
      if (known !== undefined) {
        child = known;
      } else {
        child = this.selectionSetCost(node.selectionSet, named, pending, active);
        if (!memo) this.fieldMemo.set(node, (memo = new Map()));
        memo.set(key, child);
      }
    }

    const complexity = field.extensions?.complexity as number | ComplexityFn | undefined;
    if (typeof complexity === 'function') {
      let args: Record<string, unknown> = {};
      try {
        args = getArgumentValues(field, node, (this.variables ?? undefined) as Record<string, unknown> | undefined);
      } catch {
        // variables unknown or invalid: estimate without arguments
      }
      const c = complexity({ args, childComplexity: child, field, type, node });
      if (typeof c === 'number' && !Number.isNaN(c)) return c;
    }
    // Introspection leaves (name, kind, description…) are free; its objects and lists cost 1.
    const base = typeof complexity === 'number' ? complexity : introspection && !node.selectionSet ? 0 : 1;
    if (!isList) return base + child;
    const declared = field.extensions?.listSize;
    const size = introspection
      ? INTROSPECTION_LIST_SIZE
      : (limit ?? inheritedSize ?? (typeof declared === 'number' && declared >= 0 ? declared : DEFAULT_LIST_SIZE));
    return base + size * child;
  }

  /** The `limit` of a field: literal, variable, or schema default; undefined when absent or 0 (= no limit). */
  private limitValue(node: FieldNode, arg: GraphQLArgument): number | undefined {
    const argNode = node.arguments?.find((a) => a.name.value === 'limit');
    const value = argNode ? this.valueOf(argNode.value) : arg.defaultValue;
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  }

  private valueOf(value: ValueNode): unknown {
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      if (this.variables && Object.hasOwn(this.variables, name)) return this.variables[name];
      const def = this.variableDefaults.get(name);
      return def ? valueFromASTUntyped(def) : undefined;
    }
    return valueFromASTUntyped(value);
  }

  private excluded(sel: SelectionNode): boolean {
    for (const d of sel.directives ?? []) {
      const directive = d.name.value;
      if (directive !== 'skip' && directive !== 'include') continue;
      const ifArg = d.arguments?.find((a) => a.name.value === 'if');
      const v = ifArg ? this.valueOf(ifArg.value) : undefined;
      if (typeof v !== 'boolean') continue; // unknown: count it
      if ((directive === 'skip' && v) || (directive === 'include' && !v)) return true;
    }
    return false;
  }

  private applies(typeCondition: string, type: GraphQLObjectType): boolean {
    if (typeCondition === type.name) return true;
    const cond = this.schema.getType(typeCondition);
    return !!cond && isAbstractType(cond) && this.schema.isSubType(cond, type);
  }
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  return map;
}

/** The cost of one operation of a document (see the cost model above). */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables?: Variables): number {
  return new CostCalculator(schema, fragmentsOf(document), operation, variables).cost();
}

/**
 * The cost of the operation `operationName` (or the only operation) of a document;
 * undefined when there is no such operation.
 */
export function documentCost(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, variables?: Variables): number | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  return op ? operationCost(schema, document, op, variables) : undefined;
}

/** A validation rule: every operation's cost (variables unknown) must be at most maxCost. */
export function costLimitRule(maxCost: number): ValidationRule {
  return (context) => {
    let fragments: Map<string, FragmentDefinitionNode> | undefined;
    return {
      OperationDefinition(op) {
        fragments ??= fragmentsOf(context.getDocument());
        const cost = new CostCalculator(context.getSchema(), fragments, op, undefined).cost();
        if (cost > maxCost) context.reportError(tooComplex(costMessage(cost, maxCost), op));
        return false; // the cost walk covered the operation
      },
    };
  };
}

export const costMessage = (cost: number, maxCost: number): string =>
  `Query is too complex: estimated cost ${cost < 1e15 ? Math.round(cost) : cost.toExponential(2)} exceeds the maximum of ${maxCost}`;
