// Rate limits by priority level (API Priority and Fairness in spirit), over HTTP and
// WebSocket on a real apiserver: a user flooding the API is refused (429, Retry-After)
// while the cluster's components and cluster-admins, at the same time, are not.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const WHOAMI = '{ whoami { username } }';

interface Outcome {
  status: number;
  code?: string;
  retryAfter: string | null;
}

/** `n` requests by the token's identity, `parallel` at a time. */
async function burst(t: TestServer, token: string, n: number, parallel = 4): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        next++;
        const res = await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: WHOAMI }),
        });
        const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
        out.push({ status: res.status, code: body.errors?.[0]?.extensions?.code, retryAfter: res.headers.get('retry-after') });
      }
    }),
  );
  return out;
}

const limited = (outcomes: Outcome[]) => outcomes.filter((o) => o.code === 'TOO_MANY_REQUESTS');

/** One subscription's first result over WebSocket: its error code, if any. */
async function subscribeCode(t: TestServer, token: string): Promise<string | undefined> {
  const it = t.ws(token).iterate({ query: 'subscription { watchPods { type } }' })[Symbol.asyncIterator]();
  const first = Promise.race([
    it.next().then(
      () => undefined,
      (errors: { extensions?: { code?: string } }[]) => errors?.[0]?.extensions?.code ?? 'ERROR',
    ),
    new Promise<undefined>((resolve) => setTimeout(resolve, 500)), // a live watch sends nothing yet: admitted
  ]);
  try {
    return await first;
  } finally {
    void it.return?.();
  }
}

describe('priority levels (default budgets for components, a small one for users)', () => {
  let t: TestServer;
  const USER_BURST = 20;
  before(async () => (t = await startTestServer({ rateLimit: { 'global-default': { ratePerSecond: 0.5, burst: USER_BURST } } })));
  after(() => t.stop());

  test('a user flooding gets 429 with Retry-After; at the same time scheduler, masters, nodes, the node fleet and kube-system service accounts get none', async () => {
    const user = await t.token('alice', ['developers']);
    const components = {
      'system:kube-scheduler': await t.token('system:kube-scheduler'),
      'system:kube-controller-manager': await t.token('system:kube-controller-manager'),
      'system:masters': await t.token('ops', ['system:masters']),
      'system:node:n1': await t.token('system:node:n1', ['system:nodes']),
      'the node fleet': await t.token('system:kubeql-node-fleet'),
      'kube-system service account': await t.token('system:serviceaccount:kube-system:replicaset-controller', [
        'system:serviceaccounts',
        'system:serviceaccounts:kube-system',
      ]),
    };
    const N = 3 * USER_BURST;
    const [flood, ...others] = await Promise.all([burst(t, user, 5 * USER_BURST), ...Object.values(components).map((tok) => burst(t, tok, N))]);

    const refused = limited(flood);
    assert.ok(refused.length >= 3 * USER_BURST, `the user's flood is refused past the burst (${refused.length} of ${flood.length})`);
    for (const o of refused) {
      assert.equal(o.status, 429);
      assert.ok(Number(o.retryAfter) >= 1, `Retry-After on every 429 (got ${o.retryAfter})`);
    }
    Object.keys(components).forEach((who, i) => {
      assert.equal(others[i].length, N);
      assert.deepEqual(limited(others[i]), [], `${who} made ${N} requests (more than the user's burst) and none was refused`);
      assert.ok(
        others[i].every((o) => o.status === 200 && o.code === undefined),
        `${who}: every request answered`,
      );
    });

    // The user is still refused, on WebSocket too; the components are not.
    assert.equal(limited(await burst(t, user, 3, 1)).length, 3, "all of the flooding user's requests get 429");
    assert.equal(await subscribeCode(t, user), 'TOO_MANY_REQUESTS');
    assert.equal(await subscribeCode(t, components['system:kube-scheduler']), undefined);
    assert.equal(await subscribeCode(t, components['system:node:n1']), undefined);
    // Another user has a bucket of their own.
    assert.deepEqual(limited(await burst(t, await t.token('bob'), 5, 1)), []);
  });
});

describe('priority levels with configured budgets', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ rateLimit: { system: { ratePerSecond: 0.1, burst: 5 }, 'global-default': 0 } })));
  after(() => t.stop());

  test('a component level has its own budget per identity; a level set to 0 is not limited; masters stay exempt', async () => {
    const [node1, node2, user, admin] = await Promise.all([
      burst(t, await t.token('system:node:n1', ['system:nodes']), 10, 1),
      burst(t, await t.token('system:node:n2', ['system:nodes']), 10, 1),
      burst(t, await t.token('carol'), 30),
      burst(t, await t.token('ops', ['system:masters']), 30),
    ]);
    for (const node of [node1, node2]) {
      assert.ok(limited(node).length >= 4, `each node has its own bucket of 5 (${limited(node).length} refused of 10)`);
      assert.ok(
        node.slice(0, 5).every((o) => o.code === undefined),
        'the first five of each node pass',
      );
    }
    assert.deepEqual(limited(user), []);
    assert.deepEqual(limited(admin), []);
  });
});
