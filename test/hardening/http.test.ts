// readJsonBody + jsonBodyErrorHandler: body failures answer JSON GraphQL errors, never an
// HTML page with a stack trace; body-parser's json() behaviour (strict, charset, encodings).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { jsonBodyErrorHandler } from '../../src/apiserver/hardening/index.ts';
import { readJsonBody } from '../../src/apiserver/hardening/http.ts';

let server: http.Server;
let url: string;
before(async () => {
  const onError = jsonBodyErrorHandler();
  server = http.createServer((req, res) => {
    void (async () => {
      if (req.url === '/boom') throw new Error('secret internals');
      const body = await readJsonBody(req, 1024);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body === undefined ? { data: { body: 'none' } } : { data: { body } }));
    })().catch((err: unknown) => onError(err, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${url}/graphql`, { method: 'POST', headers, body: body as BodyInit });
const error = async (res: Response) => {
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return ((await res.json()) as { errors: { message: string }[] }).errors[0]!.message;
};

test('malformed JSON: 400 with a JSON error, no stack', async () => {
  const res = await post('{ "not a JSON');
  assert.equal(res.status, 400);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json();
  assert.deepEqual(body, { errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
});

test('a top-level primitive is refused (strict), an empty body is {}', async () => {
  for (const text of ['"x"', '1', 'null', ' true']) {
    const res = await post(text);
    assert.equal(res.status, 400, text);
    assert.equal(await error(res), 'The request body is not valid JSON');
  }
  assert.deepEqual(await (await post('')).json(), { data: { body: {} } });
  assert.deepEqual(await (await post(' [1] ')).json(), { data: { body: [1] } });
});

test('too large: 413 with a JSON error (declared or streamed, plain or inflated)', async () => {
  const big = JSON.stringify({ query: 'x'.repeat(5000) });
  const res = await post(big);
  assert.equal(res.status, 413);
  assert.deepEqual(await res.json(), { errors: [{ message: 'The request body is too large', extensions: { code: 'BAD_REQUEST' } }] });
  const gz = await post(zlib.gzipSync(big), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(gz.status, 413);
  assert.equal(await error(gz), 'The request body is too large');
});

test('encodings and charsets: inflated, or 415', async () => {
  const gz = await post(zlib.gzipSync('{"a":1}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.deepEqual(await gz.json(), { data: { body: { a: 1 } } });
  const br = await post(zlib.brotliCompressSync('{"a":2}'), { 'content-type': 'application/json', 'content-encoding': 'br' });
  assert.deepEqual(await br.json(), { data: { body: { a: 2 } } });
  const nope = await post('{}', { 'content-type': 'application/json', 'content-encoding': 'x-nope' });
  assert.equal(nope.status, 415);
  assert.equal(await error(nope), 'Unsupported request body encoding');
  const latin1 = await post('{}', { 'content-type': 'application/json; charset=latin1' });
  assert.equal(latin1.status, 415);
  assert.equal(await error(latin1), 'Unsupported request body encoding');
  const utf16 = await post(Buffer.from('{"b":3}', 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' });
  assert.deepEqual(await utf16.json(), { data: { body: { b: 3 } } });
  const corrupt = await post(Buffer.from('not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(corrupt.status, 400);
  assert.equal(await error(corrupt), 'Bad request');
});

test('only application/json is parsed; other types leave the body undefined', async () => {
  for (const type of ['text/plain', 'application/graphql', 'application/json, text/plain']) {
    assert.deepEqual(await (await post('{"a":1}', { 'content-type': type })).json(), { data: { body: 'none' } }, type);
  }
  assert.deepEqual(await (await post('{"a":1}', { 'content-type': 'Application/JSON; charset=UTF-8' })).json(), { data: { body: { a: 1 } } });
});

test('anything else: a masked 500', async () => {
  const res = await fetch(`${url}/boom`);
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.doesNotMatch(text, /secret|at /);
});

test('valid requests are untouched', async () => {
  assert.deepEqual(await (await post('{"query":"{ ok }"}')).json(), { data: { body: { query: '{ ok }' } } });
});
