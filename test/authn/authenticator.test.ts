import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  base64url,
  calculateJwkThumbprint,
  CompactSign,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
  FlattenedSign,
  generateKeyPair,
  importJWK,
  UnsecuredJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { ApiError, ErrorCode } from '../../src/apimachinery/errors.ts';
import { ANONYMOUS, Authenticator, type AuthenticatorOptions, type ExternalIssuer } from '../../src/apiserver/authn/index.ts';

const ISSUER = 'https://kubeql.local';
const AUDIENCE = 'kubeql';
const INVALID = 'invalid bearer token';
const EXPIRED = 'token has expired';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeql-authn-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let seq = 0;
const keyFile = () => join(dir, `keys-${++seq}`, 'nested', 'signing-key.json');

async function rejectsWith(p: Promise<unknown>, message = INVALID): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.UNAUTHENTICATED);
    assert.equal(err.message, message);
    return true;
  });
}

const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
const nowSec = () => Math.floor(Date.now() / 1000);

/** The cluster's own private key, read from its file — to forge tokens the apiserver would not mint. */
async function clusterSigner(file: string): Promise<{ key: CryptoKey; jwk: JWK; alg: string }> {
  const { privateJwk } = JSON.parse(await readFile(file, 'utf8')) as { privateJwk: JWK };
  const alg = privateJwk.kty === 'EC' ? 'ES256' : 'EdDSA';
  return { key: (await importJWK(privateJwk, alg)) as CryptoKey, jwk: privateJwk, alg };
}

function claims(extra: JWTPayload = {}): JWTPayload {
  const now = nowSec();
  return { iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now, nbf: now, exp: now + 600, ...extra };
}

async function sign(payload: JWTPayload, key: CryptoKey | Uint8Array, header: Record<string, unknown>, crit?: Record<string, boolean>): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key, crit ? { crit } : undefined);
}

/** The same RSA private key, usable with another algorithm (RS256 → PS256). */
async function reimport(key: CryptoKey, alg: string): Promise<CryptoKey> {
  const jwk = await exportJWK(key);
  delete jwk.alg;
  return (await importJWK(jwk, alg)) as CryptoKey;
}

function omit(p: JWTPayload, ...names: string[]): JWTPayload {
  const out = { ...p };
  for (const n of names) delete out[n];
  return out;
}

