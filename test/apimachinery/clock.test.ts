// The cluster clock: --time-scale divides every wait in one place; back-offs go through it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, realClock, retryWithBackoff } from '../../src/apimachinery/clock.ts';

test('a real clock divides every wait by the time scale (on mocked timers)', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let woke = false;
  void realClock(1000)
    .sleep(60_000)
    .then(() => (woke = true)); // a minute of cluster time
  t.mock.timers.tick(59);
  await Promise.resolve();
  assert.equal(woke, false);
  t.mock.timers.tick(1);
  await Promise.resolve();
  assert.equal(woke, true, 'a minute at --time-scale 1000 is 60 ms');
  assert.throws(() => realClock(0), RangeError);
  assert.throws(() => realClock(Number.NaN), RangeError);
});

test('retryWithBackoff waits doubling (jittered) cluster time between attempts, and stops when told', async () => {
  const clock = new FakeClock();
  const start = clock.now().getTime();
  const attempts: number[] = [];
  const done = retryWithBackoff(
    clock,
    async () => {
      attempts.push(clock.now().getTime() - start);
      if (attempts.length < 4) throw new Error('store away');
    },
    () => false,
    100,
    400,
  );
  for (let i = 0; i < 2000 && attempts.length < 4; i++) {
    clock.step(1);
    await new Promise((r) => setImmediate(r));
  }
  await done;
  assert.equal(attempts.length, 4);
  const waits = attempts.map((at, i) => at - (i ? attempts[i - 1] : 0));
  for (const [i, [lo, hi]] of [
    [50, 100],
    [100, 200],
    [200, 400],
    [200, 400],
  ].entries()) {
    assert.ok(waits[i] >= lo && waits[i] <= hi, `wait ${i} was ${waits[i]} ms, not within [${lo}, ${hi}]`);
  }
  let stopped = false;
  let tried = false;
  const giving = retryWithBackoff(
    clock,
    async () => {
      tried = true;
    },
    () => stopped,
  );
  stopped = true;
  clock.step(10_000);
  await giving;
  assert.equal(tried, false, 'stopped while waiting: no attempt');
});
