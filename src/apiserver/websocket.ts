// The WebSocket side of the apiserver: graphql-ws with the same authentication,
// authorization and limits as the HTTP path (WebSocket operations bypass Apollo's
// plugins, so each check is wired here again).
//
// The socket adapter is this file's own rather than graphql-ws's `use/ws`, for the watch
// fan-out (one event to many sockets): a frame is written without waiting for the
// kernel to take the one before (a subscription waits only once its socket holds
// HIGH_WATER bytes: the back-pressure of a client that stops reading), every socket's
// frames of one turn of the event loop go out in one write (the socket is corked until
// setImmediate), and an event's `next` payload, shared by the subscribers of one
// execution, is encoded once and spliced after each subscription's id.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  GraphQLError,
  getOperationAST,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode, MessageType, handleProtocols, makeServer, parseMessage, type SubscribePayload } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import type { Access } from './access.ts';
import type { Authenticator, UserInfo } from './authn/index.ts';
import { completeLogger, type PartialLogger } from '../observability/index.ts';
import { formatError } from './errors.ts';
import { createContext } from './graphql/context.ts';
import { DocumentCache } from './graphql/document-cache.ts';
import { createSharedSubscribe, type SharedSubscribeOptions } from './graphql/shared-execution.ts';
import { checkOperationLimits, checkVariables, rateLimitCharge, tooManyRequests, type QueryLimits, type RateLimiter } from './hardening/index.ts';
import type { AdmitHook, Registry } from './registry/index.ts';
import { RequestRecord, finishRequest } from './request-log.ts';

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
  log: PartialLogger;
  /** Options of the shared execution of watch events (tests count executions). */
  sharedExecution?: SharedSubscribeOptions;
}

/** Messages a graphql-ws client may send. */
const CLIENT_MESSAGES = new Set<string>([MessageType.ConnectionInit, MessageType.Ping, MessageType.Pong, MessageType.Subscribe, MessageType.Complete]);

type Extra = { socket: WebSocket; request: IncomingMessage; requestId?: string; who?: RequestScope; expiry?: NodeJS.Timeout };

/** Bytes a socket may hold unsent before its subscriptions wait for it (a client that stops reading). */
export const HIGH_WATER = 64 * 1024;
/** How often a socket is pinged; one that has not answered by the next ping is dropped. Transport time, not cluster time: not scaled. */
const KEEP_ALIVE_MS = 12_000;