describe('cluster key and minted tokens', () => {
  test('mint → authenticate yields the identity, system:authenticated and the expiry', async () => {
    const authn = await Authenticator.create({ signingKeyFile: keyFile() });
    const token = await authn.mint({ username: 'alice', uid: 'u-1', groups: ['dev', 'ops'] });
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.kid, (authn.publicJwks().keys[0] as JWK).kid);
    const payload = decodeJwt(token);
    assert.equal(payload.iss, ISSUER);
    assert.equal(payload.aud, AUDIENCE);
    assert.equal(payload.exp! - payload.iat!, 3600, 'default ttl is one hour');
    const { user, expiresAt } = await authn.authenticate(token);
    assert.deepEqual(user, { username: 'alice', uid: 'u-1', groups: ['dev', 'ops', 'system:authenticated'] });
    assert.equal(expiresAt.getTime(), payload.exp! * 1000);
  });

  test('the key is generated once (0600, directory created) and reused by the next create', async () => {
    const file = keyFile();
    const a = await Authenticator.create({ signingKeyFile: file });
    const st = await stat(file);
    assert.equal(st.mode & 0o777, 0o600);
    const stored = JSON.parse(await readFile(file, 'utf8')) as { privateJwk: JWK };
    assert.equal(stored.privateJwk.kty, 'OKP');
    assert.equal(stored.privateJwk.crv, 'Ed25519');
    assert.equal(typeof stored.privateJwk.d, 'string');
    assert.equal(stored.privateJwk.kid, await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: stored.privateJwk.x }));

    const token = await a.mint({ username: 'bob' });
    const b = await Authenticator.create({ signingKeyFile: file });
    assert.deepEqual(b.publicJwks(), a.publicJwks());
    assert.equal((await b.authenticate(token)).user.username, 'bob');
    assert.equal((await a.authenticate(await b.mint({ username: 'carol' }))).user.username, 'carol');

    // A different data dir is a different cluster: its tokens are foreign.
    const c = await Authenticator.create({ signingKeyFile: keyFile() });
    await rejectsWith(c.authenticate(token));
  });

  test('concurrent first starts on one data dir agree on one key', async () => {
    const file = keyFile();
    const all = await Promise.all([1, 2, 3, 4].map(() => Authenticator.create({ signingKeyFile: file })));
    for (const a of all) assert.deepEqual(a.publicJwks(), all[0]!.publicJwks());
  });

  test('publicJwks exposes only the public key', async () => {
    const authn = await Authenticator.create({ signingKeyFile: keyFile() });
    const { keys } = authn.publicJwks();
    assert.equal(keys.length, 1);
    const jwk = keys[0] as JWK;
    assert.equal(jwk.d, undefined);
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    assert.equal(jwk.alg, 'EdDSA');
    assert.equal(jwk.use, 'sig');
    // …and it verifies the cluster's tokens elsewhere.
    const token = await authn.mint({ username: 'x' });
    const { compactVerify } = await import('jose');
    await compactVerify(token, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
  });

  test('an ES256 signing key is supported, and its tokens are pinned to ES256', async () => {
    const file = keyFile();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, JSON.stringify({ privateJwk }), { mode: 0o600 });
    const authn = await Authenticator.create({ signingKeyFile: file });
    const token = await authn.mint({ username: 'es' });
    assert.equal(decodeProtectedHeader(token).alg, 'ES256');
    assert.equal((await authn.authenticate(token)).user.username, 'es');
    assert.equal((authn.publicJwks().keys[0] as JWK).alg, 'ES256');
    // A token forged with the real key (no kid) verifies; an EdDSA-signed one does not.
    const forged = await sign(claims(), (await importJWK(privateJwk, 'ES256')) as CryptoKey, { alg: 'ES256' });
    assert.ok(await authn.authenticate(forged));
    const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    await rejectsWith(authn.authenticate(await sign(claims(), ed.privateKey, { alg: 'EdDSA' })));
    const hs = await sign(claims(), new TextEncoder().encode(JSON.stringify(authn.publicJwks().keys[0])), { alg: 'HS256' });
    await rejectsWith(authn.authenticate(hs));
  });

  test('an unusable signing key file refuses to start', async () => {
    for (const content of ['not json', '{}', JSON.stringify({ privateJwk: { kty: 'oct', k: 'AAAA' } })]) {
      const file = keyFile();
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, content);
      await assert.rejects(Authenticator.create({ signingKeyFile: file }), /signing key file/);
    }
    // A public-only key cannot sign.
    const file = keyFile();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(file, '..'), { recursive: true });
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    await writeFile(file, JSON.stringify({ privateJwk: await exportJWK(publicKey) }));
    await assert.rejects(Authenticator.create({ signingKeyFile: file }), /not a private key/);
  });

  test('service account tokens carry the service account identity', async () => {
    const authn = await Authenticator.create({ signingKeyFile: keyFile() });
    const token = await authn.mintServiceAccount('kube-system', 'replicaset-controller', 'sa-uid-1', 600);
    const { user, expiresAt } = await authn.authenticate(token);
    assert.deepEqual(user, {
      username: 'system:serviceaccount:kube-system:replicaset-controller',
      uid: 'sa-uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    });
    assert.ok(Math.abs(expiresAt.getTime() - Date.now() - 600_000) < 5000);
    await assert.rejects(authn.mintServiceAccount('Bad_NS', 'x', 'u'), (e: unknown) => e instanceof ApiError && e.code === ErrorCode.BAD_USER_INPUT);
    await assert.rejects(authn.mintServiceAccount('ns', 'a:b', 'u'), (e: unknown) => e instanceof ApiError && e.code === ErrorCode.BAD_USER_INPUT);
  });

  test('the cluster key may vouch for system: names (scheduler, nodes, masters)', async () => {
    const authn = await Authenticator.create({ signingKeyFile: keyFile() });
    const node = await authn.mint({ username: 'system:node:n1', groups: ['system:nodes'] });
    assert.deepEqual((await authn.authenticate(node)).user.groups, ['system:nodes', 'system:authenticated']);
    const admin = await authn.mint({ username: 'root', groups: ['system:masters', 'system:authenticated'] });
    assert.deepEqual((await authn.authenticate(admin)).user.groups, ['system:masters', 'system:authenticated']);
  });

  test('mint: ttl defaults to 1 h, at most 48 h; bad input is refused', async () => {
    const authn = await Authenticator.create({ signingKeyFile: keyFile() });
    const t = decodeJwt(await authn.mint({ username: 'a' }, 48 * 3600));
    assert.equal(t.exp! - t.iat!, 48 * 3600);
    const bad = (e: unknown) => e instanceof ApiError && e.code === ErrorCode.BAD_USER_INPUT;
    await assert.rejects(authn.mint({ username: 'a' }, 48 * 3600 + 1), bad);
    await assert.rejects(authn.mint({ username: 'a' }, 0), bad);
    await assert.rejects(authn.mint({ username: 'a' }, 1.5), bad);
    await assert.rejects(authn.mint({ username: '' }), bad);
    await assert.rejects(authn.mint({ username: 'a', groups: [''] }), bad);
  });
});

