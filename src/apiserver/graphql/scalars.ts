// The scalars of Kubernetes' schema that GraphQL has no type for. Each accepts exactly
// what kube-apiserver's decoding accepts, so the conformance check (conformance.ts), which
// asks a scalar's serializer, refuses what Kubernetes refuses.
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const literal = (ast: ValueNode): unknown => {
  if (ast.kind === Kind.INT) return Number(ast.value);
  if (ast.kind === Kind.FLOAT) return Number(ast.value);
  if (ast.kind === Kind.STRING) return ast.value;
  return undefined;
};

function scalar(name: string, description: string, accepts: (v: unknown) => boolean): GraphQLScalarType {
  const check = (v: unknown) => {
    if (!accepts(v)) throw new TypeError(`${name} cannot represent ${JSON.stringify(v) ?? String(v)}`);
    return v;
  };
  return new GraphQLScalarType({ name, description, serialize: check, parseValue: check, parseLiteral: (ast) => check(literal(ast)) });
}

/** `x-kubernetes-int-or-string` (intstr.IntOrString): a port number or name, a count or a percentage. */
export const IntOrString = scalar(
  'IntOrString',
  'An integer or a string (intstr.IntOrString): a port number or name (`8080`, `http`), a count or a percentage (`1`, `25%`).',
  (v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)),
);

/** resource.Quantity: `250m`, `64Mi`, or a plain number as manifests often write it (`cpu: 1`). */
export const Quantity = scalar(
  'Quantity',
  'A fixed-point quantity (resource.Quantity): `250m`, `1.5`, `64Mi`, `1e3`; manifests may give it as a JSON number.',
  (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
);
