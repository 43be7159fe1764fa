// A real apiserver on a fresh database, and clients for it over HTTP and WebSocket.
import 'reflect-metadata';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../src/apiserver/index.ts';
import { createTestDatabase } from './database.ts';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; causes?: { field: string; message: string }[]; [k: string]: unknown } }[];
}

export interface TestServer {
  server: ApiServer;
  url: string;
  wsUrl: string;
  /** POST a GraphQL operation; returns the parsed body (errors are not thrown). */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Like gql, but throws when the response has errors. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  ws(): Client;
  stop(): Promise<void>;
}

export async function gqlAt<T>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  try {
    return JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 200)}`);
  }
}

export function wsClient(wsUrl: string): Client {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

export async function startTestServer(options: ApiServerOptions = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const server = await startApiServer({ port: 0, host: '127.0.0.1', logger: { error: () => undefined }, ...options, store: { compactIntervalMs: 0, ...db.options, ...options.store } });
  const clients: Client[] = [];
  const t: TestServer = {
    server,
    url: server.url,
    wsUrl: server.url.replace('http', 'ws'),
    gql: (query, variables, headers) => gqlAt(server.url, query, variables, headers),
    async ok(query, variables) {
      const res = await t.gql(query, variables);
      if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
      return res.data as never;
    },
    ws() {
      const c = wsClient(t.wsUrl);
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.stop();
      await db.drop();
    },
  };
  return t;
}

/** The next `n` results of a subscription, or its error. */
export async function nextResults<T>(iterator: AsyncIterator<T>, n: number, timeoutMs = 20_000): Promise<T[]> {
  const out: T[] = [];
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${n} results (got ${out.length})`)), timeoutMs).unref());
  while (out.length < n) {
    const r = await Promise.race([iterator.next(), timer]);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}
