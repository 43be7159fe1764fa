// The apiserver's HTTP requests, on Node's http server without a framework:
//   GET|HEAD /healthz   200 "ok"
//   GET|HEAD /readyz    200 "ok", or 503 "not ready" (readyz() false or throwing)
//   /graphql            every method to Apollo (GET and POST run; Apollo answers the rest 405),
//                       with the JSON body read by readJsonBody (src/apiserver/hardening/http.ts)
//   anything else       404
// WebSocket upgrades on /graphql never come here: ws's WebSocketServer({ server, path })
// takes them from the server's 'upgrade' event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import { describe, type Logger } from './errors.ts';
import { jsonBodyErrorHandler, readJsonBody } from './hardening/http.ts';

export interface HttpHandlerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** The GraphQL context of a request (may throw a GraphQLError, which Apollo answers). */
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Whether the apiserver is ready to serve (/readyz). */
  readyz: () => Promise<boolean>;
  /** Request bodies larger than this (decoded) are refused with 413. */
  bodyLimit: number;
  log: Logger;
}

export function createHttpHandler<TContext extends BaseContext>(options: HttpHandlerOptions<TContext>): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, context, readyz, bodyLimit, log } = options;
  apollo.assertStarted('createHttpHandler()');
  const bodyError = jsonBodyErrorHandler();

  async function graphql(req: IncomingMessage, res: ServerResponse, search: string): Promise<void> {
    let body: unknown;
    try {
      body = await readJsonBody(req, bodyLimit);
    } catch (err) {
      bodyError(err, res);
      return;
    }
    const headers = new HeaderMap();
    const raw = req.headers;
    for (const key in raw) {
      const value = raw[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method!.toUpperCase(), headers, search, body };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context(req) });
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function ready(res: ServerResponse): Promise<void> {
    let ok = false;
    try { ok = await readyz(); } catch { ok = false; }
    text(res, ok ? 200 : 503, ok ? 'ok' : 'not ready');
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    let done: Promise<void> | undefined;
    if (path === '/graphql') {
      done = graphql(req, res, q === -1 ? '' : url.slice(q));
    } else if ((path === '/healthz' || path === '/readyz') && (req.method === 'GET' || req.method === 'HEAD')) {
      if (path === '/healthz') text(res, 200, 'ok');
      else done = ready(res);
    } else {
      text(res, 404, 'not found');
    }
    done?.catch((err: unknown) => {
      log.error('internal error', { method: req.method, path, error: describe(err) });
      bodyError(err, res); // a masked 500 (or a destroyed socket when the answer had begun)
    });
  };
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
