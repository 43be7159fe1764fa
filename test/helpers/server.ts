// A real apiserver on a fresh database, and clients for it over HTTP and WebSocket.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  /** A cluster-admin (system:masters) token, used by gql/ok/ws unless told otherwise. */
  adminToken: string;
  adminHeaders: Record<string, string>;
  /** Mints a token for any identity with the cluster key. */
  token(username: string, groups?: string[]): Promise<string>;
  /** POST a GraphQL operation; returns the parsed body (errors are not thrown). */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Like gql, but throws when the response has errors. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A graphql-ws client; `token` null connects without credentials. */
  ws(token?: string | null): Client;
  stop(): Promise<void>;
}

export async function gqlAt<T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  try {
    return JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 200)}`);
  }
}

export function wsClient(wsUrl: string, token?: string | null): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** A real apiserver with authentication and RBAC on (a fresh signing key per server). */
export async function startTestServer(options: ApiServerOptions = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const keyDir = mkdtempSync(path.join(tmpdir(), 'kubeql-key-'));
  const server = await startApiServer({
    port: 0,
    host: '127.0.0.1',
    logger: { error: () => undefined },
    auth: { signingKeyFile: path.join(keyDir, 'signing-key.jwk') },
    ...options,
    store: { compactIntervalMs: 0, ...db.options, ...options.store },
  });
  const clients: Client[] = [];
  const mint = (username: string, groups: string[] = []) => (server.authenticator ? server.authenticator.mint({ username, groups }) : Promise.resolve(''));
  const adminToken = await mint('admin', ['system:masters']);
  const adminHeaders: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  const t: TestServer = {
    server,
    url: server.url,
    wsUrl: server.url.replace('http', 'ws'),
    adminToken,
    adminHeaders,
    token: mint,
    gql: (query, variables, headers) => gqlAt(server.url, query, variables, { ...adminHeaders, ...headers }),
    async ok(query, variables) {
      const res = await t.gql(query, variables);
      if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
      return res.data as never;
    },
    ws(token) {
      const c = wsClient(t.wsUrl, token === undefined ? adminToken : token);
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.stop();
      await db.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The next `n` results of a subscription, or its error. */
export async function nextResults<T>(iterator: AsyncIterator<T>, n: number, timeoutMs = 20_000): Promise<T[]> {
  const out: T[] = [];
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`timed out waiting for ${n} results (got ${out.length})`)), timeoutMs).unref(),
  );
  while (out.length < n) {
    const r = await Promise.race([iterator.next(), timer]);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}
