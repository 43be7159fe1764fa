// The apiserver's HTTP requests, on Node's http server without a framework:
//   GET|HEAD /healthz   200 "ok"
//   GET|HEAD /readyz    200 "ok", or 503 "not ready" (readyz() false or throwing)
//   GET|HEAD /metrics   Prometheus text format, for callers allowed `get` on /metrics (metrics/endpoint.ts)
//   GET /graphql        from a browser (Accept: text/html, no ?query=): the GraphQL IDE (ide.ts)
//   GET|HEAD /ide/*     the IDE's assets
//   /graphql            every method to Apollo (GET and POST run; Apollo answers the rest 405),
//                       with the JSON body read by readJsonBody (src/apiserver/hardening/http.ts);
//                       each request has an id (X-Request-Id, taken from the request or made
//                       here), is logged once and counted (request-log.ts)
//   anything else       404
// WebSocket upgrades on /graphql never come here: ws's WebSocketServer({ server, path })
// takes them from the server's 'upgrade' event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/index.ts';
import { describe } from './errors.ts';
import { jsonBodyErrorHandler, readJsonBody } from './hardening/http.ts';
import { IDE_PREFIX, serveIdeAsset, serveIdePage, wantsIde } from './ide.ts';
import { METRICS_PATH } from './metrics/endpoint.ts';
import { RequestRecord, finishRequest } from './request-log.ts';

export interface HttpHandlerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** The GraphQL context of a request (may throw a GraphQLError, which Apollo answers); `record` is its request record. */
  context: (req: IncomingMessage, record: RequestRecord) => Promise<TContext>;
  /** GET /metrics. */
  metrics: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Whether the apiserver is ready to serve (/readyz). */
  readyz: () => Promise<boolean>;
  /** Request bodies larger than this (decoded) are refused with 413. */
  bodyLimit: number;
  log: Logger;
}

export function createHttpHandler<TContext extends BaseContext>(options: HttpHandlerOptions<TContext>): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, context, readyz, bodyLimit, log, metrics } = options;
  apollo.assertStarted('createHttpHandler()');
  const bodyError = jsonBodyErrorHandler();

  async function graphql(req: IncomingMessage, res: ServerResponse, search: string): Promise<void> {
    // A request id: the caller's (a proxy's) X-Request-Id, else a new one; answered back.
    const given = req.headers['x-request-id'];
    const record = new RequestRecord(typeof given === 'string' && given && given.length <= 200 ? given : randomUUID(), 'http');
    res.setHeader('x-request-id', record.id);
    res.once('close', () => finishRequest(record, log, res.statusCode));
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
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context(req, record) });
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
    try {
      ok = await readyz();
    } catch {
      ok = false;
    }
    text(res, ok ? 200 : 503, ok ? 'ok' : 'not ready');
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    let done: Promise<void> | undefined;
    const search = q === -1 ? '' : url.slice(q);
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/graphql') {
      if (wantsIde(req, search)) serveIdePage(res);
      else done = graphql(req, res, search);
    } else if (get && path.startsWith(IDE_PREFIX)) {
      serveIdeAsset(res, path);
    } else if (get && path === METRICS_PATH) {
      done = metrics(req, res);
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
