// The GraphQL IDE: GET /graphql from a browser answers the page built into ide/dist
// (scripts/build-ide.js), its assets under /ide/. Every asset is kubeql's own, and the
// Content-Security-Policy names no other host, so the page works without internet and
// cannot be made to talk to anyone but this apiserver.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const IDE_DIR = fileURLToPath(new URL('../../ide/dist/', import.meta.url));
/** Where the page's assets are served. */
export const IDE_PREFIX = '/ide/';

// Monaco injects <style> elements (so 'unsafe-inline' styles) and runs its language
// services in workers loaded from this origin; fonts are inlined (data:).
export const IDE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><title>kubeql</title><p>The GraphQL IDE is not built: run <code>npm run build:ide</code> (npm install does it).</p>`;

/** Whether a GET /graphql is a browser asking for a page (not a GraphQL-over-GET request). */
export function wantsIde(req: IncomingMessage, search: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (new URLSearchParams(search).has('query')) return false;
  return (req.headers.accept ?? '').includes('text/html');
}

const files = new Map<string, Buffer | null>();

/** The file of the built IDE, read once (null: absent). */
function asset(name: string): Buffer | null {
  let body = files.get(name);
  if (body === undefined) {
    try {
      body = readFileSync(path.join(IDE_DIR, name));
    } catch {
      body = null;
    }
    files.set(name, body);
  }
  return body;
}

export function serveIdePage(res: ServerResponse): void {
  const page = asset('index.html');
  send(res, page ? 200 : 503, TYPES['.html'], page ?? Buffer.from(NOT_BUILT), 'no-cache');
}

/** GET /ide/<file>: an asset of the built IDE, or 404. */
export function serveIdeAsset(res: ServerResponse, pathname: string): void {
  const name = pathname.slice(IDE_PREFIX.length);
  const type = TYPES[path.extname(name)];
  const body = type && /^[\w.-]+$/.test(name) ? asset(name) : null;
  if (!body) return send(res, 404, 'text/plain; charset=utf-8', Buffer.from('not found'), 'no-store');
  send(res, 200, type, body, 'public, max-age=300');
}

function send(res: ServerResponse, status: number, type: string, body: Buffer, cache: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': cache,
    'content-security-policy': IDE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
