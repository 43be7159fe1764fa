// jsonBodyErrorHandler: body-parser failures answer JSON GraphQL errors, never an HTML
// page with a stack trace.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { jsonBodyErrorHandler } from '../../src/apiserver/hardening/index.ts';

let server: http.Server;
let url: string;
before(async () => {
  const app = express();
  app.use('/graphql', express.json({ limit: '1kb' }), (_req, res) => { res.json({ data: { ok: true } }); });
  app.get('/boom', () => { throw new Error('secret internals'); });
  app.use(jsonBodyErrorHandler());
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string) => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('malformed JSON: 400 with a JSON error, no stack', async () => {
  const res = await post('{ "not a JSON');
  assert.equal(res.status, 400);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json();
  assert.deepEqual(body, { errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
});

test('too large: 413 with a JSON error', async () => {
  const res = await post(JSON.stringify({ query: 'x'.repeat(5000) }));
  assert.equal(res.status, 413);
  assert.equal((await res.json()).errors[0].message, 'The request body is too large');
});

test('anything else: a masked 500', async () => {
  const res = await fetch(`${url}/boom`);
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.doesNotMatch(text, /secret|at /);
});

test('valid requests are untouched', async () => {
  assert.deepEqual(await (await post('{"query":"{ ok }"}')).json(), { data: { ok: true } });
});
