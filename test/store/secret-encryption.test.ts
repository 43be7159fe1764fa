// Secrets are encrypted at rest (src/store/encryption.ts): no row of kubeql_resource or
// kubeql_change holds a Secret's data, in plaintext or base64, while every read path of the
// store gets it back; other kinds are stored as they are. On a real database (PGlite, or
// PostgreSQL with DATABASE_URL).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { parseFieldSelector } from '../../src/apimachinery/fields.ts';
import { parseLabelSelector } from '../../src/apimachinery/labels.ts';
import { SecretEncryption, keyIdOf, parseKey } from '../../src/store/encryption.ts';
import { SqlStore, type ObjectKey, type WatchEvent } from '../../src/store/index.ts';
import { createPostgresDatabase, onPostgres, openTestStore } from '../helpers/database.ts';

const PLAIN = 's3cr3t-value';
const B64 = Buffer.from(PLAIN).toString('base64');
const ANNOTATION = 'annotation-secret-42';

const dir = mkdtempSync(path.join(tmpdir(), 'kubeql-enc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const secretKey = (name: string): ObjectKey => ({ kind: 'Secret', namespace: 'default', name });
function secret(name: string, data: Record<string, string> = { password: B64 }, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default', uid: randomUUID(), creationTimestamp: '2024-01-01T00:00:00Z', labels, annotations: { note: ANNOTATION } },
    data,
    type: 'Opaque',
  } as unknown as KubeObject;
}

/** Every stored text of the database's two tables, as SQL reads it. */
async function rawRows(store: SqlStore): Promise<string> {
  const rows = await store.db.prisma.$queryRawUnsafe<{ t: string }[]>(
    `SELECT object::text || coalesce(prev_object::text, '') AS t FROM kubeql_change UNION ALL SELECT object::text FROM kubeql_resource`,
  );
  return rows.map((r) => r.t).join('\n');
}

function assertNoPlaintext(text: string): void {
  for (const needle of [PLAIN, B64, ANNOTATION]) assert.ok(!text.includes(needle), `the database holds ${needle}`);
}

async function take(iterable: AsyncIterable<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const e of iterable) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

const withoutRv = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

describe('one store', () => {
  let store: SqlStore;
  let close: () => Promise<void>;
  // A window of two changes: a watch from 0 replays from the change log.
  before(async () => ({ store, close } = await openTestStore({ windowSize: 2 })));
  after(() => close());

  test('the rows hold neither the data nor its base64; get, list, select and delete return it', async () => {
    const written = secret('db');
    const created = (await store.create(secretKey('db'), written))!;
    assert.deepEqual(withoutRv(created), withoutRv(written));
    const updated = await store.update(secretKey('db'), secret('db', { password: B64, user: Buffer.from('admin').toString('base64') }));
    assert.ok(updated.ok);
    await store.create({ kind: 'ConfigMap', namespace: 'default', name: 'cm' }, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'default', uid: randomUUID() },
      data: { visible: 'plain-config' },
    } as unknown as KubeObject);

    const raw = await rawRows(store);
    assertNoPlaintext(raw);
    assert.match(raw, /"encrypted": "k8s:enc:aesgcm:v1:[0-9a-f]{16}:/, 'the envelope names its key');
    assert.ok(raw.includes('plain-config'), 'other kinds are stored as they are');
    assert.ok(raw.includes('"app": "web"') && raw.includes('"type": "Opaque"'), 'labels and type stay in clear for SQL');

    const got = (await store.get(secretKey('db')))!;
    assert.equal((got as unknown as { data: Record<string, string> }).data.password, B64);
    assert.equal(got.metadata.annotations?.note, ANNOTATION);
    assert.deepEqual(Object.keys(got), ['apiVersion', 'kind', 'metadata', 'data', 'type']);
    const listed = await store.list({
      kind: 'Secret',
      namespace: 'default',
      labelSelector: parseLabelSelector('app=web'),
      fieldSelector: parseFieldSelector('type=Opaque', ['type']),
    });
    assert.deepEqual(listed.items, [got]);
    assert.deepEqual((await store.list({ kind: 'Secret', labelSelector: parseLabelSelector('app=db') })).items, []);
    assert.deepEqual(await store.select('Secret', { by: 'label', key: 'app', values: ['web'] }), [got]);
    assert.deepEqual(await store.select('Secret', { by: 'key', keys: [{ namespace: 'default', name: 'db' }] }), [got]);

    const stale = await store.update(secretKey('db'), secret('db'), 1);
    assert.ok(!stale.ok && stale.reason === 'conflict');
    assert.deepEqual(stale.current, got, 'a conflict hands back the current object in plaintext');
    const deleted = await store.delete(secretKey('db'));
    assert.ok(deleted.ok);
    assert.equal((deleted.object as unknown as { data: Record<string, string> }).data.password, B64);
    assertNoPlaintext(await rawRows(store));
  });

  test('watch replay from the log, live events and the watch cache see plaintext', async () => {
    const from = await store.currentRevision();
    const live = store.watch({ kind: 'Secret', fromRevision: from });
    await store.create(secretKey('w'), secret('w'));
    await store.update(secretKey('w'), secret('w', { password: B64, more: 'bW9yZQ==' }));
    await store.delete(secretKey('w'));
    const events = await take(live, 3);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    for (const e of events) assert.equal((e.object as unknown as { data: Record<string, string> }).data.password, B64);
    live.close();
    const replay = await take(store.watch({ kind: 'Secret', fromRevision: 0 }), 5);
    assert.ok(replay.length >= 5);
    for (const e of replay) assert.equal((e.object as unknown as { data: Record<string, string> }).data.password, B64, `${e.type} ${e.object.metadata.name}`);
    await store.create(secretKey('cached'), secret('cached'));
    const recent = store.hub.recent(secretKey('cached'));
    assert.equal((recent as unknown as { data: Record<string, string> }).data.password, B64);
    assertNoPlaintext(await rawRows(store));
  });

  test('writeAll seals every Secret it writes; a paged list reads older states from the change log in plaintext', async () => {
    const result = await store.writeAll([
      { verb: 'create', key: secretKey('p1'), object: secret('p1', { password: B64 }, { page: 'yes' }) },
      { verb: 'create', key: secretKey('p2'), object: secret('p2', { password: B64 }, { page: 'yes' }) },
    ]);
    assert.ok(result.ok);
    const first = await store.list({ kind: 'Secret', labelSelector: parseLabelSelector('page=yes'), limit: 1 });
    assert.equal(first.items[0].metadata.name, 'p1');
    await store.update(secretKey('p2'), secret('p2', { password: 'bmV3' }, { page: 'yes' })); // after the first page
    const second = await store.list({ kind: 'Secret', labelSelector: parseLabelSelector('page=yes'), limit: 1, continue: first.continue });
    assert.equal(second.items[0].metadata.name, 'p2');
    assert.equal((second.items[0] as unknown as { data: Record<string, string> }).data.password, B64, 'the state as of the first page, from prev_object');
    assertNoPlaintext(await rawRows(store));
  });

  test('a Secret row written before encryption (plaintext) still reads', async () => {
    await store.create(secretKey('legacy'), secret('legacy'));
    await store.db.prisma.$executeRawUnsafe(
      `UPDATE kubeql_resource SET object = $1::jsonb WHERE kind = 'Secret' AND name = 'legacy'`,
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'legacy', namespace: 'default' }, data: { k: 'bGVnYWN5' } }),
    );
    const got = await store.get(secretKey('legacy'));
    assert.equal((got as unknown as { data: Record<string, string> }).data.k, 'bGVnYWN5');
  });
});

