// Writes src/apis/openapi/kubernetes.json: the definitions of Kubernetes' API types as
// OpenAPI v3 / JSON Schema, read from the npm package `kubernetes-types` (the TypeScript
// declarations generated from Kubernetes' own OpenAPI spec, one release per Kubernetes
// minor: field names, nesting, required fields and every field's description).
//
// Why that source: it is generated from the spec, versioned with Kubernetes (1.30, the
// release whose served apiVersions kubeql follows), well kept and widely used, and it is
// the only npm package that carries every field's description; @kubernetes/client-node's
// models drop the descriptions of fields whose type is another model. Declarations lose
// two things of the spec, restored here by rule: integer formats (every `number` of the
// API is an integer but JSONSchemaProps' bounds, which the spec gives as doubles) and
// the named scalars (Quantity, Time, IntOrString) — from their declared names.
//
// Run: `npm run generate:openapi` (CI fails when the committed file is out of date).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Schema } from '../src/apis/openapi/index.ts';

/** kubernetes-types' folders → the package names of Kubernetes' OpenAPI definitions. */
function packageOf(module: string): string {
  if (module === 'meta/v1') return 'io.k8s.apimachinery.pkg.apis.meta.v1';
  if (module === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (module === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (module === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (module.startsWith('apiextensions/')) return `io.k8s.apiextensions-apiserver.pkg.apis.${module.replace('/', '.')}`;
  return `io.k8s.api.${module.replace('/', '.')}`;
}

/** Named types that are scalars in Kubernetes' spec. */
const SCALARS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', format: 'quantity' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
};
/** Types whose value is any JSON (runtime.RawExtension, apiextensions' JSON and JSONSchemaProps' unions). */
const ANY_JSON = /(\.RawExtension|apiextensions\.v1\.JSON|JSONSchemaPropsOr(Array|Bool|StringArray))$/;
/** The spec's only floating-point fields. */
const DOUBLES = new Set(['JSONSchemaProps.maximum', 'JSONSchemaProps.minimum', 'JSONSchemaProps.multipleOf']);

/**
 * Fields of Kubernetes releases after the package's that kubeql serves (its controllers
 * write them), with Kubernetes' own descriptions.
 */
const NEWER_FIELDS: Record<string, Record<string, Schema>> = {
  'io.k8s.api.apps.v1.DeploymentStatus': {
    terminatingReplicas: {
      description:
        'Total number of terminating pods targeted by this deployment. Terminating pods have a non-null .metadata.deletionTimestamp and have not yet reached the Failed or Succeeded .status.phase. (Kubernetes 1.33)',
      type: 'integer',
      format: 'int32',
    },
  },
  'io.k8s.api.apps.v1.ReplicaSetStatus': {
    terminatingReplicas: {
      description:
        'The number of terminating pods for this replica set. Terminating pods have a non-null .metadata.deletionTimestamp and have not yet reached the Failed or Succeeded .status.phase. (Kubernetes 1.33)',
      type: 'integer',
      format: 'int32',
    },
  },
};

export function generateDefinitions(typesDir: string): Record<string, Schema> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of ts.sys.readDirectory(dir, ['.d.ts'], undefined, undefined)) files.push(name);
  };
  walk(typesDir);
  const definitions: Record<string, Schema> = {};

  for (const file of files.sort()) {
    const module = path
      .relative(typesDir, file)
      .replace(/\.d\.ts$/, '')
      .split(path.sep)
      .join('/');
    if (module === 'index') continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const pkg = packageOf(module);
    const names = new Map<string, string>(); // local name → definition name
    for (const st of source.statements) {
      if (ts.isImportDeclaration(st) && st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings)) {
        const from = path.posix.join(path.posix.dirname(module), (st.moduleSpecifier as ts.StringLiteral).text);
        for (const el of st.importClause.namedBindings.elements) names.set(el.name.text, `${packageOf(from)}.${(el.propertyName ?? el.name).text}`);
      } else if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name) {
        names.set(st.name.text, `${pkg}.${st.name.text}`);
      }
    }
    const convert = (node: ts.TypeNode, owner: string, field: string): Schema => {
      if (ts.isParenthesizedTypeNode(node)) return convert(node.type, owner, field);
      switch (node.kind) {
        case ts.SyntaxKind.StringKeyword:
          return { type: 'string' };
        case ts.SyntaxKind.NumberKeyword:
          return DOUBLES.has(`${owner}.${field}`) ? { type: 'number', format: 'double' } : { type: 'integer' };
        case ts.SyntaxKind.BooleanKeyword:
          return { type: 'boolean' };
        case ts.SyntaxKind.AnyKeyword:
        case ts.SyntaxKind.UnknownKeyword:
          return { 'x-kubernetes-preserve-unknown-fields': true };
      }
      if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return { type: 'string', enum: [node.literal.text] };
      if (ts.isArrayTypeNode(node)) return { type: 'array', items: convert(node.elementType, owner, field) };
      if (ts.isUnionTypeNode(node)) {
        const kinds = node.types.map((t) => t.kind).sort();
        if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword))
          return { 'x-kubernetes-int-or-string': true };
        if (node.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) {
          return { type: 'string', enum: node.types.map((t) => ((t as ts.LiteralTypeNode).literal as ts.StringLiteral).text) };
        }
        return { 'x-kubernetes-preserve-unknown-fields': true };
      }
      if (ts.isTypeLiteralNode(node)) {
        const index = node.members.find(ts.isIndexSignatureDeclaration);
        if (index) return { type: 'object', additionalProperties: convert(index.type, owner, field) };
        return { type: 'object' };
      }
      if (ts.isTypeReferenceNode(node)) {
        const name = node.typeName.getText(source);
        if (name === 'Array' && node.typeArguments?.length === 1) return { type: 'array', items: convert(node.typeArguments[0]!, owner, field) };
        const ref = names.get(name);
        if (!ref) throw new Error(`${module}: unknown type ${name} in ${owner}.${field}`);
        if (SCALARS[ref]) return { ...SCALARS[ref] };
        if (ANY_JSON.test(ref)) return { 'x-kubernetes-preserve-unknown-fields': true };
        return { $ref: `#/definitions/${ref}` };
      }
      throw new Error(`${module}: unsupported type ${ts.SyntaxKind[node.kind]} in ${owner}.${field}`);
    };
    const docOf = (node: ts.Node): string | undefined => {
      const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
      const text = docs
        ?.map((d) => (typeof d.comment === 'string' ? d.comment : (ts.getTextOfJSDocComment(d.comment) ?? '')))
        .join('\n')
        .trim();
      return text || undefined;
    };

    for (const st of source.statements) {
      if (!ts.isInterfaceDeclaration(st)) continue;
      const owner = st.name.text;
      const id = `${pkg}.${owner}`;
      if (SCALARS[id] || ANY_JSON.test(id)) continue;
      const schema: Schema = { type: 'object' };
      const description = docOf(st);
      if (description) schema.description = description;
      const properties: Record<string, Schema> = {};
      const required: string[] = [];
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const field = ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(source);
        const p = convert(m.type, owner, field);
        const doc = docOf(m);
        properties[field] = doc ? { description: doc, ...p } : p;
        if (!m.questionToken) required.push(field);
      }
      if (Object.keys(properties).length) schema.properties = properties;
      else schema['x-kubernetes-preserve-unknown-fields'] = true; // an empty struct in Go: any JSON object
      if (required.length) schema.required = required;
      const apiVersion = properties.apiVersion?.enum?.[0] as string | undefined;
      const kind = properties.kind?.enum?.[0] as string | undefined;
      if (apiVersion && kind && properties.metadata) {
        const slash = apiVersion.indexOf('/');
        schema['x-kubernetes-group-version-kind'] = [{ group: slash < 0 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind }];
      }
      if (NEWER_FIELDS[id])
        schema.properties = Object.fromEntries(Object.entries({ ...schema.properties, ...NEWER_FIELDS[id] }).sort(([a], [b]) => a.localeCompare(b)));
      definitions[id] = schema;
    }
  }
  return Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b)));
}

/** The kubernetes-types package folder. */
export function typesDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('kubernetes-types/package.json'));
}

export const OUTPUT = fileURLToPath(new URL('../src/apis/openapi/kubernetes.json', import.meta.url));

export function render(definitions: Record<string, Schema>): string {
  const { version } = JSON.parse(readFileSync(path.join(typesDirectory(), 'package.json'), 'utf8')) as { version: string };
  return `${JSON.stringify({ source: `kubernetes-types@${version}`, definitions })}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const text = render(generateDefinitions(typesDirectory()));
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)} (${(text.length / 1024).toFixed(0)} KiB)`);
}
