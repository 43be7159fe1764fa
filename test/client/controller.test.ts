// The reconciler engine keeps controller-runtime's result contract, on a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Controller, ExponentialFailureRateLimiter, FakeClock, TerminalError, type Result } from '../../src/client/index.ts';

const settle = () => new Promise((r) => setImmediate(r));

/** A controller whose reconciler answers from a script and records each call's clock time. */
function scripted(answers: (() => Result | void)[], workers = 1) {
  const clock = new FakeClock();
  const calls: number[] = [];
  const errors: unknown[] = [];
  const start = clock.now().getTime();
  const controller = new Controller<string>(
    'test',
    {
      async reconcile() {
        calls.push(clock.now().getTime() - start);
        const next = answers.shift();
        return next?.();
      },
    },
    { clock, workers, rateLimiter: new ExponentialFailureRateLimiter(5, 1000), onError: (_k, e) => errors.push(e) },
  );
  controller.start();
  return { clock, calls, errors, controller };
}

async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    clock.step(1);
    await settle();
  }
}

test("an error is retried with the key's backoff; success forgets it", async () => {
  const fail = () => {
    throw new Error('not yet');
  };
  const { clock, calls, errors, controller } = scripted([fail, fail, fail, () => undefined]);
  controller.enqueue('a');
  await settle();
  await run(clock, 100);
  assert.deepEqual(calls, [0, 5, 15, 35], 'retried after 5, 10 and 20 ms');
  assert.equal(errors.length, 3);
  assert.equal(controller.queue.numRequeues('a'), 0, 'forgotten after the success');
  await controller.stop();
});

test('requeueAfter rechecks after that long, whatever the backoff; requeue uses the backoff', async () => {
  const { clock, calls, controller } = scripted([() => ({ requeue: true }), () => ({ requeue: true }), () => ({ requeueAfterMs: 50 }), () => undefined]);
  controller.enqueue('a');
  await settle();
  await run(clock, 200);
  assert.deepEqual(calls, [0, 5, 15, 65]);
  await controller.stop();
});

test('a terminal error is not retried until the key is added again', async () => {
  const { clock, calls, errors, controller } = scripted([
    () => {
      throw new TerminalError('bad spec');
    },
    () => undefined,
  ]);
  controller.enqueue('a');
  await settle();
  await run(clock, 100);
  assert.deepEqual(calls, [0]);
  assert.ok(errors[0] instanceof TerminalError);
  controller.enqueue('a');
  await settle();
  assert.deepEqual(calls, [0, 100]);
  await controller.stop();
});

test('workers reconcile different keys at once, never one key twice; stop waits for them', async () => {
  const clock = new FakeClock();
  let inFlight = 0;
  let most = 0;
  const active = new Set<string>();
  let done = 0;
  const controller = new Controller<string>(
    'parallel',
    {
      async reconcile(key) {
        assert.ok(!active.has(key), `${key} reconciled twice at once`);
        active.add(key);
        most = Math.max(most, ++inFlight);
        for (let i = 0; i < 3; i++) await settle();
        inFlight--;
        active.delete(key);
        done++;
      },
    },
    { clock, workers: 4 },
  );
  controller.start();
  for (let round = 0; round < 5; round++) for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) controller.enqueue(k);
  while (controller.queue.length || inFlight) await settle();
  await controller.stop();
  assert.equal(most, 4);
  assert.ok(done >= 6 && done <= 30);
});

test("reconciles are counted in the process registry under controller-runtime's names, by result", async () => {
  const { metricsRegistry } = await import('../../src/observability/index.ts');
  const value = async (name: string, labels: Record<string, string>) => {
    const m = (await metricsRegistry().getSingleMetric(name)?.get())?.values ?? [];
    return m.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x) && !('le' in v.labels)).reduce((n, v) => n + v.value, 0);
  };
  const clock = new FakeClock();
  let calls = 0;
  const controller = new Controller<string>(
    'metrics-test',
    {
      async reconcile(key) {
        calls++;
        if (key === 'bad') throw new TerminalError('no');
        return key === 'later' ? { requeueAfterMs: 1000 } : undefined;
      },
    },
    { clock, onError: () => undefined },
  );
  const before = {
    success: await value('controller_runtime_reconcile_total', { controller: 'metrics-test', result: 'success' }),
    adds: await value('workqueue_adds_total', { name: 'metrics-test' }),
  };
  controller.start();
  for (const k of ['a', 'b', 'bad', 'later']) controller.enqueue(k);
  while (calls < 4) await settle();
  await settle();
  assert.equal((await value('controller_runtime_reconcile_total', { controller: 'metrics-test', result: 'success' })) - before.success, 2);
  assert.equal(await value('controller_runtime_reconcile_total', { controller: 'metrics-test', result: 'error' }), 1);
  assert.equal(await value('controller_runtime_reconcile_errors_total', { controller: 'metrics-test' }), 1);
  assert.equal(await value('controller_runtime_reconcile_total', { controller: 'metrics-test', result: 'requeue_after' }), 1);
  assert.equal((await value('workqueue_adds_total', { name: 'metrics-test' })) - before.adds, 4);
  assert.equal(await value('workqueue_depth', { name: 'metrics-test' }), 0);
  await controller.stop();
});
