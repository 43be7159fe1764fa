// Two stores (two apiservers' worth) on one PostgreSQL: when the database drops their
// connections, the LISTEN connection comes back by itself, so a write through one
// store still reaches a watcher on the other at once — not only by the slow poll.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { SqlStore, type WatchEvent } from '../../src/store/index.ts';
import { createPostgresDatabase, onPostgres } from '../helpers/database.ts';
import { podKey, podObject } from '../helpers/objects.ts';

const skip = !onPostgres && 'LISTEN/NOTIFY between processes exists only on PostgreSQL (set DATABASE_URL)';
// The hubs' safety-net poll is one minute: within the test, only NOTIFY (or the catch-up
// after re-listening) can deliver a change written through the other store.
const POLL_MS = 60_000;
/** Far below the poll: a change that arrives within this came by NOTIFY. */
const DELIVERY_MS = 5_000;

let db: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
let a: SqlStore;
let b: SqlStore;

before(async () => {
  if (!onPostgres) return;
  db = await createPostgresDatabase();
  a = await SqlStore.open({ url: db.url, compactIntervalMs: 0, pollIntervalMs: POLL_MS, poolSize: 2 });
  b = await SqlStore.open({ url: db.url, compactIntervalMs: 0, pollIntervalMs: POLL_MS, poolSize: 2 });
});
after(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

/** The watch's next event that is not a BOOKMARK, or a rejection after `ms`. */
async function nextChange(events: AsyncIterator<WatchEvent>, ms: number): Promise<WatchEvent> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
  });
  try {
    for (;;) {
      const r = await Promise.race([events.next(), timeout]);
      assert.ok(!r.done, 'the watch ended');
      if ((r.value.type as string) !== 'BOOKMARK') return r.value; // progress only, if the store sends them
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Terminates every other backend of the database (both stores' pools and LISTEN connections) and waits until they are gone. */
async function terminateBackends(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const pids = rows.map((r) => r.pid);
    for (let i = 0; i < 200; i++) {
      const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
      if (!left.rowCount) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return pids.length;
  } finally {
    await admin.end();
  }
}

test('after its connections are terminated, a store listens again: writes on A reach watchers on B at once', { skip }, async () => {
  const events = b.watch({ kind: 'Pod', fromRevision: await b.currentRevision() })[Symbol.asyncIterator]();
  try {
    // NOTIFY works to begin with.
    const first = (await a.create(podKey('before'), podObject('before')))!;
    const seen = await nextChange(events, DELIVERY_MS);
    assert.equal(seen.object.metadata.name, 'before');
    assert.equal(seen.revision, Number(first.metadata.resourceVersion));

    const terminated = await terminateBackends(db!.url);
    assert.ok(terminated >= 2, `both LISTEN connections were terminated (${terminated} backends)`);
    await new Promise((r) => setTimeout(r, 100)); // the stores' sockets see the end

    // Writes still succeed (the pool opens new connections)…
    const during = await a.create(podKey('after-1'), podObject('after-1'));
    assert.ok(during, 'a write after the termination succeeds');
    // …and B hears of them well before its poll would have found them: B has listened again
    // (its catch-up read or a NOTIFY delivers this one).
    const e1 = await nextChange(events, DELIVERY_MS);
    assert.equal(e1.object.metadata.name, 'after-1');
    assert.equal(e1.revision, Number(during.metadata.resourceVersion));
    // The catch-up is spent: only a NOTIFY on the new LISTEN connection can deliver this one.
    const later = (await a.create(podKey('after-2'), podObject('after-2')))!;
    const e2 = await nextChange(events, DELIVERY_MS);
    assert.equal(e2.object.metadata.name, 'after-2');
    assert.equal(e2.revision, Number(later.metadata.resourceVersion));

    // B's own writes work too, and reach nobody twice.
    assert.ok(await b.create(podKey('on-b'), podObject('on-b')));
    const e3 = await nextChange(events, DELIVERY_MS);
    assert.equal(e3.object.metadata.name, 'on-b');
  } finally {
    await events.return?.();
  }
});
