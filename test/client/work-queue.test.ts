// The SDK's work queue keeps client-go's guarantees: duplicate adds collapse, a key is
// never worked on by two workers at once, delayed and rate-limited adds, shutdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BucketRateLimiter, ExponentialFailureRateLimiter, FakeClock, WorkQueue } from '../../src/client/index.ts';

const queue = (clock = new FakeClock()) => ({ clock, q: new WorkQueue<string>({ clock }) });

test('duplicate adds collapse into one', async () => {
  const { q } = queue();
  for (const k of ['a', 'b', 'a', 'a', 'b', 'c']) q.add(k);
  assert.equal(q.length, 3);
  assert.deepEqual([await q.get(), await q.get(), await q.get()], ['a', 'b', 'c']);
  assert.equal(q.length, 0);
});

test('a key added while it is worked on is handed out again only after done, once', async () => {
  const { q } = queue();
  q.add('a');
  const first = await q.get();
  q.add('a');
  q.add('a');
  assert.equal(q.length, 0, 'not queued while processing');
  let second: string | undefined;
  void q.get().then((k) => (second = k));
  await new Promise((r) => setImmediate(r));
  assert.equal(second, undefined, 'no second worker gets it');
  q.done(first!);
  await new Promise((r) => setImmediate(r));
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.length, 0);
});

test('under concurrency: never two workers on one key, and every add is followed by work on it', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), pause: fc.nat(3) }), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 6 }),
      async (adds, workers) => {
        const { q } = queue();
        const inFlight = new Set<string>();
        const lastAdd = new Map<string, number>();
        const lastStart = new Map<string, number>();
        let tick = 0;
        const work = async () => {
          for (let key = await q.get(); key !== undefined; key = await q.get()) {
            assert.ok(!inFlight.has(key), `${key} handed to two workers`);
            inFlight.add(key);
            lastStart.set(key, ++tick);
            for (let i = 0; i < key.charCodeAt(0) % 3; i++) await new Promise((r) => setImmediate(r));
            inFlight.delete(key);
            q.done(key);
          }
        };
        const running = Array.from({ length: workers }, work);
        for (const { key, pause } of adds) {
          q.add(key);
          lastAdd.set(key, ++tick);
          for (let i = 0; i < pause; i++) await new Promise((r) => setImmediate(r));
        }
        while (q.length || inFlight.size) await new Promise((r) => setImmediate(r));
        q.shutDown();
        await Promise.all(running);
        for (const [key, added] of lastAdd)
          assert.ok((lastStart.get(key) ?? 0) > added, `${key} was added at ${added} but last worked on at ${lastStart.get(key)}`);
      },
    ),
    { numRuns: 60 },
  );
});

test('addAfter: not before its time; of several delayed adds the earliest counts', async () => {
  const { q, clock } = queue();
  q.addAfter('a', 100);
  q.addAfter('a', 300);
  q.addAfter('b', 200);
  q.addAfter('b', 50);
  clock.step(49);
  assert.equal(q.length, 0);
  clock.step(1);
  assert.deepEqual([q.length, await q.get()], [1, 'b']);
  clock.step(50);
  assert.deepEqual([q.length, await q.get()], [1, 'a']);
  clock.step(1000);
  assert.equal(q.length, 0, 'the later delayed adds were folded into the earlier ones');
  assert.equal(clock.pending, 0);
});

test('addRateLimited backs off exponentially per key; forget starts over', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, rateLimiter: new ExponentialFailureRateLimiter<string>(5, 1000) });
  const waits: number[] = [];
  for (let i = 0; i < 10; i++) {
    q.addRateLimited('a');
    let waited = 0;
    while (q.length === 0) {
      clock.step(1);
      waited++;
    }
    waits.push(waited);
    q.done((await q.get())!);
  }
  assert.deepEqual(waits, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
  assert.equal(q.numRequeues('a'), 10);
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  q.addRateLimited('a');
  clock.step(5);
  assert.equal(q.length, 1);
});

test('the default rate limiter also caps retries overall (10/s, burst 100)', () => {
  const clock = new FakeClock();
  const bucket = new BucketRateLimiter<string>(clock, 10, 100);
  const waits = Array.from({ length: 103 }, (_, i) => bucket.when(`k${i}`));
  assert.deepEqual(waits.slice(0, 100), Array(100).fill(0));
  assert.deepEqual(waits.slice(100), [100, 200, 300]);
  clock.step(10_000);
  assert.equal(bucket.when('later'), 0);
});

test('shutDown: waiting workers get undefined; queued keys still drain; later adds are ignored', async () => {
  const { q, clock } = queue();
  const idle = q.get();
  q.shutDown();
  assert.equal(await idle, undefined);
  const { q: q2 } = queue(clock);
  q2.add('a');
  q2.addAfter('b', 10);
  q2.shutDown();
  q2.add('c');
  clock.step(100);
  assert.equal(await q2.get(), 'a');
  assert.equal(await q2.get(), undefined);
});
