// The apiserver process: Apollo Server (HTTP) and graphql-ws (WebSocket) on one
// HTTP server and port, over one store.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { SYSTEM_NAMESPACES } from '../apis/kinds.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { SqlStore, type StoreOptions } from '../store/index.ts';
import { consoleLogger, describe, formatError, isInternal, type Logger } from './errors.ts';
import { createContext, type Context } from './graphql/context.ts';
import { buildApiSchema } from './graphql/schema.ts';
import { Registry, realClock, type Clock } from './registry/index.ts';

export interface ApiServerOptions {
  /** @default 4000; 0 picks a free port */
  port?: number;
  host?: string;
  store?: StoreOptions;
  clock?: Clock;
  logger?: Logger;
}

export type Phase = 'starting' | 'started' | 'stopping' | 'stopped';

export interface ApiServer {
  url: string;
  port: number;
  registry: Registry;
  store: SqlStore;
  readonly phase: Phase;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  let phase: Phase = 'starting';
  const log = options.logger ?? consoleLogger;
  const store = await SqlStore.open(options.store);
  const registry = new Registry(store, options.clock ?? realClock);
  await bootstrap(registry);
  const schema = await buildApiSchema();

  const app = express();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { requestId: string }>({
    schema,
    context: (ctx) => createContext(registry, (ctx.extra as { requestId?: string }).requestId ?? randomUUID()),
    onConnect: (ctx) => {
      (ctx.extra as { requestId?: string }).requestId = randomUUID();
      return true;
    },
    onError: (ctx, _id, _payload, errors) =>
      errors.map((e) => formatError(e.toJSON(), e, (ctx.extra as { requestId?: string }).requestId, log)),
    onNext: (ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, (ctx.extra as { requestId?: string }).requestId, log)) } : undefined,
  }, wsServer);

  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // the CLI owns signals and stops everything in order
    formatError: (formatted, error) => formatError(formatted, error, undefined),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      {
        // Put the request id on masked errors (formatError has no access to the context).
        async requestDidStart({ contextValue }) {
          return {
            async didEncounterErrors({ errors }) {
              for (const e of errors) {
                if (isInternal(formatError(e.toJSON(), e, undefined))) log.error('internal error', { requestId: contextValue.requestId, path: e.path, error: describe(e) });
              }
            },
            async willSendResponse({ response }) {
              if (response.body.kind === 'single') {
                for (const e of response.body.singleResult.errors ?? []) {
                  const ext = e.extensions as Record<string, unknown> | undefined;
                  if (ext?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
                    ext.requestId = contextValue.requestId;
                    (e as { message: string }).message = `Internal server error (request id ${contextValue.requestId})`;
                  }
                }
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => { res.type('text/plain').send('ok'); });
  app.get('/readyz', async (_req, res) => {
    try {
      if (phase !== 'started') throw new Error(phase);
      await store.currentRevision(); // the store answers and its tables exist
      res.type('text/plain').send('ok');
    } catch {
      res.status(503).type('text/plain').send('not ready');
    }
  });
  app.use('/graphql', express.json({ limit: '3mb' }), expressMiddleware(apollo, {
    context: async ({ req }) => createContext(registry, String(req.headers['x-request-id'] ?? randomUUID())),
  }));

  const port = await new Promise<number>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 4000, options.host ?? '0.0.0.0', () => resolve((httpServer.address() as AddressInfo).port));
  });
  phase = 'started';

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    registry,
    store,
    get phase() { return phase; },
    async stop() {
      if (phase === 'stopping' || phase === 'stopped') return;
      phase = 'stopping';
      await apollo.stop();
      wsServer.close();
      await store.close();
      phase = 'stopped';
    },
  };
}

/** Namespaces every cluster has from its first start (idempotent). */
async function bootstrap(registry: Registry): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    if (await registry.get('Namespace', undefined, name)) continue;
    try {
      await registry.create('Namespace', { metadata: { name } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === ErrorCode.ALREADY_EXISTS)) throw err;
    }
  }
}