export function serveWebSocket(wsServer: WebSocketServer, options: WebSocketOptions): { dispose(): void | Promise<void> } {
  const o = { ...options, log: completeLogger(options.log) };
  const documents = new DocumentCache(o.schema, o.limits, o.limitRules);
  const server = makeServer<Record<string, unknown>, Extra>({
    schema: o.schema,
    subscribe: createSharedSubscribe(o.sharedExecution),
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
          // Wall-clock time, like the token's `exp`: not scaled by --time-scale.
          extra.expiry = setTimeout(() => ctx.extra.socket.close(4401, 'Unauthorized: token expired'), Math.max(0, expiresAt.getTime() - Date.now()));
          extra.expiry.unref();
        }
        return true;
      } catch {
        return false; // graphql-ws closes with 4403 Forbidden
      }
    },
    onSubscribe: (ctx, id, payload) => {
      // Each subscription is logged and counted once, as it is accepted or refused.
      const extra = ctx.extra as Extra;
      const record = new RequestRecord(extra.requestId!, 'websocket', id);
      record.user = extra.who?.user.username;
      record.operationName = payload.operationName ?? undefined;
      const result = subscribe(extra, payload, record, Object.keys(ctx.subscriptions).length);
      if (Array.isArray(result)) record.errors = result.map((e) => formatError(e.toJSON(), e, extra.requestId));
      finishRequest(record, o.log, Array.isArray(result) ? 400 : 200);
      return result;
    },
    onClose: (ctx) => clearTimeout((ctx.extra as Extra).expiry),
    onError: (ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e, (ctx.extra as Extra).requestId, o.log)),
    onNext: (ctx, _id, _payload, _args, result) =>
      result.errors
        ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, (ctx.extra as Extra).requestId, o.log)) }
        : (encoded(result) as unknown as FormattedExecutionResult),
  });

  /** The checks of one subscribe message: its execution arguments, or the errors that refuse it. */
  function subscribe(extra: Extra, payload: SubscribePayload, record: RequestRecord, open: number): ExecutionArgs | readonly GraphQLError[] {
    const who = extra.who!;
    const admission = o.limiter?.admit(who.user); // by priority level, as on HTTP
    if (admission && !admission.allowed) return [tooManyRequests(admission.retryAfterMs)];
    if (open > o.maxSubscriptions) {
      return [
        new GraphQLError(`too many subscriptions on one connection (at most ${o.maxSubscriptions})`, { extensions: { code: ErrorCode.TOO_MANY_REQUESTS } }),
      ];
    }
    let checked: ReturnType<typeof documents.get>;
    try {
      checkVariables(payload.variables);
      checked = documents.get(payload.query);
    } catch (err) {
      return [err instanceof ApiError ? new GraphQLError(err.message, { extensions: { code: err.code, causes: err.causes } }) : (err as GraphQLError)];
    }
    const { document, errors } = checked;
    record.resolved(getOperationAST(document, payload.operationName), payload.operationName);
    if (errors.length) return [...errors];
    const over = checkOperationLimits(o.schema, document, payload.operationName, payload.variables, o.limits);
    if (over.length) return over;
    return {
      schema: o.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: createContext(o.registry, who.access, who.admit, extra.requestId, o.authenticator, rateLimitCharge(o.limiter, who.user)),
    };
  }

  wsServer.options.handleProtocols = handleProtocols;
  wsServer.once('error', (err) => {
    o.log.error('WebSocket server error', { error: String(err) });
    for (const client of wsServer.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });
  const corked = new Corked();
  wsServer.on('connection', (socket, request) => {
    socket.once('error', (err) => {
      o.log.error('WebSocket error', { error: String(err) });
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    let pongWait: NodeJS.Timeout | undefined;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
      socket.once('pong', () => {
        clearTimeout(pongWait);
        pongWait = undefined;
      });
      socket.ping();
    }, KEEP_ALIVE_MS);
    const tcp = request.socket as Socket;
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          const raw = takeRaw();
          if (socket.readyState !== socket.OPEN) return;
          if (raw !== undefined) data = splice(data, raw);
          corked.add(tcp);
          if (socket.bufferedAmount < HIGH_WATER) return void socket.send(data);
          // A slow reader: this subscription waits until the kernel has taken its frames
          // (and its watch's queue grows until the hub ends it with EXPIRED).
          return new Promise<void>((resolve, reject) => socket.send(data, (err) => (err ? reject(err) : resolve())));
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (deliver) =>
          socket.on('message', async (event) => {
            const data = String(event);
            // graphql-ws would answer a malformed or server-only message (e.g. a client
            // sending `next`) with 4500 Internal Server Error; the protocol's answer is 4400.
            try {
              const message = parseMessage(data);
              if (!CLIENT_MESSAGES.has(message.type)) throw new Error(`a client may not send ${message.type}`);
            } catch (err) {
              socket.close(CloseCode.BadRequest, (err as Error).message.slice(0, 120));
              return;
            }
            try {
              await deliver(data);
            } catch (err) {
              o.log.error('WebSocket message handling failed', { error: String(err) });
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearTimeout(pongWait);
      clearInterval(keepAlive);
      void closed(code, String(reason));
    });
  });
  return {
    dispose: async () => {
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/**
 * Sockets written to in this turn of the event loop stay corked until setImmediate: a
 * subscriber that gets several events in one turn (a burst, a group commit, a busy
 * server) gets them in one write, not one `writev` per frame.
 */
class Corked {
  private readonly sockets = new Set<Socket>();
  private scheduled = false;
  private readonly flush = () => {
    this.scheduled = false;
    for (const s of this.sockets) s.uncork();
    this.sockets.clear();
  };

  add(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    socket.cork();
    this.sockets.add(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }
}

// The `next` payload of a result, encoded once for every subscriber that shares it.
// graphql-ws stringifies `{ id, type, payload }` per subscriber and hands the string to
// the adapter's send() in the same synchronous step: the payload stands in as a token
// (its toJSON notes the encoded payload), and send() puts the encoding in its place —
// at the very end of the frame, where the payload is, so an id cannot imitate it.
const RAW_TOKEN = '\u0000kubeql-encoded-payload';
const RAW_TAIL = `"payload":${JSON.stringify(RAW_TOKEN)}}`;
let pendingRaw: string | undefined;

class EncodedPayload {
  constructor(private readonly json: string) {}
  toJSON(): string {
    pendingRaw = this.json;
    return RAW_TOKEN;
  }
}

const encodings = new WeakMap<ExecutionResult, EncodedPayload>();

function encoded(result: ExecutionResult): EncodedPayload {
  let payload = encodings.get(result);
  if (!payload) encodings.set(result, (payload = new EncodedPayload(JSON.stringify(result))));
  return payload;
}

function takeRaw(): string | undefined {
  const raw = pendingRaw;
  pendingRaw = undefined;
  return raw;
}

function splice(frame: string, raw: string): string {
  if (!frame.endsWith(RAW_TAIL)) throw new Error('an encoded payload without its frame');
  return `${frame.slice(0, frame.length - RAW_TAIL.length)}"payload":${raw}}`;
}
