import 'reflect-metadata';
import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { KINDS } from '../../apis/kinds.ts';
import { createOperationsResolver, createResourceUnion } from './operations.resolver.ts';
import { createRelationResolvers } from './relations.resolver.ts';
import { createKindResolver, createKindTypes } from './resource.factory.ts';

let built: GraphQLSchema | undefined;

/** The whole API schema, built once per process (type-graphql's metadata is global). */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  if (built) return built;
  const all = KINDS.map(createKindTypes);
  const resource = createResourceUnion(all);
  const resolvers = [
    ...all.map(createKindResolver),
    createOperationsResolver(all, resource),
    ...createRelationResolvers(all, resource),
  ] as unknown as NonEmptyArray<Function>;
  // Watches come from the store's hub (each subscription's own `subscribe`); type-graphql
  // still insists on a PubSub being configured, so it gets an idle one.
  built = await buildSchema({ resolvers, validate: false, pubSub: createPubSub() });
  return built;
}
