// Structured request logs: one JSON line per request, with its request id (the caller's
// X-Request-Id or a new one, answered back), user, operation, kind, status, duration and
// error code — in process through pino, and on the stdout of a real `kubeql up`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/observability/index.ts';
import { createPostgresDatabase, onPostgres } from '../helpers/database.ts';
import { BARE_APISERVER, mintToken, spawnKubeql } from '../helpers/process.ts';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

type Line = Record<string, unknown>;
const lines: Line[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
    done();
  },
});

let t: TestServer;
before(async () => (t = await startTestServer({ logger: createLogger({ destination: sink, format: 'json', level: 'info' }) })));
after(() => t.stop());

const post = (query: string, headers: Record<string, string> = {}) =>
  fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...t.adminHeaders, ...headers }, body: JSON.stringify({ query }) });
const requestLines = (id: string) => lines.filter((l) => l.msg === 'request' && l.requestId === id);

async function lineFor(id: string): Promise<Line> {
  for (let i = 0; i < 50 && !requestLines(id).length; i++) await new Promise((r) => setTimeout(r, 20));
  const found = requestLines(id);
  assert.equal(found.length, 1, `one line for request ${id}: ${JSON.stringify(found)}`);
  return found[0]!;
}

test('a request is logged once, with the X-Request-Id it came with, its user, operation, kind, status and duration', async () => {
  const res = await post('query ListPods { pods(namespace: "default") { items { metadata { name } } } }', { 'x-request-id': 'req-list-1' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-request-id'), 'req-list-1');
  await res.text();
  const line = await lineFor('req-list-1');
  assert.equal(line.level, 'info');
  assert.equal(typeof line.time, 'string');
  assert.equal(line.user, 'admin');
  assert.equal(line.operation, 'query');
  assert.equal(line.operationName, 'ListPods');
  assert.equal(line.kind, 'Pod');
  assert.deepEqual(line.fields, ['pods']);
  assert.equal(line.status, 200);
  assert.equal(line.transport, 'http');
  assert.equal(typeof line.durationMs, 'number');
  assert.equal(line.code, undefined);
});

test('without an X-Request-Id the apiserver makes one, answers it and logs it', async () => {
  const res = await post('{ whoami { username } }');
  const id = res.headers.get('x-request-id');
  await res.text();
  assert.match(id ?? '', /^[0-9a-f-]{36}$/);
  await lineFor(id!);
});

test('errors are logged with their code: FORBIDDEN, UNAUTHENTICATED, a validation failure', async () => {
  const bob = await t.token('bob');
  await (await post('{ nodes { items { metadata { name } } } }', { authorization: `Bearer ${bob}`, 'x-request-id': 'req-forbidden' })).text();
  const forbidden = await lineFor('req-forbidden');
  assert.equal(forbidden.code, 'FORBIDDEN');
  assert.equal(forbidden.user, 'bob');
  assert.equal(forbidden.kind, 'Node');

  await (await post('{ whoami { username } }', { authorization: 'Bearer nope', 'x-request-id': 'req-401' })).text();
  const unauthenticated = await lineFor('req-401');
  assert.equal(unauthenticated.status, 401);
  assert.equal(unauthenticated.code, 'UNAUTHENTICATED');

  await (await post('{ noSuchField }', { 'x-request-id': 'req-invalid' })).text();
  assert.equal((await lineFor('req-invalid')).code, 'GRAPHQL_VALIDATION_FAILED');
});

test("a subscription is logged once when it starts, with the socket's request id", async () => {
  const before = lines.length;
  const watch = t.ws().iterate({ query: 'subscription WatchDefault { watchPods(namespace: "default") { type } }' });
  await nextResults(watch, 1);
  await watch.return?.();
  const subscribed = lines.slice(before).filter((l) => l.msg === 'request' && l.transport === 'websocket');
  assert.equal(subscribed.length, 1);
  assert.equal(subscribed[0]!.operationName, 'WatchDefault');
  assert.equal(subscribed[0]!.operation, 'subscription');
  assert.equal(subscribed[0]!.kind, 'Pod');
  assert.match(String(subscribed[0]!.requestId), /^[0-9a-f-]{36}$/);
});

test('the level: below it nothing is written', async () => {
  const seen: string[] = [];
  const quiet = createLogger({ format: 'json', level: 'warn', destination: new Writable({ write: (c, _e, done) => (seen.push(String(c)), done()) }) });
  quiet.info('request', { requestId: 'x' });
  quiet.warn('slow', { requestId: 'y' });
  assert.equal(seen.length, 1);
  assert.equal(JSON.parse(seen[0]!).level, 'warn');
  assert.throws(() => createLogger({ level: 'loud' }), /unknown log level/);
});

test('kubeql up logs JSON lines on stdout (not a terminal), one per request, at KUBEQL_LOG_LEVEL', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-log-'));
  const db = onPostgres ? await createPostgresDatabase() : undefined;
  const kubeql = await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--data-dir', dataDir], {
    DATABASE_URL: db?.url ?? '',
    KUBEQL_LOG_LEVEL: 'info',
    ...BARE_APISERVER,
  });
  try {
    const token = mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir]);
    const res = await fetch(kubeql.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'from-the-proxy' },
      body: '{"query":"{ whoami { username } }"}',
    });
    assert.equal(res.status, 200);
    await res.text();
    let line: Line | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      line = kubeql
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Line)
        .find((l) => l.requestId === 'from-the-proxy');
      if (!line) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(line, kubeql.output());
    assert.equal(line.msg, 'request');
    assert.equal(line.user, 'admin');
    assert.deepEqual(line.fields, ['whoami']);
  } finally {
    await kubeql.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