describe('the key', () => {
  test('a key file holds 32 bytes: base64, hex or raw; anything else is refused', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseKey(Buffer.from(`${key.toString('base64')}\n`)), key);
    assert.deepEqual(parseKey(Buffer.from(key.toString('hex'))), key);
    assert.deepEqual(parseKey(key), key);
    assert.match(String(parseKey(Buffer.from(randomBytes(16).toString('base64')))), /16 bytes/);
    assert.match(String(parseKey(Buffer.from('not a key!'))), /32-byte AES-256 key/);
  });

  test('the data directory key is created once, mode 0600, and reused', async () => {
    const file = path.join(dir, 'data', 'encryption-key');
    const [a, b] = await Promise.all([
      SecretEncryption.load({ encryptionKeyFile: file, createEncryptionKey: true }),
      SecretEncryption.load({ encryptionKeyFile: file, createEncryptionKey: true }),
    ]);
    assert.equal(a.keyId, b.keyId, 'two apiservers starting at once end up with one key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(a.keyId, keyIdOf(parseKey(readFileSync(file)) as Buffer));
    assert.equal((await SecretEncryption.load({ encryptionKeyFile: file })).keyId, a.keyId);
  });

  test('a named key file that is missing or malformed is a startup error', async () => {
    await assert.rejects(SqlStore.open({ encryptionKeyFile: path.join(dir, 'nope') }), /encryption key file .*nope does not exist/);
    const bad = path.join(dir, 'bad-key');
    writeFileSync(bad, 'short\n');
    await assert.rejects(SqlStore.open({ encryptionKeyFile: bad }), /encryption key file .*bad-key is invalid/);
  });

  test('an envelope moved to another Secret does not open', () => {
    const enc = SecretEncryption.withKey(randomBytes(32));
    const stored = JSON.parse(enc.seal(secret('a'))) as Record<string, unknown>;
    assert.equal((enc.open(stored) as { data: Record<string, string> }).data.password, B64);
    const moved = { ...stored, metadata: { ...(stored.metadata as object), name: 'b' } };
    assert.throws(() => enc.open(moved), /unable to transform key "secrets\/default\/b": .*does not authenticate/);
    assert.throws(() => SecretEncryption.withKey(randomBytes(32)).open(stored), /encrypted with key "[0-9a-f]{16}", but this apiserver has key/);
  });

  test('a store restarted with the same key file reads its Secrets; with another key it refuses to start', {
    skip: onPostgres && 'PGlite on disk',
  }, async () => {
    const dataDir = path.join(dir, 'pglite');
    const keyFile = path.join(dir, 'restart-key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    const other = path.join(dir, 'other-key');
    writeFileSync(other, randomBytes(32).toString('hex'), { mode: 0o600 });
    let store = await SqlStore.open({ dataDir, encryptionKeyFile: keyFile, compactIntervalMs: 0 });
    await store.create(secretKey('kept'), secret('kept'));
    await store.close();
    await assert.rejects(
      SqlStore.open({ dataDir, encryptionKeyFile: other, compactIntervalMs: 0 }),
      /the Secrets in this database cannot be decrypted: .*encrypted with key "[0-9a-f]{16}", but this apiserver has key "[0-9a-f]{16}" \(the key file .*other-key\); every apiserver of a cluster must be given the same encryption key file/,
    );
    store = await SqlStore.open({ dataDir, encryptionKeyFile: keyFile, compactIntervalMs: 0 });
    try {
      assert.equal(((await store.get(secretKey('kept'))) as unknown as { data: Record<string, string> }).data.password, B64);
    } finally {
      await store.close();
    }
  });
});

