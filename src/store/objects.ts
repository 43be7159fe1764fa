// Converting between stored rows and API objects. The store keeps objects without
// metadata.resourceVersion (the row's revision is the truth) and adds it on the way out.
import type { KubeObject } from '../apis/kinds.ts';
import { badInput, unavailable } from '../apimachinery/errors.ts';
import { SECRET_KIND } from './encryption.ts';

const TOP = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const META = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
];

/** JSONB sorts keys by length; put them back in the order `kubectl get -o json` prints. */
function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** How a store seals and opens Secrets (encryption.ts); without one, rows are objects as they are. */
export interface SecretCodec {
  seal(object: KubeObject): string;
  open(stored: Record<string, unknown>): Record<string, unknown>;
}

/** The object of a row; `codec` opens a sealed Secret (a row that is not one passes as it is). */
export function fromRow(object: unknown, revision: bigint | number, codec?: SecretCodec): KubeObject {
  let o = object as KubeObject;
  if (codec !== undefined && o.kind === SECRET_KIND) o = codec.open(o as unknown as Record<string, unknown>) as unknown as KubeObject;
  const metadata = ordered({ ...o.metadata, resourceVersion: String(revision) }, META);
  return ordered({ ...o, metadata }, TOP) as KubeObject;
}

/** The JSON text to store: the object without its resourceVersion (a Secret sealed by `codec`). */
export function toStoredJson(object: KubeObject, codec?: SecretCodec): string {
  if (codec !== undefined && object.kind === SECRET_KIND) return codec.seal(object);
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

/**
 * Text PostgreSQL cannot store — NUL characters (22021, 22P05) or a lone UTF-16
 * surrogate in JSON (22P02; every parameter the store casts itself is well-formed) — is
 * bad input, not an outage. A database that cannot be reached (or dropped the
 * connection) is UNAVAILABLE: the client may retry.
 */
export function translateDatabaseError(err: unknown): unknown {
  const cause = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause;
  if (cause?.originalCode === '22021' || cause?.originalCode === '22P05' || cause?.originalCode === '22P02') {
    return badInput('strings must be valid Unicode without NUL characters (\\u0000) or unpaired surrogates', [
      { field: '', message: 'Invalid value: not valid Unicode text' },
    ]);
  }
  if (isConnectionFailure(err)) return unavailable();
  return err;
}

/** Adapter error kinds (@prisma/adapter-pg) that say the connection, not the statement, failed. */
const CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/**
 * SQLSTATEs of the same: admin_shutdown, crash_shutdown, cannot_connect_now,
 * too_many_connections, and class 08 (connection exception).
 */
const CONNECTION_SQLSTATES = /^(57P0[123]|53300|080(00|01|03|04|06))$/;
/** Prisma's codes for the same: can't reach, timed out, server closed the connection, pool timeout. */
const CONNECTION_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Node's socket errors. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** What node-postgres, its pool and PGlite say (as plain Errors, unwrapped by the adapter). */
const CONNECTION_MESSAGES =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Can't reach database server|PGlite is closed|Cannot use a pool after calling end/;

interface ErrorLike {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string; code?: string } } };
}

/** Whether the error says the database could not be reached, rather than that the statement failed. */
export function isConnectionFailure(err: unknown): boolean {
  for (let e = err as ErrorLike | undefined, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as ErrorLike | undefined, depth++) {
    const adapter = e.meta?.driverAdapterError?.cause;
    if (adapter && (CONNECTION_KINDS.has(adapter.kind ?? '') || CONNECTION_SQLSTATES.test(adapter.originalCode ?? adapter.code ?? ''))) return true;
    if (typeof e.code === 'string' && (CONNECTION_PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code) || (e.severity && CONNECTION_SQLSTATES.test(e.code))))
      return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  }
  return false;
}
