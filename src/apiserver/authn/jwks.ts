// Key sources of external (OIDC-style) issuers: a JWKS file, reloaded when it changes, or a
// JWKS URL through jose's createRemoteJWKSet (which refetches on an unknown `kid`, i.e. on key
// rotation, subject to its cooldown). Only asymmetric signature algorithms are ever accepted.

import { readFile, stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type CryptoKey,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type RemoteJWKSetOptions,
} from 'jose';

/** Every algorithm an external issuer may use: asymmetric signatures only (never HS*, never none). */
export const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const EXTERNAL = new Set<string>(EXTERNAL_ALGORITHMS);

/** The algorithms a JWKS member may verify: its own `alg`, or those its key type implies. */
export function algorithmsOfJwk(jwk: JWK): string[] {
  if (jwk.use !== undefined && jwk.use !== 'sig') return [];
  if (typeof jwk.alg === 'string') return EXTERNAL.has(jwk.alg) ? [jwk.alg] : [];
  switch (jwk.kty) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return jwk.crv === 'P-256' ? ['ES256'] : jwk.crv === 'P-384' ? ['ES384'] : jwk.crv === 'P-521' ? ['ES512'] : [];
    case 'OKP':
      return jwk.crv === 'Ed25519' ? ['EdDSA', 'Ed25519'] : [];
    default:
      return []; // 'oct' (shared secrets) and anything unknown: never
  }
}

/** The algorithms allowed for a token with this header: those of the keys it could select. */
function algorithmsFor(keys: JWK[], kid: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const jwk of keys) {
    if (kid !== undefined && jwk.kid !== kid) continue;
    for (const alg of algorithmsOfJwk(jwk)) out.add(alg);
  }
  return out;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Keeps only public, asymmetric signature keys; private members are dropped. */
function sanitize(jwks: unknown): JSONWebKeySet {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(keys)) {
    throw new Error('not a JSON Web Key Set ({ "keys": [...] })');
  }
  const out: JWK[] = [];
  for (const k of keys) {
    if (typeof k !== 'object' || k === null || Array.isArray(k)) continue;
    const jwk = { ...(k as JWK) };
    if (algorithmsOfJwk(jwk).length === 0) continue;
    for (const m of PRIVATE_MEMBERS) delete (jwk as Record<string, unknown>)[m];
    out.push(jwk);
  }
  return { keys: out };
}

export class AlgorithmNotAllowed extends Error {}

export interface KeySource {
  /** Algorithms passed to jwtVerify's `algorithms` (checked before any key is looked up). */
  algorithms(): string[];
  /** A jose key resolver (JWTVerifyGetKey). */
  getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey>;
}

function checkAlg(header: JWSHeaderParameters, keys: JWK[]): void {
  const alg = header.alg;
  if (typeof alg !== 'string' || !EXTERNAL.has(alg) || !algorithmsFor(keys, header.kid).has(alg)) {
    throw new AlgorithmNotAllowed('algorithm not allowed for this issuer');
  }
}

/** How often (at most) a JWKS file is stat'ed for changes. */
export const JWKS_FILE_CHECK_INTERVAL_MS = 1000;

export class FileKeySource implements KeySource {
  private lastCheck = performance.now();
  private pending: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    private jwks: JSONWebKeySet,
    private set: ReturnType<typeof createLocalJWKSet>,
    private signature: string,
  ) {}

  static async open(file: string): Promise<FileKeySource> {
    const [st, text] = await Promise.all([stat(file), readFile(file, 'utf8')]);
    let jwks: JSONWebKeySet;
    try {
      jwks = sanitize(JSON.parse(text));
    } catch (err) {
      throw new Error(`JWKS file ${file} is invalid: ${(err as Error).message}`);
    }
    return new FileKeySource(file, jwks, createLocalJWKSet(jwks), FileKeySource.sig(st));
  }

  private static sig(st: { mtimeMs: number; size: number; ino: number }): string {
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  }

  algorithms(): string[] {
    return [...algorithmsFor(this.jwks.keys, undefined)];
  }

  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    await this.maybeReload();
    checkAlg(header, this.jwks.keys);
    return this.set(header, token);
  }

  /** Re-reads the file if its mtime/size/inode changed; at most one stat per second. */
  async maybeReload(): Promise<void> {
    if (this.pending) return this.pending;
    const now = performance.now();
    if (now - this.lastCheck < JWKS_FILE_CHECK_INTERVAL_MS) return;
    this.lastCheck = now;
    this.pending = (async () => {
      try {
        const st = await stat(this.file);
        const sig = FileKeySource.sig(st);
        if (sig === this.signature) return;
        const jwks = sanitize(JSON.parse(await readFile(this.file, 'utf8')));
        this.set = createLocalJWKSet(jwks);
        this.jwks = jwks;
        this.signature = sig;
      } catch {
        // A missing or half-written file keeps the last good key set; the next check retries.
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}

export type RemoteOptions = Pick<RemoteJWKSetOptions, 'cooldownDuration' | 'cacheMaxAge' | 'timeoutDuration'>;

export class RemoteKeySource implements KeySource {
  private readonly remote: ReturnType<typeof createRemoteJWKSet>;

  constructor(url: URL, options: RemoteOptions = {}) {
    this.remote = createRemoteJWKSet(url, options);
  }

  algorithms(): string[] {
    return [...EXTERNAL_ALGORITHMS];
  }

  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    if (typeof header.alg !== 'string' || !EXTERNAL.has(header.alg)) {
      throw new AlgorithmNotAllowed('algorithm not allowed for this issuer');
    }
    try {
      const key = await this.remote(header, token);
      checkAlg(header, this.remote.jwks()?.keys ?? []);
      return key;
    } catch (err) {
      if (err instanceof errors.JWKSMultipleMatchingKeys) checkAlg(header, this.remote.jwks()?.keys ?? []);
      throw err;
    }
  }
}

/** Allowed JWKS URLs: https anywhere, plain http only on the loopback interface. */
export function checkJwksUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`invalid JWKS URL ${JSON.stringify(raw)}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`JWKS URL ${raw} must use https (plain http only on loopback)`);
  }
  return url;
}
