// The JSON request body of the HTTP path, read without a framework: what body-parser's
// `json({ limit })` did for express (same limit, same strictness, same statuses), and the
// typed JSON error a client gets when its body cannot be read — never an HTML page with a
// stack trace:
//   const body = await readJsonBody(req, limit);   // throws BodyError (4xx)
//   …catch (err) { jsonBodyErrorHandler()(err, res); }
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** A request body that cannot be read: its HTTP status and the body-parser error type it replaces. */
export class BodyError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** Whether the request's content type is `application/json` (parameters ignored), the only type body-parser's json() parsed. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(';');
  const essence = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return essence === 'application/json';
}

/**
 * The request body for Apollo: the parsed JSON when the request has a body and its content
 * type is `application/json`; undefined otherwise (Apollo then refuses a POST, and its CSRF
 * prevention sees the content type itself). As body-parser's json() with `strict` (the
 * top level must be an object or an array; an empty body is `{}`), inflating gzip, deflate,
 * br (and zstd where Node has it), any `utf-*` charset. Throws BodyError: 413 over `limit`
 * bytes (decoded), 415 for another encoding or charset, 400 for anything not JSON.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const headers = req.headers;
  // No body at all (type-is' hasBody): nothing to parse.
  if (headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || Number.isNaN(Number(headers['content-length']))))
    return undefined;
  if (!isJsonContentType(headers['content-type'])) return undefined;
  const charset = charsetOf(headers['content-type']!) ?? 'utf-8';
  if (!charset.startsWith('utf-')) throw await dumped(req, new BodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`));
  const encoding = (headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Readable = req;
  if (encoding !== 'identity') {
    const inflate = decompressor(encoding);
    if (!inflate) throw await dumped(req, new BodyError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`));
    stream = inflate;
    req.pipe(inflate);
  } else if (Number(headers['content-length']) > limit) {
    throw await dumped(req, new BodyError(413, 'entity.too.large', 'request entity too large'));
  }
  const bytes = await readLimited(req, stream, limit);
  return parseStrict(decode(bytes, charset));
}

/** Answers a body error as a typed GraphQL JSON error (4xx); anything else as a masked 500. */
export function jsonBodyErrorHandler(): (err: unknown, res: ServerResponse) => void {
  return (err, res) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!(err instanceof BodyError)) {
      sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      return;
    }
    const message =
      err.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON'
        : err.type === 'entity.too.large'
          ? 'The request body is too large'
          : err.type === 'encoding.unsupported' || err.type === 'charset.unsupported'
            ? 'Unsupported request body encoding'
            : 'Bad request';
    sendJson(res, err.status, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The `charset` parameter of a content type, lower-cased. */
function charsetOf(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const value = m ? (m[1] ?? m[2]) : undefined;
  return value ? value.toLowerCase() : undefined;
}

function decompressor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd': {
      const create = (zlib as unknown as { createZstdDecompress?: () => zlib.Gunzip }).createZstdDecompress;
      return create?.();
    }
  }
  return undefined;
}

/** Reads the rest of the request off (as body-parser did before answering), then gives back the error. */
function dumped(req: IncomingMessage, err: BodyError): Promise<BodyError> {
  return new Promise((resolve) => {
    if (req.complete || req.destroyed) {
      resolve(err);
      return;
    }
    const done = () => resolve(err);
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
    req.resume();
  });
}

/** The (decoded) bytes of `stream`, at most `limit` of them (else 413). */
function readLimited(req: IncomingMessage, stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      req.off('aborted', onAborted);
      req.off('error', onError);
      if (stream !== req) {
        req.unpipe(stream as unknown as NodeJS.WritableStream);
        stream.on('error', () => {});
        stream.destroy();
      }
    };
    const fail = (err: BodyError) => {
      if (settled) return;
      settled = true;
      cleanup();
      void dumped(req, err).then(reject);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        fail(new BodyError(413, 'entity.too.large', 'request entity too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      cleanup();
      if (stream !== req) req.resume(); // the request may still hold bytes the decompressor did not need
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onError = () => fail(new BodyError(400, 'stream.error', 'the request body could not be read'));
    const onAborted = () => fail(new BodyError(400, 'request.aborted', 'request aborted'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    req.on('aborted', onAborted);
    if (stream !== req) req.on('error', onError);
  });
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

function decode(bytes: Buffer, charset: string): string {
  if (charset === 'utf-8') {
    const bom = bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
    return bytes.toString('utf8', bom ? 3 : 0);
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset); // utf-16, utf-16le, utf-16be; the BOM is dropped
  } catch {
    throw new BodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`);
  }
  return decoder.decode(bytes);
}

/** JSON.parse with body-parser's `strict`: an empty body is `{}`, and the top level must be an object or an array. */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  const first = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new BodyError(400, 'entity.parse.failed', 'the request body must be a JSON object or array');
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'entity.parse.failed', 'the request body is not valid JSON');
  }
}
