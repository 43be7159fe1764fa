// Authentication: bearer JWTs (HTTP `Authorization` header, graphql-ws connection_init
// payload), verified with jose against the cluster's own signing key or against an
// external OIDC-style issuer's JWKS. Every failure is ApiError(UNAUTHENTICATED) with a short
// message that says nothing about why the token was refused (except that it expired).

import { randomUUID } from 'node:crypto';
import {
  decodeJwt,
  errors,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import { checkJwksUrl, FileKeySource, RemoteKeySource, type KeySource, type RemoteOptions } from './jwks.ts';
import { loadOrCreateSigningKey, type ClusterKey } from './keys.ts';
import { LRUCache } from 'lru-cache';

export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
}

export const ANONYMOUS: UserInfo = Object.freeze({
  username: 'system:anonymous',
  uid: '',
  groups: Object.freeze(['system:unauthenticated']) as unknown as string[],
});

export const AUTHENTICATED_GROUP = 'system:authenticated';
export const RESERVED_PREFIX = 'system:';

export interface ExternalIssuer {
  issuer: string;
  /** Expected `aud`; defaults to the authenticator's own audience. */
  audience?: string | string[];
  jwksFile?: string;
  jwksUrl?: string;
  /** default 'sub' */
  usernameClaim?: string;
  /** default 'groups' */
  groupsClaim?: string;
  /** Passed to jose's createRemoteJWKSet (milliseconds); only for `jwksUrl`. */
  remoteJwksOptions?: RemoteOptions;
}

export interface AuthenticatorOptions {
  /** Where the cluster's signing key (a private JWK, EdDSA Ed25519 — or ES256) is kept; generated on first start (file mode 0600, directory created). */
  signingKeyFile: string;
  /** default 'https://kubeql.local' (the cluster's own tokens) */
  issuer?: string;
  /** default 'kubeql' */
  audience?: string;
  /** default 5 */
  clockToleranceSeconds?: number;
  externalIssuers?: ExternalIssuer[];
  /** injected for tests */
  clock?: () => Date;
}

export const DEFAULT_ISSUER = 'https://kubeql.local';
export const DEFAULT_AUDIENCE = 'kubeql';
export const DEFAULT_TTL_SECONDS = 3600;
export const MAX_TTL_SECONDS = 48 * 3600;
/** Tokens (and header values) longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** How long a verified token is trusted without checking its signature again. */
const VERIFIED_TTL_MS = 10_000;

const INVALID = 'invalid bearer token';
const EXPIRED = 'token has expired';
const unauthenticated = (message = INVALID): ApiError => new ApiError(ErrorCode.UNAUTHENTICATED, message);

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BEARER = /^Bearer[ \t]+([^\s]+)$/i;

