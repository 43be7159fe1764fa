// The entry points of `kubeql describe`: read the object(s) through the SDK's generic
// `resource` / `resources` queries, pick the kind's describer and return kubectl's text.
import { notFound } from '../../apimachinery/errors.ts';
import { kindInfo, operations, type Client } from '../../client/index.ts';
import type { DescribeContext, Describer, Manifest } from './describer.ts';
import { describerFor } from './registry.ts';

/** A kind as discovery (`apiResources`) names it: enough for custom resources too. */
export interface DescribedKind {
  /** `` for core, `apps`, `stable.example.com`, … */
  group: string;
  version: string;
  kind: string;
  /** The plural resource: `deployments`. */
  name: string;
  namespaced: boolean;
}

export interface DescribeOptions {
  /** Print the Events section (kubectl's --show-events). Default: as kubectl — yes for one object, no when several are described. */
  showEvents?: boolean;
  /** Page size of the lists read (kubectl's --chunk-size). @default 500 */
  chunkSize?: number;
  /** The time ages are measured to. @default now */
  now?: Date;
}

export interface DescribeManyOptions extends DescribeOptions {
  /** Every namespace (namespace is then ignored). */
  allNamespaces?: boolean;
  /** A label selector (`-l app=web`). */
  labelSelector?: string;
}

const DEFAULT_CHUNK_SIZE = 500;

/** A kind name no built-in kind has: kubectl's client-side `error: the server doesn't have a resource type "x"` (not an answer of the server). */
export class UnknownKindError extends Error {
  constructor(readonly kind: string) {
    super(`the server doesn't have a resource type "${kind}"`);
    this.name = 'UnknownKindError';
  }
}

/** A built-in kind by its Kind name (`Deployment`), or a kind as discovery gave it. */
function resolveKind(kind: string | DescribedKind): DescribedKind {
  if (typeof kind !== 'string') return kind;
  const info = kindInfo(kind);
  if (!info) throw new UnknownKindError(kind);
  return { group: info.group, version: info.version, kind: info.kind, name: info.resource, namespaced: info.namespaced };
}

const apiVersionOf = (k: DescribedKind): string => (k.group ? `${k.group}/${k.version}` : k.version);
/** kubectl's name for a resource in messages: `pods`, `deployments.apps`. */
const qualifiedResource = (k: DescribedKind): string => (k.group ? `${k.name}.${k.group}` : k.name);

const contextOf = (client: Client, options: DescribeOptions, showEvents: boolean): DescribeContext => ({
  client,
  now: options.now ?? new Date(),
  showEvents: options.showEvents ?? showEvents,
  chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
});

async function fetchObject(client: Client, k: DescribedKind, namespace: string, name: string): Promise<Manifest | null> {
  const data = await client.request(operations.ResourceDocument, {
    apiVersion: apiVersionOf(k),
    kind: k.kind,
    namespace: k.namespaced ? namespace : undefined,
    name,
  });
  return (data.resource?.manifest as Manifest | undefined) ?? null;
}

async function listObjects(client: Client, k: DescribedKind, namespace: string, options: DescribeManyOptions, chunkSize: number): Promise<Manifest[]> {
  const items: Manifest[] = [];
  let next: string | undefined;
  do {
    const data = await client.request(operations.ResourcesDocument, {
      apiVersion: apiVersionOf(k),
      kind: k.kind,
      namespace: k.namespaced ? namespace : undefined,
      allNamespaces: k.namespaced ? options.allNamespaces === true : undefined,
      labelSelector: options.labelSelector,
      limit: chunkSize,
      continue: next,
    });
    items.push(...data.resources.items.map((i) => i.manifest as Manifest));
    next = data.resources.metadata.continue ?? undefined;
  } while (next);
  return items;
}

/** One after the other, as kubectl does: a kind with thousands of objects does not flood the apiserver. */
async function describeEach(ctx: DescribeContext, describer: Describer, objects: readonly Manifest[]): Promise<string[]> {
  const texts: string[] = [];
  for (const o of objects) texts.push(await describer(ctx, o));
  return texts;
}

/**
 * `kubeql describe TYPE NAME`: kubectl's description of one object, with its Events.
 * When no object has that name, the objects whose names start with it are described, each
 * followed by a blank line, without Events (kubectl's DescribeMatchingResources); when none
 * does either, ApiError NOT_FOUND `pods "x" not found`.
 */
export async function describe(
  client: Client,
  kind: string | DescribedKind,
  namespace: string | undefined,
  name: string,
  options: DescribeOptions = {},
): Promise<string> {
  const k = resolveKind(kind);
  const ns = namespace ?? 'default';
  const describer = describerFor(k.group, k.kind);
  const object = await fetchObject(client, k, ns, name);
  if (object) return describer(contextOf(client, options, true), object);
  const ctx = contextOf(client, options, false);
  const matching = (await listObjects(client, k, ns, {}, ctx.chunkSize)).filter((o) => o.metadata.name.startsWith(name));
  if (matching.length === 0) throw notFound(qualifiedResource(k), name);
  return (await describeEach(ctx, describer, matching)).map((t) => `${t}\n`).join('');
}

/**
 * `kubeql describe TYPE [-l SELECTOR] [-A]`: every object of a kind, separated by a blank
 * line as kubectl separates them; Events only for a single object unless `showEvents`
 * says otherwise. Empty when there are none (the caller prints kubectl's
 * `No resources found in default namespace.`: noResourcesFound).
 */
export async function describeMany(
  client: Client,
  kind: string | DescribedKind,
  namespace: string | undefined,
  options: DescribeManyOptions = {},
): Promise<string> {
  const k = resolveKind(kind);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const objects = await listObjects(client, k, namespace ?? 'default', options, chunkSize);
  const ctx = contextOf(client, options, objects.length === 1);
  const describer = describerFor(k.group, k.kind);
  return (await describeEach(ctx, describer, objects)).join('\n\n');
}

/** What kubectl prints on stderr when `describe TYPE` finds nothing. */
export const noResourcesFound = (namespace: string | undefined, allNamespaces = false): string =>
  allNamespaces ? 'No resources found' : `No resources found in ${namespace ?? 'default'} namespace.`;
