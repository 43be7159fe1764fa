// The apiserver's own waits go through the cluster clock, so --time-scale (and a fake
// clock in tests) reaches them: here, a watch's periodic BOOKMARK.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeClock } from '../../src/apimachinery/clock.ts';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
const clock = new FakeClock(new Date());
before(async () => (t = await startTestServer({ clock })));
after(() => t.stop());

type Event = { data?: { watchPods: { type: string; object: { metadata: { name: string; resourceVersion: string } } } } };

test("a watch's BOOKMARK comes after a minute of cluster time, not of wall-clock time", async () => {
  const rv = (await t.ok<{ pods: { metadata: { resourceVersion: string } } }>('{ pods { metadata { resourceVersion } } }')).pods.metadata.resourceVersion;
  const it = t.ws().iterate({
    query: 'subscription($rv: String) { watchPods(resourceVersion: $rv, allowBookmarks: true) { type object { metadata { name resourceVersion } } } }',
    variables: { rv },
  }) as AsyncIterator<Event>;
  // The subscription is live once a write reaches it.
  await t.ok('mutation { createPod(pod: { metadata: { name: "first" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }');
  assert.deepEqual(
    (await nextResults(it, 1)).map((e) => e.data!.watchPods.type),
    ['ADDED'],
  );
  clock.step(59_999);
  await t.ok('mutation { createPod(pod: { metadata: { name: "second" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }');
  const [second] = await nextResults(it, 1);
  assert.deepEqual([second.data!.watchPods.type, second.data!.watchPods.object.metadata.name], ['ADDED', 'second'], 'no bookmark before a minute');
  clock.step(1);
  const [bookmark] = await nextResults(it, 1);
  await it.return!();
  assert.equal(bookmark.data!.watchPods.type, 'BOOKMARK');
  assert.equal(bookmark.data!.watchPods.object.metadata.resourceVersion, second.data!.watchPods.object.metadata.resourceVersion, "at the watch's progress");
});