describe('attacks on cluster tokens — every one is UNAUTHENTICATED', () => {
  let file: string;
  let authn: Authenticator;
  let cluster: { key: CryptoKey; jwk: JWK; alg: string };
  let good: string;
  before(async () => {
    file = keyFile();
    authn = await Authenticator.create({ signingKeyFile: file });
    cluster = await clusterSigner(file);
    good = await authn.mint({ username: 'alice', groups: ['dev'] });
  });
  const forge = (payload: JWTPayload, header: Record<string, unknown> = {}) =>
    sign(payload, cluster.key, { alg: cluster.alg, kid: cluster.jwk.kid, ...header });

  test('sanity: a forged token with correct claims is accepted (the forger has the real key)', async () => {
    assert.equal((await authn.authenticate(await forge(claims()))).user.username, 'alice');
  });

  test('alg: none', async () => {
    const unsecured = new UnsecuredJWT(claims()).encode();
    assert.ok(unsecured.endsWith('.'));
    await rejectsWith(authn.authenticate(unsecured));
    const [, body, sig] = good.split('.');
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await rejectsWith(authn.authenticate(`${enc({ alg, typ: 'JWT' })}.${body}.`));
      await rejectsWith(authn.authenticate(`${enc({ alg, typ: 'JWT' })}.${body}.${sig}`));
      await rejectsWith(authn.authenticate(`${enc({ alg, kid: cluster.jwk.kid })}.${enc(claims())}.AAAA`));
    }
    const hdr = await authn.fromHeader(`Bearer ${good}`);
    assert.equal(hdr.user.username, 'alice');
  });

  test('HS256 signed with the public key bytes (HS/RS confusion)', async () => {
    const pub = authn.publicJwks().keys[0] as JWK;
    const secrets = [
      base64url.decode(pub.x!), // raw Ed25519 public key
      new TextEncoder().encode(JSON.stringify(pub)),
      new TextEncoder().encode(JSON.stringify(authn.publicJwks())),
      new TextEncoder().encode(pub.x!),
    ];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        await rejectsWith(authn.authenticate(await sign(claims(), secret, { alg, kid: pub.kid })));
      }
    }
  });

  test('tampered payload or signature', async () => {
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as JWTPayload;
    await rejectsWith(authn.authenticate(`${h}.${enc({ ...payload, sub: 'admin' })}.${s}`));
    await rejectsWith(authn.authenticate(`${h}.${enc({ ...payload, groups: ['system:masters'] })}.${s}`));
    await rejectsWith(authn.authenticate(`${h}.${enc({ ...payload, exp: payload.exp! + 86400 })}.${s}`));
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    await rejectsWith(authn.authenticate(`${h}.${p}.${flipped}`));
    await rejectsWith(authn.authenticate(`${h}.${p}.${s.slice(0, -4)}`));
    // header swapped for one that names another algorithm but keeps the signature
    await rejectsWith(authn.authenticate(`${enc({ alg: 'ES256', kid: cluster.jwk.kid })}.${p}.${s}`));
    // signature of another valid token
    const other = (await authn.mint({ username: 'bob' })).split('.')[2];
    await rejectsWith(authn.authenticate(`${h}.${p}.${other}`));
  });

  test('a foreign key that reuses the cluster key id', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    await rejectsWith(authn.authenticate(await sign(claims(), privateKey, { alg: 'EdDSA', kid: cluster.jwk.kid })));
    await rejectsWith(authn.authenticate(await sign(claims(), privateKey, { alg: 'EdDSA' })));
    await rejectsWith(authn.authenticate(await sign(claims(), privateKey, { alg: 'EdDSA', kid: 'other' })));
    // …even announcing itself in an embedded `jwk` header
    const jwk = await exportJWK(privateKey);
    delete jwk.d;
    await rejectsWith(authn.authenticate(await sign(claims(), privateKey, { alg: 'EdDSA', kid: cluster.jwk.kid, jwk })));
    // an ES256 foreign key with the cluster kid
    const es = await generateKeyPair('ES256');
    await rejectsWith(authn.authenticate(await sign(claims(), es.privateKey, { alg: 'ES256', kid: cluster.jwk.kid })));
  });

  test("the right key under another algorithm name is refused (pinned to the key's own alg)", async () => {
    assert.equal(cluster.alg, 'EdDSA');
    // RFC 9864's fully-specified "Ed25519" verifies with the same key — but it is not the pinned alg.
    await rejectsWith(authn.authenticate(await forge(claims(), { alg: 'Ed25519' })));
  });

  test('the right key with a different kid is refused', async () => {
    await rejectsWith(authn.authenticate(await forge(claims(), { kid: 'not-the-cluster-kid' })));
  });

  test('expired (message says so), and within the clock tolerance still fine', async () => {
    const now = nowSec();
    await rejectsWith(authn.authenticate(await forge(claims({ iat: now - 7200, nbf: now - 7200, exp: now - 60 }))), EXPIRED);
    await rejectsWith(authn.authenticate(await forge(claims({ iat: now - 7200, nbf: now - 7200, exp: now - 6 }))), EXPIRED);
    assert.ok(await authn.authenticate(await forge(claims({ iat: now - 7200, nbf: now - 7200, exp: now - 2 }))));
  });

  test('not yet valid (nbf) and iat far in the future', async () => {
    const now = nowSec();
    await rejectsWith(authn.authenticate(await forge(claims({ nbf: now + 600, exp: now + 1200 }))));
    await rejectsWith(authn.authenticate(await forge(claims({ iat: now + 3600, exp: now + 7200 }))));
    await rejectsWith(authn.authenticate(await forge(claims({ iat: now + 60 }))));
    assert.ok(await authn.authenticate(await forge(claims({ iat: now + 2, nbf: now + 2 }))), 'within tolerance');
    await rejectsWith(authn.authenticate(await forge(claims({ iat: 'yesterday' as unknown as number }))));
  });

  test('wrong or missing iss, wrong or missing aud', async () => {
    await rejectsWith(authn.authenticate(await forge(claims({ iss: 'https://evil.example' }))));
    await rejectsWith(authn.authenticate(await forge(claims({ iss: `${ISSUER}/` }))));
    await rejectsWith(authn.authenticate(await forge(omit(claims(), 'iss'))));
    await rejectsWith(authn.authenticate(await forge(claims({ iss: [ISSUER] as unknown as string }))));
    await rejectsWith(authn.authenticate(await forge(claims({ aud: 'other' }))));
    await rejectsWith(authn.authenticate(await forge(claims({ aud: ['other', 'another'] }))));
    await rejectsWith(authn.authenticate(await forge(omit(claims(), 'aud'))));
    assert.ok(await authn.authenticate(await forge(claims({ aud: ['other', AUDIENCE] }))), 'aud array containing ours');
  });

  test('missing exp (exp is required) or a non-numeric exp', async () => {
    await rejectsWith(authn.authenticate(await forge(omit(claims(), 'exp'))));
    await rejectsWith(authn.authenticate(await forge(claims({ exp: `${nowSec() + 600}` as unknown as number }))));
  });

  test('ill-typed identity claims', async () => {
    await rejectsWith(authn.authenticate(await forge(omit(claims(), 'sub'))));
    await rejectsWith(authn.authenticate(await forge(claims({ sub: '' }))));
    await rejectsWith(authn.authenticate(await forge(claims({ groups: 'system:masters' as unknown as string[] }))));
    await rejectsWith(authn.authenticate(await forge(claims({ groups: ['dev', 42] as unknown as string[] }))));
    await rejectsWith(authn.authenticate(await forge(claims({ groups: { 0: 'dev' } as unknown as string[] }))));
    await rejectsWith(authn.authenticate(await forge(claims({ uid: 7 as unknown as string }))));
    assert.deepEqual((await authn.authenticate(await forge(claims()))).user, {
      username: 'alice',
      uid: '',
      groups: ['system:authenticated'],
    });
  });

  test('unencoded payload (b64: false) and unknown critical headers', async () => {
    const critical = await sign(
      claims(),
      cluster.key,
      { alg: cluster.alg, kid: cluster.jwk.kid, crit: ['exp-policy'], 'exp-policy': 1 },
      { 'exp-policy': true },
    );
    await rejectsWith(authn.authenticate(critical));
    // b64: false whose raw payload is itself base64url of valid claims: a verifier that ignored
    // the header would read it as a normal, correctly signed JWT.
    const flat = await new FlattenedSign(new TextEncoder().encode(enc(claims())))
      .setProtectedHeader({ alg: cluster.alg, kid: cluster.jwk.kid, b64: false, crit: ['b64'] })
      .sign(cluster.key);
    assert.equal(typeof flat.payload, 'string');
    await rejectsWith(authn.authenticate(`${flat.protected}.${flat.payload}.${flat.signature}`));
  });

  test('malformed strings', async () => {
    const [h, p, s] = good.split('.') as [string, string, string];
    const cases = [
      '',
      'abc',
      'a.b',
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h}..${s}`,
      `.${p}.${s}`,
      `${h}.${p}.${s}=`,
      `${h}.${p}+.${s}`,
      `!!!.${p}.${s}`,
      `${enc('just a string')}.${p}.${s}`,
      `${base64url.encode('{not json')}.${p}.${s}`,
      `${h}.${base64url.encode('{not json')}.${s}`,
      `${h}.${enc([1, 2])}.${s}`,
      ` ${good}`,
      `${good}\n`,
      'Bearer ' + good,
    ];
    for (const c of cases) await rejectsWith(authn.authenticate(c));
    await rejectsWith(authn.authenticate(undefined as unknown as string));
    await rejectsWith(authn.authenticate({} as unknown as string));
  });

  test('huge tokens (> 16 KiB) are refused before parsing, even if validly signed', async () => {
    const huge = await forge(claims({ padding: 'x'.repeat(17 * 1024) }));
    assert.ok(huge.length > 16 * 1024);
    await rejectsWith(authn.authenticate(huge));
    await rejectsWith(authn.authenticate('a'.repeat(10 * 1024 * 1024)));
    await rejectsWith(authn.authenticate(`${'a'.repeat(9000)}.${'b'.repeat(9000)}.c`));
    await rejectsWith(authn.fromHeader(`Bearer ${huge}`));
    const big = await forge(claims({ padding: 'x'.repeat(8 * 1024) }));
    assert.ok(big.length < 16 * 1024);
    assert.ok(await authn.authenticate(big), 'large but under the limit is fine');
  });

  test('error messages leak nothing about the reason', async () => {
    const seen = new Set<string>();
    const attempts = [
      new UnsecuredJWT(claims()).encode(),
      await forge(claims({ aud: 'x' })),
      await forge(claims({ iss: 'x' })),
      await forge(omit(claims(), 'exp')),
      tamperSignature(good),
      'garbage',
    ];
    for (const t of attempts) {
      try {
        await authn.authenticate(t);
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, ErrorCode.UNAUTHENTICATED);
        assert.equal(err.causes.length, 0);
        assert.equal((err as Error & { cause?: unknown }).cause, undefined);
        seen.add(err.message);
      }
    }
    assert.deepEqual([...seen], [INVALID]);
  });
});

describe('Authorization header and graphql-ws connection params', () => {
  let authn: Authenticator;
  let token: string;
  before(async () => {
    authn = await Authenticator.create({ signingKeyFile: keyFile() });
    token = await authn.mint({ username: 'alice' }, 120);
  });

  test('absent → anonymous', async () => {
    for (const v of [undefined, null, '', '   ']) {
      const r = await authn.fromHeader(v);
      assert.equal(r.user, ANONYMOUS);
      assert.equal(r.expiresAt, undefined);
    }
    assert.deepEqual(ANONYMOUS, { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'] });
    assert.ok(Object.isFrozen(ANONYMOUS) && Object.isFrozen(ANONYMOUS.groups));
    for (const p of [undefined, null, {}, { token: null }, { authorization: '' }, { other: 'x' }]) {
      assert.equal((await authn.fromConnectionParams(p)).user, ANONYMOUS);
    }
  });

  test('Bearer with a case-insensitive scheme', async () => {
    for (const h of [`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token}`, `  Bearer ${token}  `]) {
      const r = await authn.fromHeader(h);
      assert.equal(r.user.username, 'alice');
      assert.equal(r.expiresAt!.getTime(), decodeJwt(token).exp! * 1000);
    }
  });

  test('malformed headers → UNAUTHENTICATED', async () => {
    for (const h of [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      token,
      `Token ${token}`,
      `Bearer ${token} extra`,
      `Bearer: ${token}`,
      'Bearer x.y.z',
    ]) {
      await rejectsWith(authn.fromHeader(h));
    }
  });

  test('connection_init payloads', async () => {
    assert.equal((await authn.fromConnectionParams({ authorization: `Bearer ${token}` })).user.username, 'alice');
    assert.equal((await authn.fromConnectionParams({ Authorization: `bearer ${token}` })).user.username, 'alice');
    const r = await authn.fromConnectionParams({ token });
    assert.equal(r.user.username, 'alice');
    assert.ok(r.expiresAt instanceof Date);
    assert.equal((await authn.fromConnectionParams({ token, authorization: `Bearer ${token}` })).user.username, 'alice');
    const other = await authn.mint({ username: 'bob' });
    await rejectsWith(authn.fromConnectionParams({ token: other, authorization: `Bearer ${token}` }));
    await rejectsWith(authn.fromConnectionParams({ token: 42 }));
    await rejectsWith(authn.fromConnectionParams({ authorization: ['Bearer', token] }));
    await rejectsWith(authn.fromConnectionParams({ authorization: token }));
    await rejectsWith(authn.fromConnectionParams({ token: `Bearer ${token}` }));
    await rejectsWith(authn.fromConnectionParams({ token: 'nope' }));
    await rejectsWith(authn.fromConnectionParams([token] as unknown as Record<string, unknown>));
    await rejectsWith(authn.fromConnectionParams('token' as unknown as Record<string, unknown>));
  });
});

describe('clock injection', () => {
  test('expiry follows the injected clock, with the tolerance', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z');
    let now = t0;
    const authn = await Authenticator.create({ signingKeyFile: keyFile(), clock: () => now, clockToleranceSeconds: 5 });
    const token = await authn.mint({ username: 'alice' }, 600);
    const { expiresAt } = await authn.authenticate(token);
    assert.equal(expiresAt.toISOString(), '2030-01-01T00:10:00.000Z');
    assert.equal(decodeJwt(token).iat, t0.getTime() / 1000);

    now = new Date(t0.getTime() + 599_000);
    assert.ok(await authn.authenticate(token));
    now = new Date(t0.getTime() + 604_000); // past exp, inside the 5 s tolerance
    assert.ok(await authn.authenticate(token));
    now = new Date(t0.getTime() + 605_000);
    await rejectsWith(authn.authenticate(token), EXPIRED);
    await rejectsWith(authn.fromHeader(`Bearer ${token}`), EXPIRED);
    now = new Date(t0.getTime() + 86_400_000);
    await rejectsWith(authn.authenticate(token), EXPIRED);

    // Before issuance (nbf/iat in the future of the clock).
    now = new Date(t0.getTime() - 60_000);
    await rejectsWith(authn.authenticate(token));
    now = new Date(t0.getTime() - 3_000);
    assert.ok(await authn.authenticate(token));

    // Real time (2020s) sees a 2030 token as issued in the future.
    const real = await Authenticator.create({ signingKeyFile: keyFile() });
    const realToken = await real.mint({ username: 'x' });
    const fromFuture = await Authenticator.create({ signingKeyFile: keyFile(), clock: () => t0 });
    await rejectsWith(fromFuture.authenticate(realToken)); // different key anyway
  });

  test('tolerance 0 is exact', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z');
    let now = t0;
    const authn = await Authenticator.create({ signingKeyFile: keyFile(), clock: () => now, clockToleranceSeconds: 0 });
    const token = await authn.mint({ username: 'alice' }, 60);
    now = new Date(t0.getTime() + 59_999);
    assert.ok(await authn.authenticate(token));
    now = new Date(t0.getTime() + 60_000);
    await rejectsWith(authn.authenticate(token), EXPIRED);
  });
});

// ---------------------------------------------------------------- external issuers

interface ExternalKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  alg: string;
}

async function externalKey(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string, withAlg = true): Promise<ExternalKey> {
  const { privateKey, publicKey } =
    alg === 'EdDSA' ? await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true }) : await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  if (withAlg) publicJwk.alg = alg;
  return { privateKey, publicJwk, alg };
}

function extClaims(iss: string, extra: JWTPayload = {}): JWTPayload {
  const now = nowSec();
  return { iss, aud: AUDIENCE, sub: 'jane', iat: now, exp: now + 600, ...extra };
}

const extSign = (k: ExternalKey, payload: JWTPayload, header: Record<string, unknown> = {}) =>
  sign(payload, k.privateKey, { alg: k.alg, kid: k.publicJwk.kid, typ: 'JWT', ...header });

async function writeJwksAtomically(path: string, keys: JWK[]): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify({ keys }));
  await rename(tmp, path);
}

describe('external issuer by JWKS file', () => {
  const ISS = 'https://idp.example.com';
  let jwksFile: string;
  let rsa: ExternalKey;
  let authn: Authenticator;

  before(async () => {
    jwksFile = join(dir, 'idp-jwks.json');
    rsa = await externalKey('RS256', 'rsa-1');
    await writeJwksAtomically(jwksFile, [rsa.publicJwk]);
    const options: AuthenticatorOptions = {
      signingKeyFile: keyFile(),
      externalIssuers: [{ issuer: ISS, jwksFile }],
    };
    authn = await Authenticator.create(options);
  });

  test('a token of the issuer is accepted; identity from sub/groups plus system:authenticated', async () => {
    const t = await extSign(rsa, extClaims(ISS, { groups: ['eng'], uid: 'idp-42' }));
    const { user, expiresAt } = await authn.authenticate(t);
    assert.deepEqual(user, { username: 'jane', uid: 'idp-42', groups: ['eng', 'system:authenticated'] });
    assert.equal(expiresAt.getTime(), (decodeJwt(t).exp as number) * 1000);
  });

  test('usernameClaim / groupsClaim / audience are configurable', async () => {
    const custom = await Authenticator.create({
      signingKeyFile: keyFile(),
      externalIssuers: [{ issuer: ISS, jwksFile, usernameClaim: 'email', groupsClaim: 'roles', audience: ['client-a', 'client-b'] }],
    });
    const t = await extSign(rsa, extClaims(ISS, { aud: 'client-b', email: 'jane@example.com', roles: ['r1'], groups: ['ignored'] }));
    assert.deepEqual((await custom.authenticate(t)).user, {
      username: 'jane@example.com',
      uid: '',
      groups: ['r1', 'system:authenticated'],
    });
    await rejectsWith(custom.authenticate(await extSign(rsa, extClaims(ISS, { aud: 'client-b' }))), INVALID); // no email
    await rejectsWith(custom.authenticate(await extSign(rsa, extClaims(ISS, { email: 'j@x', aud: AUDIENCE }))));
    await rejectsWith(custom.authenticate(await extSign(rsa, extClaims(ISS, { email: 'j@x', aud: 'client-b', roles: 'r1' }))));
  });

  test('reserved system: names are refused from an external issuer', async () => {
    for (const extra of [
      { sub: 'system:admin' },
      { sub: 'system:serviceaccount:kube-system:default' },
      { sub: 'system:anonymous' },
      { groups: ['system:masters'] },
      { groups: ['eng', 'system:nodes'] },
      { groups: ['system:authenticated'] },
    ] as JWTPayload[]) {
      await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISS, extra))));
    }
  });

  test('attacks against the external issuer', async () => {
    const pem = await exportSPKI((await importJWK(rsa.publicJwk, 'RS256')) as CryptoKey);
    for (const secret of [pem, JSON.stringify(rsa.publicJwk), rsa.publicJwk.n!]) {
      await rejectsWith(authn.authenticate(await sign(extClaims(ISS), new TextEncoder().encode(secret), { alg: 'HS256', kid: 'rsa-1' })));
    }
    await rejectsWith(authn.authenticate(new UnsecuredJWT(extClaims(ISS)).encode()));
    await rejectsWith(authn.authenticate(`${enc({ alg: 'none', kid: 'rsa-1' })}.${enc(extClaims(ISS))}.AAAA`));
    // The key's JWKS entry pins RS256: the same RSA key with PS256 is not accepted.
    await rejectsWith(authn.authenticate(await sign(extClaims(ISS), await reimport(rsa.privateKey, 'PS256'), { alg: 'PS256', kid: 'rsa-1' })));
    // Foreign key claiming the issuer's kid.
    const foreign = await externalKey('RS256', 'rsa-1');
    await rejectsWith(authn.authenticate(await extSign(foreign, extClaims(ISS))));
    // Claims.
    const now = nowSec();
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISS, { exp: now - 60 }))), EXPIRED);
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISS, { nbf: now + 600 }))));
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISS, { iat: now + 600 }))));
    await rejectsWith(authn.authenticate(await extSign(rsa, omit(extClaims(ISS), 'exp'))));
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISS, { aud: 'someone-else' }))));
    await rejectsWith(authn.authenticate(await extSign(rsa, omit(extClaims(ISS), 'aud'))));
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISS, { groups: 'eng' as unknown as string[] }))));
    // Tampered.
    const [h, , s] = (await extSign(rsa, extClaims(ISS))).split('.');
    await rejectsWith(authn.authenticate(`${h}.${enc(extClaims(ISS, { sub: 'root' }))}.${s}`));
  });

  test('issuers do not vouch for each other', async () => {
    // Unknown issuer.
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims('https://other-idp.example.com'))));
    // The external key cannot sign as the cluster…
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISSUER))));
    await rejectsWith(authn.authenticate(await extSign(rsa, extClaims(ISSUER, { sub: 'system:admin' }))));
    // …and the cluster key cannot sign as the external issuer.
    const file = keyFile();
    const other = await Authenticator.create({ signingKeyFile: file });
    const signer = await clusterSigner(file);
    await rejectsWith(other.authenticate(await sign(extClaims(ISS), signer.key, { alg: signer.alg, kid: 'rsa-1' })));
  });

  test('JWKS entries that are secrets or private are ignored; HS tokens never pass', async () => {
    const mixedFile = join(dir, 'mixed-jwks.json');
    const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
    const ec = await externalKey('ES256', 'ec-1', false);
    await writeJwksAtomically(mixedFile, [
      { kty: 'oct', k: base64url.encode(secret), kid: 'hmac', alg: 'HS256' },
      { kty: 'oct', k: base64url.encode(secret), kid: 'hmac2' },
      ec.publicJwk,
      { ...rsa.publicJwk, kid: 'enc-key', use: 'enc' },
    ]);
    const a = await Authenticator.create({ signingKeyFile: keyFile(), externalIssuers: [{ issuer: ISS, jwksFile: mixedFile }] });
    assert.equal((await a.authenticate(await extSign(ec, extClaims(ISS)))).user.username, 'jane');
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), secret, { alg: 'HS256', kid: 'hmac' })));
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), secret, { alg: 'HS256', kid: 'hmac2' })));
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), secret, { alg: 'HS256' })));
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), rsa.privateKey, { alg: 'RS256', kid: 'enc-key' })));
    // EC key without "alg": only ES256 (its curve's algorithm).
    assert.ok(await a.authenticate(await sign(extClaims(ISS), ec.privateKey, { alg: 'ES256' })));
  });

  test('several keys, token without kid: the right one is found', async () => {
    const multiFile = join(dir, 'multi-jwks.json');
    const k1 = await externalKey('EdDSA', 'ed-1');
    const k2 = await externalKey('EdDSA', 'ed-2');
    await writeJwksAtomically(multiFile, [k1.publicJwk, k2.publicJwk]);
    const a = await Authenticator.create({ signingKeyFile: keyFile(), externalIssuers: [{ issuer: ISS, jwksFile: multiFile }] });
    assert.ok(await a.authenticate(await sign(extClaims(ISS), k2.privateKey, { alg: 'EdDSA' })));
    assert.ok(await a.authenticate(await sign(extClaims(ISS), k1.privateKey, { alg: 'EdDSA' })));
    const stranger = await externalKey('EdDSA', 'x');
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), stranger.privateKey, { alg: 'EdDSA' })));
  });

  test('the file is reloaded when it changes (checked at most once per second)', async () => {
    const rotFile = join(dir, 'rotating-jwks.json');
    const oldKey = await externalKey('ES256', 'old');
    const newKey = await externalKey('ES256', 'new');
    await writeJwksAtomically(rotFile, [oldKey.publicJwk]);
    const a = await Authenticator.create({ signingKeyFile: keyFile(), externalIssuers: [{ issuer: ISS, jwksFile: rotFile }] });
    const oldToken = await extSign(oldKey, extClaims(ISS));
    const newToken = await extSign(newKey, extClaims(ISS));
    assert.ok(await a.authenticate(oldToken));
    await rejectsWith(a.authenticate(newToken));

    await writeJwksAtomically(rotFile, [newKey.publicJwk]);
    // Not re-checked within the second…
    assert.ok(await a.authenticate(oldToken));
    await new Promise((r) => setTimeout(r, 1100));
    // …but after it.
    assert.equal((await a.authenticate(newToken)).user.username, 'jane');
    await rejectsWith(a.authenticate(oldToken));

    // A broken file keeps the last good key set.
    await writeFile(rotFile, '{ half-writ');
    await new Promise((r) => setTimeout(r, 1100));
    assert.ok(await a.authenticate(newToken));
  });

  test('misconfiguration is refused at create', async () => {
    const bad = async (ext: ExternalIssuer, re: RegExp) => assert.rejects(Authenticator.create({ signingKeyFile: keyFile(), externalIssuers: [ext] }), re);
    await bad({ issuer: ISS }, /exactly one/);
    await bad({ issuer: ISS, jwksFile, jwksUrl: 'https://idp.example.com/jwks' }, /exactly one/);
    await bad({ issuer: ISSUER, jwksFile }, /cluster's own issuer/);
    await bad({ issuer: ISS, jwksFile: join(dir, 'missing.json') }, /ENOENT/);
    const garbage = join(dir, 'garbage-jwks.json');
    await writeFile(garbage, '[1,2]');
    await bad({ issuer: ISS, jwksFile: garbage }, /JWKS file/);
    await bad({ issuer: ISS, jwksUrl: 'http://idp.example.com/jwks' }, /https/);
    await bad({ issuer: ISS, jwksUrl: 'not a url' }, /invalid JWKS URL/);
    await assert.rejects(
      Authenticator.create({
        signingKeyFile: keyFile(),
        externalIssuers: [
          { issuer: ISS, jwksFile },
          { issuer: ISS, jwksFile },
        ],
      }),
      /twice/,
    );
  });
});

describe('external issuer by JWKS URL (createRemoteJWKSet)', () => {
  const ISS = 'https://login.example.org';
  let server: Server;
  let url: string;
  let served: JWK[] = [];
  let fetches = 0;
  let status = 200;

  before(async () => {
    server = createServer((req, res) => {
      fetches++;
      if (status !== 200) {
        res.writeHead(status).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('keys are fetched lazily, cached, and rotated after the cooldown', async () => {
    const k1 = await externalKey('ES256', 'k1');
    const k2 = await externalKey('ES256', 'k2');
    served = [k1.publicJwk];
    fetches = 0;
    const a = await Authenticator.create({
      signingKeyFile: keyFile(),
      externalIssuers: [{ issuer: ISS, jwksUrl: url, remoteJwksOptions: { cooldownDuration: 1000, cacheMaxAge: 60_000 } }],
    });
    assert.equal(fetches, 0, 'nothing fetched before the first token');
    const t1 = await extSign(k1, extClaims(ISS, { groups: ['eng'] }));
    const t2 = await extSign(k2, extClaims(ISS));
    assert.deepEqual((await a.authenticate(t1)).user.groups, ['eng', 'system:authenticated']);
    assert.ok(await a.authenticate(t1));
    assert.equal(fetches, 1, 'cached');

    // Rotation: the issuer now publishes only k2.
    served = [k2.publicJwk];
    await rejectsWith(a.authenticate(t2)); // unknown kid, but still cooling down: no refetch
    assert.equal(fetches, 1);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await a.authenticate(t2)).user.username, 'jane'); // unknown kid → refetch
    assert.equal(fetches, 2);
    await rejectsWith(a.authenticate(t1)); // k1 is gone
  });

  test('attacks via the URL issuer, and reserved names', async () => {
    const k = await externalKey('RS256', 'r1');
    const secret = new TextEncoder().encode('a-shared-secret-a-shared-secret!!');
    served = [k.publicJwk, { kty: 'oct', k: base64url.encode(secret), kid: 'h1', alg: 'HS256' }];
    const a = await Authenticator.create({
      signingKeyFile: keyFile(),
      externalIssuers: [{ issuer: ISS, jwksUrl: url, remoteJwksOptions: { cooldownDuration: 0 } }],
    });
    assert.ok(await a.authenticate(await extSign(k, extClaims(ISS))));
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), secret, { alg: 'HS256', kid: 'h1' })));
    const pem = await exportSPKI((await importJWK(k.publicJwk, 'RS256')) as CryptoKey);
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), new TextEncoder().encode(pem), { alg: 'HS256', kid: 'r1' })));
    await rejectsWith(a.authenticate(await sign(extClaims(ISS), await reimport(k.privateKey, 'PS256'), { alg: 'PS256', kid: 'r1' })));
    await rejectsWith(a.authenticate(new UnsecuredJWT(extClaims(ISS)).encode()));
    await rejectsWith(a.authenticate(await extSign(k, extClaims(ISS, { sub: 'system:kube-scheduler' }))));
    await rejectsWith(a.authenticate(await extSign(k, extClaims(ISS, { groups: ['system:masters'] }))));
    await rejectsWith(a.authenticate(await extSign(k, extClaims(ISS, { aud: 'nope' }))));
    await rejectsWith(a.authenticate(await extSign(k, extClaims(ISS, { exp: nowSec() - 100 }))), EXPIRED);
  });

  test('an unreachable or failing JWKS endpoint means UNAUTHENTICATED, not a crash', async () => {
    const k = await externalKey('EdDSA', 'e1');
    served = [k.publicJwk];
    status = 500;
    try {
      const a = await Authenticator.create({
        signingKeyFile: keyFile(),
        externalIssuers: [{ issuer: ISS, jwksUrl: url, remoteJwksOptions: { cooldownDuration: 0 } }],
      });
      await rejectsWith(a.authenticate(await extSign(k, extClaims(ISS))));
    } finally {
      status = 200;
    }
    // A closed port.
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/keys`;
    await new Promise((r) => dead.close(r));
    const b = await Authenticator.create({
      signingKeyFile: keyFile(),
      externalIssuers: [{ issuer: ISS, jwksUrl: deadUrl, remoteJwksOptions: { timeoutDuration: 2000 } }],
    });
    await rejectsWith(b.authenticate(await extSign(k, extClaims(ISS))));
  });
});

/**
 * The token with its signature's first character changed: always a different signature
 * (changing the last characters may touch only base64url's padding bits, or leave them
 * as they were when they already read AAA).
 */
function tamperSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  return `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
}
