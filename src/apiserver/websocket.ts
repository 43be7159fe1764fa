// The WebSocket side of the apiserver: graphql-ws with the same authentication,
// authorization and limits as the HTTP path (WebSocket operations bypass Apollo's
// plugins, so each check is wired here again).
import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { MessageType, parseMessage } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import type { Access } from './access.ts';
import type { Authenticator, UserInfo } from './authn/index.ts';
import { formatError, type Logger } from './errors.ts';
import { createContext } from './graphql/context.ts';
import { DocumentCache } from './graphql/document-cache.ts';
import { createSharedSubscribe } from './graphql/shared-execution.ts';
import { checkOperationLimits, checkVariables, tooManyRequests, type QueryLimits, type RateLimiter } from './hardening/index.ts';
import type { AdmitHook, Registry } from './registry/index.ts';

/** Who is calling, what they may do, and the admission checks that need them. */
export interface RequestScope {
  user: UserInfo;
  access: Access;
  admit: AdmitHook;
}

/** Resolves a pending authentication (undefined: authentication is off) to a scope; throws UNAUTHENTICATED. */
export type Identify = (authenticated: Promise<{ user: UserInfo }> | undefined) => Promise<RequestScope>;

export interface WebSocketOptions {
  schema: GraphQLSchema;
  registry: Registry;
  authenticator: Authenticator | undefined;
  identify: Identify;
  limits: QueryLimits;
  limitRules: ValidationRule[];
  limiter: RateLimiter | undefined;
  maxSubscriptions: number;
  log: Logger;
}

/** Messages a graphql-ws client may send. */
const CLIENT_MESSAGES = new Set<string>([MessageType.ConnectionInit, MessageType.Ping, MessageType.Pong, MessageType.Subscribe, MessageType.Complete]);

type Extra = { requestId?: string; who?: RequestScope; expiry?: NodeJS.Timeout };

export function serveWebSocket(wsServer: WebSocketServer, o: WebSocketOptions): { dispose(): void | Promise<void> } {
  guardFrames(wsServer);
  const documents = new DocumentCache(o.schema, o.limits, o.limitRules);
  return useServer<Record<string, unknown>, Extra>({
    schema: o.schema,
    subscribe: createSharedSubscribe(),
    connectionInitWaitTimeout: 10_000,
    onConnect: async (ctx) => {
      const extra = ctx.extra as Extra;
      extra.requestId = randomUUID();
      try {
        const authenticated = o.authenticator?.fromConnectionParams(ctx.connectionParams);
        extra.who = await o.identify(authenticated);
        const expiresAt = (await authenticated)?.expiresAt;
        if (expiresAt) {
          // A subscription never outlives its token: the client reconnects with a fresh one.
          extra.expiry = setTimeout(() => ctx.extra.socket.close(4401, 'Unauthorized: token expired'), Math.max(0, expiresAt.getTime() - Date.now()));
          extra.expiry.unref();
        }
        return true;
      } catch {
        return false; // graphql-ws closes with 4403 Forbidden
      }
    },
    onSubscribe: (ctx, _id, payload) => {
      const extra = ctx.extra as Extra;
      const who = extra.who!;
      const admission = o.limiter?.admit(who.user); // by priority level, as on HTTP
      if (admission && !admission.allowed) return [tooManyRequests(admission.retryAfterMs)];
      if (Object.keys(ctx.subscriptions).length > o.maxSubscriptions) {
        return [new GraphQLError(`too many subscriptions on one connection (at most ${o.maxSubscriptions})`, { extensions: { code: ErrorCode.TOO_MANY_REQUESTS } })];
      }
      let checked;
      try {
        checkVariables(payload.variables);
        checked = documents.get(payload.query);
      } catch (err) {
        return [err instanceof ApiError ? new GraphQLError(err.message, { extensions: { code: err.code, causes: err.causes } }) : err as GraphQLError];
      }
      const { document, errors } = checked;
      if (errors.length) return [...errors];
      const over = checkOperationLimits(o.schema, document, payload.operationName, payload.variables, o.limits);
      if (over.length) return over;
      return {
        schema: o.schema, document, operationName: payload.operationName, variableValues: payload.variables,
        contextValue: createContext(o.registry, who.access, who.admit, extra.requestId, o.authenticator),
      };
    },
    onClose: (ctx) => clearTimeout((ctx.extra as Extra).expiry),
    onError: (ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e, (ctx.extra as Extra).requestId, o.log)),
    onNext: (ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, (ctx.extra as Extra).requestId, o.log)) } : undefined,
  }, wsServer);
}

/**
 * graphql-ws answers a malformed or server-only message (e.g. a client sending `next`)
 * with 4500 Internal Server Error; the protocol's answer is 4400 Bad Request. This
 * connection handler runs before graphql-ws's (it is registered first) and puts a check
 * in front of the message listener graphql-ws is about to add.
 */
function guardFrames(wsServer: WebSocketServer): void {
  wsServer.on('connection', (socket) => {
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'message') return on(event, listener);
      return on('message', (data: unknown, ...rest: unknown[]) => {
        try {
          const message = parseMessage(String(data));
          if (!CLIENT_MESSAGES.has(message.type)) throw new Error(`a client may not send ${message.type}`);
        } catch (err) {
          socket.close(4400, (err as Error).message.slice(0, 120));
          return;
        }
        listener(data, ...rest);
      });
    }) as typeof socket.on;
  });
}
