// The apiserver process: Apollo Server (HTTP) and graphql-ws (WebSocket) on one
// HTTP server and port, over one store.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { WebSocketServer } from 'ws';
import { SYSTEM_NAMESPACES, type KubeObject } from '../apis/kinds.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { SqlStore, type StoreOptions } from '../store/index.ts';
import { Access } from './access.ts';
import { admissionFor } from './admission/index.ts';
import { PriorityClassCache, priorityAdmission } from './admission/priority.ts';
import { systemPriorityClassObjects } from '../apis/validation/priorityclass.ts';
import { ANONYMOUS, Authenticator, type ExternalIssuer, type UserInfo } from './authn/index.ts';
import { RbacAuthorizer, RbacCache, bootstrapPolicy } from './authz/index.ts';
import { completeLogger, createLogger, type Logger, type LogLevel, type PartialLogger } from '../observability/index.ts';
import { describe, formatError, isInternal } from './errors.ts';
import { createContext, type Context } from './graphql/context.ts';
import { createConformanceCheck } from './graphql/conformance.ts';
import { buildApiSchema } from './graphql/schema.ts';
import { apolloParseOptions, checkVariables, createLimitRules, hardeningPlugin, resolveLimits, type QueryLimits } from './hardening/index.ts';
import { createHttpHandler } from './http-handler.ts';
import { serveMetrics } from './metrics/endpoint.ts';
import { liveStores } from './metrics/storage-metrics.ts';
import { attachRecord, requestPlugin } from './request-log.ts';
import { createRateLimiter, type RateLimitOptions } from './hardening/priority.ts';
import { rateLimitCharge } from './hardening/index.ts';
import { PolicyInformer, RBAC_KINDS } from './policy-informer.ts';
import { Registry, realClock, type Clock } from './registry/index.ts';
import { NamespaceCache } from './registry/namespace-cache.ts';
import { ServiceProxy, attachServiceProxy } from './proxy/service-proxy.ts';
import { serveWebSocket, type Identify } from './websocket.ts';

export interface AuthOptions {
  /** false: no authentication or authorization — every request acts as cluster-admin (the benchmark baseline). @default true */
  enabled?: boolean;
  /** The cluster's signing key (generated on first start). */
  signingKeyFile: string;
  issuer?: string;
  audience?: string;
  externalIssuers?: ExternalIssuer[];
}

export interface ApiServerOptions {
  /** Query limits (depth, aliases, tokens, cost, list limit); see src/apiserver/hardening. */
  limits?: Partial<QueryLimits>;
  /**
   * Rate limits by priority level (src/apiserver/hardening/priority.ts): budgets per level,
   * e.g. `{ 'global-default': { ratePerSecond: 200, burst: 400 }, system: 0 }` (0: not
   * limited), over the defaults — system:masters exempt; components (nodes, scheduler,
   * controller-manager, kube-system service accounts) 5000/s burst 10000 per identity;
   * other users 200/s burst 400 per identity; anonymous callers 50/s burst 100 together.
   * A plain `{ ratePerSecond, burst }` applies to every identity alike (no levels); 0 turns
   * rate limiting off.
   */
  rateLimit?: RateLimitOptions;
  /** Schema introspection for authenticated callers (anonymous callers get nothing at all). @default true */
  introspection?: boolean;
  /** Subscriptions one WebSocket may hold at once. @default 100 */
  maxSubscriptionsPerSocket?: number;
  /** Authentication (JWT) and authorization (RBAC); absent: off. */
  auth?: AuthOptions;
  /** @default 4000; 0 picks a free port */
  port?: number;
  host?: string;
  store?: StoreOptions;
  clock?: Clock;
  /** Where the apiserver logs (levels it lacks are dropped); default: pino on stdout at `logLevel`. */
  logger?: PartialLogger;
  /** debug, info, warn, error, silent. @default KUBEQL_LOG_LEVEL, else info */
  logLevel?: LogLevel | string;
  /**
   * Non-resource paths served without authentication or authorization, as
   * kube-controller-manager's --authorization-always-allow-paths: `['/metrics']` lets a
   * local Prometheus scrape without a token. @default KUBEQL_AUTHORIZATION_ALWAYS_ALLOW_PATHS (comma-separated), else none
   */
  authorizationAlwaysAllowPaths?: string[];
  /**
   * A further condition of /readyz, asked once the store answers: `kubeql up` passes "its
   * node fleet is Ready". Absent: ready when the store is (the bare apiserver). A throw reads
   * as not ready.
   */
  readinessCheck?: () => boolean | Promise<boolean>;
}