interface IssuerEntry {
  issuer: string;
  audience: string | string[];
  usernameClaim: string;
  groupsClaim: string;
  keys: KeySource;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export class Authenticator {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly tolerance: number;
  private readonly clock: () => Date;
  /** Tokens whose signature and claims were verified recently. */
  private readonly verified = new LRUCache<string, { user: UserInfo; expiresAt: Date; at: number }>({ max: 10_000 });

  private constructor(
    private readonly key: ClusterKey,
    private readonly external: Map<string, IssuerEntry>,
    options: AuthenticatorOptions,
  ) {
    this.issuer = options.issuer ?? DEFAULT_ISSUER;
    this.audience = options.audience ?? DEFAULT_AUDIENCE;
    this.tolerance = options.clockToleranceSeconds ?? 5;
    this.clock = options.clock ?? (() => new Date());
  }

  static async create(options: AuthenticatorOptions): Promise<Authenticator> {
    const issuer = options.issuer ?? DEFAULT_ISSUER;
    const audience = options.audience ?? DEFAULT_AUDIENCE;
    const tolerance = options.clockToleranceSeconds ?? 5;
    if (!issuer) throw new Error('authn: issuer must not be empty');
    if (!audience) throw new Error('authn: audience must not be empty');
    if (!Number.isFinite(tolerance) || tolerance < 0) throw new Error('authn: clockToleranceSeconds must be >= 0');
    const external = new Map<string, IssuerEntry>();
    for (const ext of options.externalIssuers ?? []) {
      if (typeof ext.issuer !== 'string' || ext.issuer === '') throw new Error('authn: external issuer without "issuer"');
      if (ext.issuer === issuer) throw new Error(`authn: external issuer ${ext.issuer} is the cluster's own issuer`);
      if (external.has(ext.issuer)) throw new Error(`authn: external issuer ${ext.issuer} configured twice`);
      if ((ext.jwksFile === undefined) === (ext.jwksUrl === undefined)) {
        throw new Error(`authn: external issuer ${ext.issuer} needs exactly one of jwksFile, jwksUrl`);
      }
      const keys = ext.jwksFile !== undefined ? await FileKeySource.open(ext.jwksFile) : new RemoteKeySource(checkJwksUrl(ext.jwksUrl!), ext.remoteJwksOptions);
      const extAudience = ext.audience ?? audience;
      if (Array.isArray(extAudience) ? extAudience.length === 0 : !extAudience) {
        throw new Error(`authn: external issuer ${ext.issuer} has an empty audience`);
      }
      external.set(ext.issuer, {
        issuer: ext.issuer,
        audience: extAudience,
        usernameClaim: ext.usernameClaim ?? 'sub',
        groupsClaim: ext.groupsClaim ?? 'groups',
        keys,
      });
    }
    const key = await loadOrCreateSigningKey(options.signingKeyFile);
    return new Authenticator(key, external, options);
  }

  /** Verifies a bearer token; throws ApiError(UNAUTHENTICATED, message) on every failure. */
  async authenticate(token: string): Promise<{ user: UserInfo; expiresAt: Date }> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      throw unauthenticated();
    }
    // A component sends the same token thousands of times a second: a signature checked
    // moments ago is not checked again (kube-apiserver caches token reviews likewise).
    // Only the cluster's own tokens: its key does not change while the server runs, while
    // an external issuer's key rotation must take effect at once.
    const now = this.clock().getTime();
    const hit = this.verified.get(token);
    if (hit && now >= hit.at && now - hit.at < VERIFIED_TTL_MS && now < hit.expiresAt.getTime() + this.tolerance * 1000) {
      return { user: hit.user, expiresAt: hit.expiresAt };
    }
    const result = await this.verify(token);
    if (result.own) this.verified.set(token, { user: result.user, expiresAt: result.expiresAt, at: now });
    return { user: result.user, expiresAt: result.expiresAt };
  }

  private async verify(token: string): Promise<{ user: UserInfo; expiresAt: Date; own: boolean }> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token); // only to pick the issuer; nothing is trusted yet
    } catch {
      throw unauthenticated();
    }
    const iss = unverified.iss;
    if (typeof iss !== 'string') throw unauthenticated();

    const now = this.clock();
    const common: JWTVerifyOptions = {
      issuer: iss,
      clockTolerance: this.tolerance,
      currentDate: now,
      requiredClaims: ['exp'],
    };
    let payload: JWTPayload;
    let entry: IssuerEntry | undefined;
    try {
      if (iss === this.issuer) {
        ({ payload } = await jwtVerify(token, (h: JWSHeaderParameters) => this.clusterKey(h), {
          ...common,
          audience: this.audience,
          algorithms: [this.key.alg],
        }));
      } else {
        entry = this.external.get(iss);
        if (!entry) throw unauthenticated();
        payload = await verifyExternal(token, entry, common);
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw unauthenticated(err instanceof errors.JWTExpired ? EXPIRED : INVALID);
    }
    // jose checks `iat` only against a maximum age; a token issued in the future is refused too.
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + this.tolerance) {
      throw unauthenticated();
    }
    const user = entry ? identity(payload, entry.usernameClaim, entry.groupsClaim, false) : identity(payload, 'sub', 'groups', true);
    return { user, expiresAt: new Date((payload.exp as number) * 1000), own: !entry };
  }

  /** Parses an `Authorization` header value; absent → ANONYMOUS; malformed → UNAUTHENTICATED. */
  async fromHeader(authorization: string | undefined | null): Promise<{ user: UserInfo; expiresAt?: Date }> {
    if (authorization === undefined || authorization === null) return { user: ANONYMOUS };
    if (typeof authorization !== 'string' || authorization.length > MAX_TOKEN_LENGTH + 64) {
      throw unauthenticated();
    }
    const value = authorization.trim();
    if (value === '') return { user: ANONYMOUS };
    const m = BEARER.exec(value);
    if (!m) throw unauthenticated();
    return this.authenticate(m[1]!);
  }

  /** A graphql-ws connection_init payload: `{ authorization: 'Bearer …' }` or `{ token: '…' }`. */
  async fromConnectionParams(params: Record<string, unknown> | undefined | null): Promise<{ user: UserInfo; expiresAt?: Date }> {
    if (params === undefined || params === null) return { user: ANONYMOUS };
    if (typeof params !== 'object' || Array.isArray(params)) throw unauthenticated();
    const present = (v: unknown) => v !== undefined && v !== null && v !== '';
    const header = present(params.authorization) ? params.authorization : params.Authorization;
    const token = params.token;
    if (present(header) && typeof header !== 'string') throw unauthenticated();
    if (present(token) && typeof token !== 'string') throw unauthenticated();
    if (present(header) && present(token)) {
      const m = BEARER.exec((header as string).trim());
      if (!m || m[1] !== token) throw unauthenticated(); // two different credentials
    }
    if (present(header)) return this.fromHeader(header as string);
    if (present(token)) return this.authenticate(token as string);
    return { user: ANONYMOUS };
  }

  /** Mints a token signed by the cluster key (like `kubectl create token`). */
  async mint(user: { username: string; uid?: string; groups?: string[] }, ttlSeconds?: number): Promise<string> {
    return this.sign(user, ttlSeconds ?? DEFAULT_TTL_SECONDS, {});
  }

  private async sign(user: { username: string; uid?: string; groups?: string[] }, ttlSeconds: number, extraClaims: Record<string, unknown>): Promise<string> {
    if (typeof user?.username !== 'string' || user.username === '') {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, 'username must not be empty');
    }
    if (user.uid !== undefined && typeof user.uid !== 'string') {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, 'uid must be a string');
    }
    const groups = user.groups ?? [];
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string' || g === '')) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, 'groups must be non-empty strings');
    }
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `ttl must be between 1 and ${MAX_TTL_SECONDS} seconds`);
    }
    const now = Math.floor(this.clock().getTime() / 1000);
    const claims: JWTPayload = { ...extraClaims, groups: [...new Set(groups)] };
    if (user.uid) claims.uid = user.uid;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.key.alg, kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(user.username)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
  }

  /** Service account token: `system:serviceaccount:<ns>:<name>` in `system:serviceaccounts[:<ns>]`. */
  async mintServiceAccount(namespace: string, name: string, uid: string, ttlSeconds?: number): Promise<string> {
    if (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace)) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `invalid namespace ${JSON.stringify(namespace)}`);
    }
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `invalid service account name ${JSON.stringify(name)}`);
    }
    return this.sign(
      {
        username: `system:serviceaccount:${namespace}:${name}`,
        uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
      },
      ttlSeconds ?? DEFAULT_TTL_SECONDS,
      { 'kubernetes.io': { namespace, serviceaccount: { name, uid } } },
    );
  }

  /** The public JWKS of the cluster key (for other apiservers / external verifiers). */
  publicJwks(): { keys: object[] } {
    return { keys: [{ ...this.key.publicJwk }] };
  }

  /** The cluster key, for the cluster's own tokens only: a token naming another `kid` is refused. */
  private async clusterKey(header: JWSHeaderParameters): Promise<CryptoKey> {
    if (header.kid !== undefined && header.kid !== this.key.kid) throw unauthenticated();
    return this.key.publicKey;
  }
}

