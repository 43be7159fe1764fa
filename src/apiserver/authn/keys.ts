// The cluster's own signing key: generated on first start, kept as a private JWK in a file
// (mode 0600) and reused on every restart, so that tokens minted before a restart — or by
// another apiserver sharing the data dir — stay valid.

import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export type ClusterAlg = 'EdDSA' | 'ES256';

export interface ClusterKey {
  alg: ClusterAlg;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public members only, with `kid`, `alg` and `use: 'sig'`. */
  publicJwk: JWK;
}

/** Which pinned algorithm a stored private JWK is for; anything else is refused. */
function algOf(jwk: JWK): ClusterAlg | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

function publicMembers(jwk: JWK): JWK {
  return jwk.kty === 'EC' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function parseKeyFile(file: string, text: string): Promise<ClusterKey> {
  const bad = (why: string) => new Error(`signing key file ${file} is invalid: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const privateJwk = (parsed as { privateJwk?: unknown } | null)?.privateJwk;
  if (typeof privateJwk !== 'object' || privateJwk === null || Array.isArray(privateJwk)) {
    throw bad('no "privateJwk" object');
  }
  const jwk = privateJwk as JWK;
  const alg = algOf(jwk);
  if (!alg) throw bad('only Ed25519 (EdDSA) and P-256 (ES256) keys are supported');
  if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string' || (alg === 'ES256' && typeof jwk.y !== 'string')) {
    throw bad('not a private key');
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) throw bad(`"alg" must be ${alg}`);
  const pub = publicMembers(jwk);
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : await calculateJwkThumbprint(pub);
  const publicJwk: JWK = { ...pub, kid, alg, use: 'sig' };
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...jwk, alg, ext: false }, alg)) as CryptoKey;
    publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
  } catch {
    throw bad('the key cannot be imported');
  }
  // The public half must belong to the private half (a hand-edited file could mix them up).
  const probe = await new CompactSign(new TextEncoder().encode('kubeql')).setProtectedHeader({ alg }).sign(privateKey);
  try {
    await compactVerify(probe, publicKey, { algorithms: [alg] });
  } catch {
    throw bad('the public key does not match the private key');
  }
  return { alg, kid, privateKey, publicKey, publicJwk };
}

async function generateKeyFileText(): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicMembers(jwk));
  const privateJwk: JWK = { ...jwk, kid, alg: 'EdDSA', use: 'sig' };
  delete privateJwk.key_ops;
  delete privateJwk.ext;
  return `${JSON.stringify({ privateJwk }, null, 2)}\n`;
}

const isCode = (err: unknown, code: string): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;

/**
 * Loads the signing key from `file`, generating (and storing) a new Ed25519 key if the file
 * does not exist. Creation is atomic (written to a temporary file, then hard-linked into
 * place), so two apiservers starting at once on the same data dir end up with the same key.
 */
export async function loadOrCreateSigningKey(file: string): Promise<ClusterKey> {
  try {
    return await parseKeyFile(file, await readFile(file, 'utf8'));
  } catch (err) {
    if (!isCode(err, 'ENOENT')) throw err;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, await generateKeyFileText(), { mode: 0o600, flag: 'wx' });
  try {
    await chmod(tmp, 0o600); // in case of an unusual umask
    await link(tmp, file);
  } catch (err) {
    if (!isCode(err, 'EEXIST')) throw err; // someone else won the race: use their key
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return parseKeyFile(file, await readFile(file, 'utf8'));
}