export type Phase = 'starting' | 'started' | 'stopping' | 'stopped';

export interface ApiServer {
  url: string;
  port: number;
  registry: Registry;
  store: SqlStore;
  /** Mints tokens with the cluster key (undefined when auth is off). */
  authenticator?: Authenticator;
  readonly phase: Phase;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  let phase: Phase = 'starting';
  const log: Logger = options.logger ? completeLogger(options.logger) : createLogger({ level: options.logLevel });
  const alwaysAllowPaths =
    options.authorizationAlwaysAllowPaths ??
    (process.env.KUBEQL_AUTHORIZATION_ALWAYS_ALLOW_PATHS ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  const store = await SqlStore.open({ log, ...options.store }); // the store logs where the apiserver does unless told otherwise
  const schema = await buildApiSchema();
  // Authentication and authorization: the RBAC cache follows the store like an informer.
  const authOn = options.auth && options.auth.enabled !== false;
  const authenticator = authOn ? await Authenticator.create(options.auth!) : undefined;
  const rbac = authOn ? new RbacCache() : undefined;
  const authorizer = rbac ? new RbacAuthorizer(rbac) : undefined;
  const clock = options.clock ?? realClock();
  const informer = rbac ? new PolicyInformer(store, rbac, clock) : undefined;
  const namespaces = new NamespaceCache(store, clock);
  const priorityClasses = new PriorityClassCache(store, clock);
  const registry = new Registry(store, {
    clock,
    conformance: createConformanceCheck(schema),
    namespaces,
    recent: (key) => store.hub.recent(key), // updates start from the watch cache, as kube-apiserver's do
    admission: priorityAdmission(priorityClasses),
    written: (o, type) => {
      namespaces.observe(o, type); // read your writes: a namespace is in this apiserver's cache as it commits
      priorityClasses.observe(o, type);
      // A role or binding takes effect for this apiserver before its writer hears back.
      return informer && RBAC_KINDS.includes(o.kind as never) ? informer.waitFor(Number(o.metadata.resourceVersion)) : undefined;
    },
  });
  await bootstrap(registry);
  const serviceProxy = new ServiceProxy(store, clock); // resolveService's rules, fed by the store's watch
  attachServiceProxy(registry, serviceProxy);
  await Promise.all([namespaces.start(), priorityClasses.start(), informer?.start(), serviceProxy.start()]);
  /** The request's identity, access and admission; throws UNAUTHENTICATED. */
  const identify: Identify = async (who) => {
    const user = who ? (await who).user : CLUSTER_ADMIN;
    if (user.username === ANONYMOUS.username) throw new ApiError(ErrorCode.UNAUTHENTICATED, 'Unauthorized: a bearer token is required');
    return { user, access: new Access(user, authorizer), admit: admissionFor(user, authorizer) };
  };

  const limits = resolveLimits(options.limits);
  const introspection = options.introspection ?? true;
  const limitRules = [...createLimitRules(schema, limits), ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const limiter = createRateLimiter(options.rateLimit);
  const maxSubscriptions = options.maxSubscriptionsPerSocket ?? 100;

  const httpServer = http.createServer(); // its requests: createHttpHandler, once Apollo has started
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: BODY_LIMIT_BYTES });
  const webSocket = serveWebSocket(wsServer, { schema, registry, authenticator, identify, limits, limitRules, limiter, maxSubscriptions, log });

