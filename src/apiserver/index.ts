export { startApiServer, type ApiServer, type ApiServerOptions, type Phase } from './server.ts';
export { buildApiSchema } from './graphql/schema.ts';
export { Registry } from './registry/index.ts';