describe('two stores on one PostgreSQL database', { skip: !onPostgres && 'needs PostgreSQL (DATABASE_URL)' }, () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const stores: SqlStore[] = [];
  const keyFile = path.join(dir, 'shared-key');
  const otherKey = path.join(dir, 'wrong-key');
  before(async () => {
    db = await createPostgresDatabase();
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    writeFileSync(otherKey, randomBytes(32).toString('base64'));
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db?.drop();
  });
  const open = async (file: string) => {
    const s = await SqlStore.open({ url: db.url, encryptionKeyFile: file, compactIntervalMs: 0, pollIntervalMs: 3_600_000 });
    stores.push(s);
    return s;
  };

  test('with the same key file each reads the other’s Secrets, live (NOTIFY) and stored; a wrong key is refused or fails clearly', async () => {
    const a = await open(keyFile);
    const b = await open(keyFile);
    const wrong = await open(otherKey); // no Secret yet: nothing tells it is wrong
    const from = await a.currentRevision();
    const onB = b.watch({ kind: 'Secret', fromRevision: from });
    const onWrong = wrong.watch({ kind: 'Secret', fromRevision: from });
    const configMapsOnWrong = wrong.watch({ kind: 'ConfigMap', fromRevision: from });
    await a.create(secretKey('shared'), secret('shared'));
    await a.create({ kind: 'ConfigMap', namespace: 'default', name: 'after' }, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'after', namespace: 'default', uid: randomUUID() },
    } as unknown as KubeObject);
    const [event] = await take(onB, 1);
    assert.equal((event.object as unknown as { data: Record<string, string> }).data.password, B64, 'a live event from the other apiserver');
    assert.equal(((await b.get(secretKey('shared'))) as unknown as { data: Record<string, string> }).data.password, B64);
    await b.update(secretKey('shared'), secret('shared', { password: B64, rotated: 'eWVz' }));
    assert.equal(((await a.get(secretKey('shared'))) as unknown as { data: Record<string, string> }).data.rotated, 'eWVz');

    // The one with another key: an error naming both keys, never data; other kinds flow on.
    await assert.rejects(wrong.get(secretKey('shared')), /unable to transform key "secrets\/default\/shared": it was encrypted with key/);
    await assert.rejects(take(onWrong, 1), /unable to transform key "secrets\/default\/shared"/);
    const [cm] = await take(configMapsOnWrong, 1);
    assert.equal(cm.object.metadata.name, 'after');
    // Restarted, it would not start at all.
    await assert.rejects(SqlStore.open({ url: db.url, encryptionKeyFile: otherKey, compactIntervalMs: 0 }), /the Secrets in this database cannot be decrypted/);
  });
});
