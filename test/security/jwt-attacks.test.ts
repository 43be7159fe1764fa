// Forged, expired and otherwise bad tokens against the real apiserver, on HTTP and
// WebSocket: all are UNAUTHENTICATED, and none of them writes anything.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let clusterJwk: JWK & { kid?: string };
before(async () => {
  t = await startTestServer();
  clusterJwk = t.server.authenticator!.publicJwks().keys[0] as JWK & { kid?: string };
});
after(() => t.stop());

const ISS = 'https://kubeql.local';
const AUD = 'kubeql';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const admin = { sub: 'mallory', groups: ['system:masters'] };

async function attacks(): Promise<Record<string, string>> {
  const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const sign = (claims: Record<string, unknown>, key = foreign.privateKey, kid = clusterJwk.kid) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid }).sign(key);
  const valid = await t.server.authenticator!.mint({ username: 'alice' });
  const [h, p, s] = valid.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const hs = (secret: string) => {
    const head = b64({ alg: 'HS256', kid: clusterJwk.kid, typ: 'JWT' });
    const body = b64({ ...admin, iss: ISS, aud: AUD, exp: now() + 600, iat: now() });
    return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
  };
  return {
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...admin, iss: ISS, aud: AUD, exp: now() + 600 })}.`,
    'HS256 with the public key as secret (alg confusion)': hs(
      JSON.stringify(await exportJWK((await import('node:crypto')).createPublicKey({ key: clusterJwk as never, format: 'jwk' }))),
    ),
    'HS256 with the raw public key bytes': hs(Buffer.from(clusterJwk.x!, 'base64url').toString('latin1')),
    'foreign key with the cluster kid': await sign({ ...admin, iss: ISS, aud: AUD, exp: now() + 600 }),
    'tampered payload (groups escalated)': `${h}.${b64({ ...payload, groups: ['system:masters'] })}.${s}`,
    'tampered signature': `${h}.${p}.${s.slice(0, -4)}AAAA`,
    expired: await t.server.authenticator!.mint({ username: 'alice' }, 1).then(async (tok) => {
      await new Promise((r) => setTimeout(r, 7000));
      return tok;
    }),
    'wrong issuer': await sign({ ...admin, iss: 'https://evil.example', aud: AUD, exp: now() + 600 }),
    'not a JWT': 'hello.world',
    'empty bearer': '',
  };
}

test('forged and bad tokens are UNAUTHENTICATED on HTTP and WebSocket, and write nothing', async () => {
  const cases = await attacks();
  const before = await t.server.store.currentRevision();
  for (const [name, token] of Object.entries(cases)) {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createNamespace(namespace: { metadata: { name: "pwned" } }) { metadata { name } } }' }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[]; data?: unknown };
    assert.equal(body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', `${name}: ${JSON.stringify(body)}`);
    assert.equal(res.status, 401, name);

    const ws = t.ws(token || null);
    const it = ws.iterate({ query: 'subscription { watchPods { type } }' });
    const outcome = await nextResults(it, 1).then(
      () => 'served',
      (err: { code?: number }) => `closed ${err?.code}`,
    );
    assert.equal(outcome, 'closed 4403', `${name} over WebSocket`);
  }
  assert.equal(await t.server.store.currentRevision(), before, 'nothing was written');
  assert.equal((await t.ok('{ namespace(name: "pwned") { metadata { name } } }')).namespace, null);
});

test('a valid token of a user without roles is authenticated but FORBIDDEN', async () => {
  const token = await t.token('alice');
  const auth = { authorization: `Bearer ${token}` };
  const me = await t.gql('{ whoami { username groups } can(verb: "list", resource: "pods", namespace: "default") }', undefined, auth);
  assert.deepEqual(me.data, { whoami: { username: 'alice', groups: ['system:authenticated'] }, can: false });
  const res = await t.gql('{ pods { metadata { resourceVersion } } }', undefined, auth);
  assert.equal(res.errors?.[0].extensions?.code, 'FORBIDDEN');
  assert.equal(res.errors?.[0].message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
});

test('a subscription is closed when its token expires', async () => {
  const token = await t.server.authenticator!.mint({ username: 'short', groups: ['system:masters'] }, 2);
  const it = t.ws(token).iterate({ query: 'subscription { watchNamespaces { type } }' });
  const first = await nextResults(it, 1);
  assert.equal(first.length, 1, 'served while the token is valid');
  const end = await nextResults(it, 100, 20_000).then(
    () => 'no close',
    (err: { code?: number; reason?: string }) => `${err.code} ${err.reason}`,
  );
  assert.equal(end, '4401 Unauthorized: token expired');
});