async function verifyExternal(token: string, entry: IssuerEntry, common: JWTVerifyOptions): Promise<JWTPayload> {
  const options: JWTVerifyOptions = {
    ...common,
    audience: entry.audience,
    algorithms: entry.keys.algorithms(),
  };
  const getKey = (h: JWSHeaderParameters, t: FlattenedJWSInput) => entry.keys.getKey(h, t);
  try {
    return (await jwtVerify(token, getKey, options)).payload;
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    // No `kid` and several candidate keys: try each (jose's documented pattern).
    for await (const key of err as unknown as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (inner instanceof errors.JWSSignatureVerificationFailed) continue;
        throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** `{ username, uid, groups }` from verified claims; anything ill-typed is refused. */
function identity(payload: JWTPayload, usernameClaim: string, groupsClaim: string, cluster: boolean): UserInfo {
  const username = payload[usernameClaim];
  if (typeof username !== 'string' || username === '') throw unauthenticated();
  const uid = payload.uid ?? '';
  if (typeof uid !== 'string') throw unauthenticated();
  const rawGroups = payload[groupsClaim] ?? [];
  if (!Array.isArray(rawGroups) || rawGroups.some((g) => typeof g !== 'string' || g === '')) {
    throw unauthenticated();
  }
  const groups = [...new Set(rawGroups as string[])];
  // `system:` names are the cluster's own: only its key may vouch for them.
  if (!cluster && (username.startsWith(RESERVED_PREFIX) || groups.some((g) => g.startsWith(RESERVED_PREFIX)))) {
    throw unauthenticated();
  }
  if (!groups.includes(AUTHENTICATED_GROUP)) groups.push(AUTHENTICATED_GROUP);
  return { username, uid, groups };
}
