// The SDK's connection to an apiserver: queries and mutations over GraphQL-over-HTTP,
// subscriptions over graphql-ws, both with the caller's bearer token. Typed by the
// generated TypedDocumentNodes (src/client/generated). Errors come back as ApiError with
// the API's code (API.md "Errors"); 429 and 503 are retried after their Retry-After, as
// client-go does; a closed WebSocket ends its subscriptions with an error and the next
// subscribe reconnects — resuming a watch is the informer's job, since only it knows
// where it was.
import http from 'node:http';
import https from 'node:https';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { realClock, type Clock } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode, type Cause } from '../apimachinery/errors.ts';

export interface TransportOptions {
  /** The apiserver's GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  server: string;
  /** A bearer token, or a function giving the current one (read at each request and connection). */
  token?: string | (() => string | undefined);
  clock?: Clock;
  /** Times a 429 / 503 answer is retried before its error is thrown. @default 5 */
  maxRetries?: number;
}

export interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

const printed = new WeakMap<DocumentNode, string>();
const source = (doc: DocumentNode): string => {
  let text = printed.get(doc);
  if (text === undefined) printed.set(doc, (text = print(doc)));
  return text;
};

/** The first GraphQL error of an answer, as the API's typed error. */
/** A GraphQL error as it comes over the wire. */
export interface GraphQLErrorJson {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export function toApiError(errors: readonly { message: string; extensions?: Record<string, unknown> }[]): ApiError {
  const [first] = errors;
  const code = String(first?.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
  const causes = Array.isArray(first?.extensions?.causes) ? (first.extensions.causes as Cause[]) : [];
  // A code this SDK does not know (a newer server's) is passed on as it came.
  return new ApiError(code as ErrorCode, first?.message ?? 'unknown error', causes);
}

const RETRIABLE = new Set<string>([ErrorCode.TOO_MANY_REQUESTS, ErrorCode.UNAVAILABLE]);

export class Transport {
  readonly server: string;
  private readonly clock: Clock;
  private readonly maxRetries: number;
  private ws?: WsClient;
  private closed = false;
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(private readonly options: TransportOptions) {
    this.server = options.server;
    this.url = new URL(options.server);
    this.agent = new (this.url.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 256 });
    this.clock = options.clock ?? realClock();
    this.maxRetries = options.maxRetries ?? 5;
  }

  private token(): string | undefined {
    const t = this.options.token;
    return typeof t === 'function' ? t() : t;
  }

  /** A query or mutation over HTTP; throws ApiError. */
  async request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R> {
    return (await this.send(document, variables, false)).data;
  }

  /**
   * A query or mutation whose answer may hold data and errors side by side (a bulk
   * operation: one error per failed item, at its path). Throws ApiError only when the
   * whole request failed (no data).
   */
  async requestPartial<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables?: V,
  ): Promise<{ data: R; errors: readonly GraphQLErrorJson[] }> {
    return this.send(document, variables, true);
  }

  private async send<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables: V | undefined,
    partial: boolean,
  ): Promise<{ data: R; errors: readonly GraphQLErrorJson[] }> {
    const body = JSON.stringify({ query: source(document), variables: variables ?? {} });
    for (let attempt = 0; ; attempt++) {
      const token = this.token();
      let response: { status: number; retryAfter?: string; text: string };
      try {
        response = await this.post(body, token);
      } catch (err) {
        throw new ApiError(ErrorCode.UNAVAILABLE, `cannot reach the apiserver at ${this.server}: ${(err as Error).message}`);
      }
      let parsed: { data?: R | null; errors?: GraphQLErrorJson[] } | undefined;
      try {
        parsed = JSON.parse(response.text);
      } catch {
        parsed = undefined;
      }
      if (partial && parsed?.data) return { data: parsed.data, errors: parsed.errors ?? [] };
      if (parsed?.errors?.length) {
        const error = toApiError(parsed.errors);
        if (RETRIABLE.has(error.code) && attempt < this.maxRetries) {
          const retryAfter = Number(response.retryAfter ?? 1);
          await this.clock.sleep(Math.max(0.05, Math.min(retryAfter, 10)) * 1000 * (0.5 + Math.random() / 2));
          continue;
        }
        throw error;
      }
      if (!parsed?.data) throw new ApiError(ErrorCode.INTERNAL_SERVER_ERROR, `the apiserver answered HTTP ${response.status} without data`);
      return { data: parsed.data, errors: [] };
    }
  }

  /**
   * One POST over a keep-alive connection pool. node:http rather than fetch: a component
   * sends thousands of small requests a second, and fetch's per-request machinery costs
   * several times the CPU (measured in bench:scheduler).
   */
  private post(body: string, token: string | undefined): Promise<{ status: number; retryAfter?: string; text: string }> {
    const url = this.url;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            'content-length': Buffer.byteLength(body),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: res.headers['retry-after'] as string | undefined,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A subscription over graphql-ws; returns a function that ends it. */
  subscribe<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V, sink: Sink<R>): () => void {
    if (this.closed) throw new Error('the transport is closed');
    this.ws ??= createClient({
      url: this.server.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 1_000,
      retryAttempts: 0, // a lost socket ends its subscriptions; their owners resume from where they were
      connectionParams: () => {
        const token = this.token();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
    return this.ws.subscribe<R>(
      { query: source(document), variables },
      {
        next: (result) => {
          if (result.errors?.length) sink.error(toApiError(result.errors as never));
          else if (result.data) sink.next(result.data);
        },
        error: (err) =>
          sink.error(
            Array.isArray(err)
              ? toApiError(err)
              : err instanceof Error
                ? err
                : new ApiError(
                    ErrorCode.UNAVAILABLE,
                    `the watch connection closed${(err as { code?: number })?.code ? ` (${(err as { code: number }).code}${(err as { reason?: string }).reason ? ` ${(err as { reason: string }).reason}` : ''})` : ''}`,
                  ),
          ),
        complete: () => sink.complete(),
      },
    );
  }

  /** Closes the WebSocket (its subscriptions end). */
  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
    await this.ws?.dispose();
  }

  /** Drops the WebSocket as a network failure would (its subscriptions end with an error); the next subscribe reconnects. For tests and for a token change. */
  async reconnect(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    await ws?.dispose();
  }
}
