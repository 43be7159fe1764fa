// Batcher: bulk requests as group commit — an item at rest goes alone, at once; items
// added while every request slot is busy leave together, at most a batch per request;
// each learns its own result; a failed request fails only its own items.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher } from '../../src/client/batcher.ts';

/** A send whose requests the test answers by hand. */
function manual() {
  const sent: { items: number[]; answer: (r: string[]) => void; fail: (e: Error) => void }[] = [];
  const send = (items: number[]) => new Promise<string[]>((answer, fail) => sent.push({ items, answer, fail }));
  return { sent, send };
}
const tick = () => new Promise((r) => setTimeout(r, 5));

test('at rest an item goes alone; while the slots are busy items queue and leave together, a batch at most per request', async () => {
  const { sent, send } = manual();
  const b = new Batcher(send, { requests: 2, batch: 3 });
  const first = b.add(1);
  await tick();
  assert.deepEqual(
    sent.map((s) => s.items),
    [[1]],
    'alone, at once',
  );
  const second = b.add(2);
  await tick();
  assert.deepEqual(
    sent.map((s) => s.items),
    [[1], [2]],
    'a second slot was free',
  );
  const rest = [3, 4, 5, 6, 7].map((i) => b.add(i));
  await tick();
  assert.equal(sent.length, 2, 'both slots busy: nothing more goes out');
  assert.equal(b.pending, 5);
  sent[0]!.answer(['one']);
  assert.equal(await first, 'one');
  await tick();
  assert.deepEqual(sent[2]!.items, [3, 4, 5], 'the freed slot takes a batch');
  sent[1]!.answer(['two']);
  assert.equal(await second, 'two');
  await tick();
  assert.deepEqual(sent[3]!.items, [6, 7]);
  sent[2]!.answer(['3', '4', '5']);
  sent[3]!.answer(['6', '7']);
  assert.deepEqual(await Promise.all(rest), ['3', '4', '5', '6', '7'], 'each its own result, in order');
});

test('a failed request rejects its own items only; delayMs merges a burst into one request', async () => {
  const { sent, send } = manual();
  const b = new Batcher(send, { requests: 1, batch: 10, delayMs: 30 });
  const burst = [1, 2, 3].map((i) => b.add(i));
  await tick();
  assert.equal(sent.length, 0, 'waiting for the rest of the burst');
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(
    sent.map((s) => s.items),
    [[1, 2, 3]],
  );
  const later = b.add(4);
  sent[0]!.fail(new Error('unreachable'));
  for (const p of burst) await assert.rejects(p, /unreachable/);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(sent[1]!.items, [4], 'queued behind the failed request, sent once it ended');
  sent[1]!.answer(['four']);
  assert.equal(await later, 'four');
  b.close();
  await assert.rejects(b.add(5), /closed/);
});