  const apollo = new ApolloServer<Context>({
    schema,
    persistedQueries: false, // no APQ cache: one less surface, and clients send whole documents
    introspection,
    includeStacktraceInErrorResponses: false,
    parseOptions: apolloParseOptions(limits),
    validationRules: limitRules,
    stopOnTerminationSignals: false, // the CLI owns signals and stops everything in order
    formatError: (formatted, error) => formatError(formatted, error, undefined),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(), // GET /graphql from a browser is kubeql's own IDE (ide.ts)
      hardeningPlugin<Context>({ limiter, limits }),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation, request }) {
              checkVariables(request.variables);
              // Apollo would run a subscription sent over HTTP as if it were a query.
              if (operation?.operation === 'subscription') {
                throw new GraphQLError('subscriptions are served over WebSocket (subprotocol graphql-transport-ws) on this path', {
                  extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
                });
              }
            },
          };
        },
      },
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await webSocket.dispose();
            },
          };
        },
      },
      {
        // Put the request id on masked errors (formatError has no access to the context).
        async requestDidStart({ contextValue }) {
          return {
            async didEncounterErrors({ errors }) {
              for (const e of errors) {
                if (isInternal(formatError(e.toJSON(), e, undefined)))
                  log.error('internal error', { requestId: contextValue.requestId, path: e.path, error: describe(e) });
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
                  if (ext?.code === ErrorCode.UNAVAILABLE) {
                    // The store cannot be reached: 503 with Retry-After, as kube-apiserver answers when etcd is down.
                    response.http.status = 503;
                    response.http.headers.set('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
                  }
                }
              }
            },
          };
        },
      },
      requestPlugin<Context>(), // last: it records the errors as the client gets them
    ],
  });
  await apollo.start();

  httpServer.on(
    'request',
    createHttpHandler({
      apollo,
      bodyLimit: BODY_LIMIT_BYTES,
      log,
      context: async (req, record) => {
        try {
          const who = await identify(authenticator?.fromHeader(req.headers.authorization));
          return attachRecord(createContext(registry, who.access, who.admit, record.id, authenticator, rateLimitCharge(limiter, who.user)), record);
        } catch (err) {
          if (err instanceof ApiError) throw new GraphQLError(err.message, { extensions: { code: err.code, http: { status: 401 } } });
          throw err;
        }
      },
      metrics: (req, res) =>
        serveMetrics(req, res, {
          authenticator,
          authorize: authorizer && ((attrs) => authorizer.authorize(attrs)),
          identify: async (r) => (await identify(authenticator?.fromHeader(r.headers.authorization))).user,
          alwaysAllowPaths,
        }),
      readyz: async () => {
        if (phase !== 'started') return false;
        // The store answers (in time) and its tables exist.
        await withTimeout(store.currentRevision(), READYZ_TIMEOUT_MS);
        return options.readinessCheck ? await options.readinessCheck() : true;
      },
    }),
  );

  const port = await new Promise<number>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 4000, options.host ?? '0.0.0.0', () => resolve((httpServer.address() as AddressInfo).port));
  });
  phase = 'started';
  liveStores.add(store);

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    registry,
    store,
    authenticator,
    get phase() {
      return phase;
    },
    async stop() {
      if (phase === 'stopping' || phase === 'stopped') return;
      phase = 'stopping';
      liveStores.delete(store);
      informer?.stop();
      namespaces.stop();
      priorityClasses.stop();
      serviceProxy.stop();
      await apollo.stop();
      wsServer.close();
      await store.close();
      phase = 'stopped';
    },
  };
}

/** What every cluster has from its first start: system namespaces, the default RBAC policy and the system PriorityClasses (idempotent). */
async function bootstrap(registry: Registry): Promise<void> {
  const objects = [
    ...SYSTEM_NAMESPACES.map((name) => ({ kind: 'Namespace', metadata: { name } }) as KubeObject),
    ...bootstrapPolicy(),
    ...systemPriorityClassObjects(),
  ];
  for (const object of objects) {
    if (await registry.get(object.kind, object.metadata.namespace, object.metadata.name!)) continue;
    try {
      await registry.create(object.kind, object);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === ErrorCode.ALREADY_EXISTS)) throw err;
    }
  }
}

/** Retry-After (seconds) of an UNAVAILABLE answer. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;
/** /readyz answers 503 when the store takes longer than this (a request timeout: wall-clock, not scaled). */
const READYZ_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Request bodies and WebSocket messages larger than this are refused. */
const BODY_LIMIT_BYTES = 3 * 1024 * 1024;

/** The identity of every request when authentication is off. */
const CLUSTER_ADMIN: UserInfo = { username: 'system:admin', uid: '', groups: ['system:masters', 'system:authenticated'] };
