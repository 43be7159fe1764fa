// GET /metrics over real HTTP: protected like kube-apiserver's (the non-resource URL needs
// `get`, which system:monitoring grants), and what it reports moves with the requests made.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let metricsUrl: string;
let monitoring: string;
before(async () => {
  t = await startTestServer();
  metricsUrl = t.url.replace(/\/graphql$/, '/metrics');
  monitoring = await t.token('prometheus', ['system:monitoring']);
});
after(() => t.stop());

const scrape = async (token = monitoring): Promise<string> => {
  const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
};

/** The value of one sample: a metric name and labels that must all match; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[2]);
  }
  return 0;
}

test('/metrics without a token is 401, with a token but no permission 403', async () => {
  const anonymous = await fetch(metricsUrl);
  assert.equal(anonymous.status, 401);
  const bob = await fetch(metricsUrl, { headers: { authorization: `Bearer ${await t.token('bob', ['developers'])}` } });
  assert.equal(bob.status, 403);
  assert.equal(await bob.text(), 'forbidden: User "bob" cannot get path "/metrics"');
  const bad = await fetch(metricsUrl, { headers: { authorization: 'Bearer not-a-jwt' } });
  assert.equal(bad.status, 401);
});

test('/metrics is served to group system:monitoring (bootstrap ClusterRole system:monitoring) and to cluster-admin', async () => {
  const text = await scrape();
  assert.match(text, /^# TYPE apiserver_request_total counter$/m);
  assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m, "Node's process metrics");
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  await scrape(t.adminToken);
  const role = await t.ok<{ clusterRole: { rules: Array<{ verbs: string[]; nonResourceURLs: string[] | null }> } }>(
    '{ clusterRole(name: "system:monitoring") { rules { verbs nonResourceURLs } } }',
  );
  assert.ok(role.clusterRole.rules.some((r) => r.verbs.includes('get') && r.nonResourceURLs?.includes('/metrics')));
});

test('a ClusterRoleBinding of system:monitoring to a user opens /metrics for them', async () => {
  const carol = await t.token('carol');
  assert.equal((await fetch(metricsUrl, { headers: { authorization: `Bearer ${carol}` } })).status, 403);
  await t.ok(`mutation { apply(manifest: {
    apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "carol-monitoring" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:monitoring" },
    subjects: [{ kind: "User", name: "carol", apiGroup: "rbac.authorization.k8s.io" }] }) { __typename } }`);
  await scrape(carol);
});

test('apiserver_request_total counts each root field with Kubernetes verb, resource and code; the duration histogram has its buckets', async () => {
  const before = await scrape();
  const list = { verb: 'LIST', resource: 'pods', group: '', version: 'v1', code: '200' };
  const create = { verb: 'POST', resource: 'pods', code: '200' };
  const deployments = { verb: 'LIST', resource: 'deployments', group: 'apps', code: '200' };
  const forbidden = { verb: 'LIST', resource: 'pods', code: '403' };
  for (let i = 0; i < 3; i++) await t.ok('{ pods(namespace: "default") { items { metadata { name } } } }');
  await t.ok('{ a: pods { metadata { resourceVersion } } deployments { metadata { resourceVersion } } }');
  await t.ok(`mutation { createPod(pod: { metadata: { name: "m1" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }`);
  const denied = await t.gql('{ pods { items { metadata { name } } } }', undefined, { authorization: `Bearer ${await t.token('dave')}` });
  assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  const unauthenticated = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ pods { items { metadata { name } } } }"}',
  });
  assert.equal(unauthenticated.status, 401);

  const now = await scrape();
  const delta = (labels: Record<string, string>) => sample(now, 'apiserver_request_total', labels) - sample(before, 'apiserver_request_total', labels);
  assert.equal(delta(list), 4);
  assert.equal(delta(deployments), 1);
  assert.equal(delta(create), 1);
  assert.equal(delta(forbidden), 1);
  assert.equal(delta({ verb: 'other', code: '401' }), 1);
  // Histogram: Kubernetes' buckets, cumulative, with _sum and _count.
  const listDuration = { verb: 'LIST', resource: 'pods', group: '', version: 'v1', subresource: '', component: 'apiserver' };
  for (const le of ['0.005', '0.025', '0.1', '1', '60', '+Inf'])
    assert.match(now, new RegExp(`^apiserver_request_duration_seconds_bucket\\{le="${le.replace('+', '\\+')}",verb="LIST"`, 'm'));
  const count = sample(now, 'apiserver_request_duration_seconds_count', listDuration);
  assert.ok(count >= 5, `count ${count}`);
  assert.equal(sample(now, 'apiserver_request_duration_seconds_bucket', { ...listDuration, le: '+Inf' }), count);
  assert.ok(sample(now, 'kubeql_graphql_parse_duration_seconds_count', { transport: 'http' }) > 0);
  assert.ok(sample(now, 'kubeql_graphql_validation_duration_seconds_count', { transport: 'http' }) > 0);
});

test('store and watch metrics: revision, write and commit latency, objects stored, watchers and their events', async () => {
  const before = await scrape();
  const client = t.ws();
  const watch = client.iterate<{ watchPods: { type: string; object: { metadata: { name: string } } } }>({
    query: 'subscription { watchPods(namespace: "default") { type object { metadata { name } } } }',
  });
  const initial = await nextResults(watch, 1); // the watch is registered
  assert.ok(initial.length === 1);
  const during = await scrape();
  assert.ok(sample(during, 'apiserver_registered_watchers', { kind: 'Pod', group: '', version: 'v1' }) >= 1);
  await t.ok(`mutation { createPod(pod: { metadata: { name: "w1" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }`);
  // The existing pods as ADDED, a BOOKMARK, then w1.
  for (let seen = false; !seen; ) seen = (await nextResults(watch, 1))[0]!.data?.watchPods.object.metadata.name === 'w1';
  await watch.return?.();
  const now = await scrape();
  const revision = sample(now, 'kubeql_store_revision');
  assert.ok(revision > sample(before, 'kubeql_store_revision'), 'the revision moved with the write');
  assert.equal(sample(now, 'kubeql_watch_hub_dispatched_revision'), revision);
  assert.equal(sample(now, 'kubeql_watch_hub_lag_revisions'), 0);
  assert.ok(
    sample(now, 'kubeql_store_write_duration_seconds_count', { operation: 'create' }) >
      sample(before, 'kubeql_store_write_duration_seconds_count', { operation: 'create' }),
  );
  assert.ok(sample(now, 'kubeql_store_commit_duration_seconds_count') > 0);
  assert.ok(sample(now, 'apiserver_watch_events_total', { kind: 'Pod' }) > sample(before, 'apiserver_watch_events_total', { kind: 'Pod' }));
  assert.ok(sample(now, 'apiserver_storage_objects', { resource: 'pods' }) >= 2);
  assert.ok(sample(now, 'apiserver_storage_objects', { resource: 'clusterroles.rbac.authorization.k8s.io' }) > 10, 'the bootstrap policy');
  assert.equal(sample(now, 'apiserver_storage_objects', { resource: 'deployments.apps' }), 0);
  assert.ok(sample(now, 'apiserver_request_total', { verb: 'WATCH', resource: 'pods', code: '200' }) >= 1);
});

test('rate-limit rejections are counted by priority level', async () => {
  const limited = await startTestServer({ rateLimit: { 'global-default': { ratePerSecond: 1, burst: 2 } } });
  try {
    const token = await limited.token('eve');
    const url = limited.url.replace(/\/graphql$/, '/metrics');
    const scrapeLimited = async () => (await fetch(url, { headers: { authorization: `Bearer ${limited.adminToken}` } })).text();
    const before = sample(await scrapeLimited(), 'apiserver_flowcontrol_rejected_requests_total', { priority_level: 'global-default' });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(String((await limited.gql('{ whoami { username } }', undefined, { authorization: `Bearer ${token}` })).errors?.[0]?.extensions?.code ?? 'ok'));
    const refused = codes.filter((c) => c === 'TOO_MANY_REQUESTS').length;
    assert.ok(refused >= 2, codes.join(' '));
    const after = sample(await scrapeLimited(), 'apiserver_flowcontrol_rejected_requests_total', { priority_level: 'global-default', reason: 'rate-limited' });
    assert.equal(after - before, refused);
  } finally {
    await limited.stop();
  }
});

test('authorizationAlwaysAllowPaths: /metrics without a token, for a local Prometheus', async () => {
  const open = await startTestServer({ authorizationAlwaysAllowPaths: ['/metrics'] });
  try {
    const res = await fetch(open.url.replace(/\/graphql$/, '/metrics'));
    assert.equal(res.status, 200);
    assert.match(await res.text(), /apiserver_request_total/);
    // Only that path: the API still needs a token.
    assert.equal(
      (await fetch(open.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ whoami { username } }"}' })).status,
      401,
    );
  } finally {
    await open.stop();
  }
});
