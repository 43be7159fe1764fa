import 'reflect-metadata';
import { createPubSub } from '@graphql-yoga/subscription';
import { getNullableType, isListType, isObjectType, type GraphQLSchema } from 'graphql';
import { buildSchema, type ClassType, type NonEmptyArray } from 'type-graphql';
import { kindDefinition } from '../../apis/openapi/index.ts';
import { KINDS } from '../../apis/kinds.ts';
import { createGenericResolver } from './generic.resolver.ts';
import { IdentityResolver } from './identity.resolver.ts';
import { createOperationsResolver, createResourceUnion } from './operations.resolver.ts';
import { createRelationResolvers } from './relations.resolver.ts';
import { createKindResolver, createKindTypes } from './resource.factory.ts';
import { ServiceProxyResolver } from './service-proxy.resolver.ts';
import { builtinTypes } from './openapi-types.ts';

/** kubeql's own GraphQL types, whose names the generated Kubernetes types may not take. */
const KUBEQL_TYPES = [
  'Endpoint',
  'ListMeta',
  'APIResource',
  'APIResourceFields',
  'Table',
  'TableRow',
  'TableColumnDefinition',
  'ApplyResult',
  'ResourceList',
  'ResourceWatchEvent',
  'ObjectMetaInput',
  'OwnerReferenceInput',
  'Resource',
  'Preconditions',
  'StatusUpdate',
  'PodBinding',
  'TokenRequestStatus',
  'UserInfo',
];

let built: GraphQLSchema | undefined;

/** The whole API schema, built once per process (type-graphql's metadata is global). */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  if (built) return built;
  // A kind's definition is its object type wherever another type refers to it (a
  // StatefulSet's volumeClaimTemplates are PersistentVolumeClaims).
  const kindObjects = new Map<string, ClassType>();
  const provided = new Map<string, () => unknown>();
  for (const k of KINDS) {
    const definition = kindDefinition(k.apiVersion, k.kind);
    if (definition) provided.set(definition, () => kindObjects.get(k.kind));
  }
  const types = builtinTypes({
    reserved: [...KINDS.flatMap((k) => [k.kind, `${k.kind}List`, `${k.kind}WatchEvent`, `${k.kind}Input`]), ...KUBEQL_TYPES],
    provided,
  });
  const all = KINDS.map((k) => createKindTypes(k, types));
  for (const t of all) kindObjects.set(t.info.kind, t.object);
  const resource = createResourceUnion(all);
  const resolvers = [
    ...all.map(createKindResolver),
    createOperationsResolver(all, resource),
    ...createGenericResolver(all, resource as unknown as ClassType),
    ...createRelationResolvers(all, resource),
    IdentityResolver,
    ServiceProxyResolver,
  ] as unknown as NonEmptyArray<ClassType>;
  // Watches come from the store's hub (each subscription's own `subscribe`); type-graphql
  // still insists on a PubSub being configured, so it gets an idle one.
  built = await buildSchema({ resolvers, validate: false, pubSub: createPubSub() });
  sizeEmbeddedLists(built);
  return built;
}

/**
 * The query cost model (src/apiserver/hardening/cost.ts) sizes a list by its `limit`
 * argument, else by a `listSize` extension. Lists embedded in an object (a pod's
 * containers, a node's conditions) are short; relations (Node.pods) and top-level
 * lists keep the default.
 */
function sizeEmbeddedLists(schema: GraphQLSchema): void {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const list = isListType(getNullableType(field.type));
      if (list && field.args.length === 0 && !RELATIONS.has(`${type.name}.${field.name}`) && field.name !== 'items') {
        (field as { extensions: Record<string, unknown> }).extensions = { ...field.extensions, listSize: EMBEDDED_LIST_SIZE };
      }
    }
  }
}

const EMBEDDED_LIST_SIZE = 10;
/** Lists that hold other objects (relations, a table's rows), sized by the default: not a pod's containers, nor an EndpointSlice's endpoints. */
const RELATIONS = new Set(['Pod.events', 'Node.pods', 'ReplicaSet.pods', 'Deployment.replicaSets', 'Deployment.pods', 'Service.endpoints', 'Table.rows']);
