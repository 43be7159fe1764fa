// Encryption at rest for Secrets: kube-apiserver's EncryptionConfiguration with the aesgcm
// provider, as a transformer between the store's objects and its rows. Only kind Secret is
// transformed; every other kind is stored as it is.
//
// What is sealed. Kubernetes encrypts a Secret's whole value and keeps only the etcd key in
// clear. Here the row is also queried by SQL on its JSON (label and field selectors,
// selector-sql.ts; relations by owner or label, select.ts), so the row keeps in clear what
// those queries read — apiVersion, kind, `type` (the Secret field selector) and metadata
// except annotations and managedFields — and everything else goes into one AES-256-GCM
// envelope in the field `encrypted`: `data` (stringData, were it ever there), `immutable`,
// any other field, and `metadata.annotations`, which would otherwise hold the plaintext
// (the generic `apply` keeps the whole manifest in kubectl's last-applied-configuration).
// The envelope is the prefix `k8s:enc:aesgcm:v1:<key id>:` and base64 of a random 12-byte
// nonce, the ciphertext and the 16-byte tag; the authenticated data is the object's key
// (namespace/name), so no envelope can be moved to another Secret. The key id (derived
// from the key) lets keys rotate later: a row names the key that opens it.
//
// Where. The store's two conversions, toStoredJson and fromRow (objects.ts), call this for
// kind Secret, so the rows of kubeql_resource, the records of kubeql_change (written from
// the same JSON) and nothing else see sealed data, while every reader — get, list, select,
// the paged list's older states, watch replay from the log, the hub's live fan-out and its
// `recent` cache, changes read after another apiserver's NOTIFY (which carries only a
// revision) — gets plaintext objects. The cost for other kinds is one comparison of
// `kind` per conversion.
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KubeObject } from '../apis/kinds.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';

export const SECRET_KIND = 'Secret';

/** The field of a stored Secret that holds the envelope. */
export const ENVELOPE_FIELD = 'encrypted';

const PREFIX = 'k8s:enc:aesgcm:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** What the row keeps in clear: what SQL reads (selectors, relations) and nothing secret. */
const CLEAR_TOP = new Set(['apiVersion', 'kind', 'metadata', 'type']);
const SEALED_META = new Set(['annotations', 'managedFields']);

export interface EncryptionKeyOptions {
  /**
   * A file holding the 32-byte AES-256 key: base64 (`head -c 32 /dev/urandom | base64`),
   * hex, or the 32 bytes themselves. Every apiserver of one cluster must be given the same
   * file. Absent: KUBEQL_ENCRYPTION_KEY_FILE; absent too: a key of this process only
   * (in-memory test servers), so Secrets written with it cannot be read after a restart.
   */
  encryptionKeyFile?: string;
  /**
   * Create `encryptionKeyFile` (mode 0600) with a new random key when it does not exist —
   * the data directory's own key. Otherwise a missing file is a startup error. @default false
   */
  createEncryptionKey?: boolean;
}

/** The key of this process, for stores given none (generated once: stores of one process read each other's rows). */
let processKey: Buffer | undefined;

const isCode = (err: unknown, code: string): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;

/** The key in a key file's bytes, or why not. */
export function parseKey(bytes: Buffer): Buffer | string {
  if (bytes.length === KEY_BYTES) return bytes;
  const text = bytes.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    const key = Buffer.from(text, 'base64');
    if (key.length === KEY_BYTES) return key;
    return `it holds ${key.length} bytes in base64, not ${KEY_BYTES}`;
  }
  return `it must hold a ${KEY_BYTES}-byte AES-256 key: base64 (head -c 32 /dev/urandom | base64), hex, or the raw bytes`;
}

async function readKeyFile(file: string): Promise<Buffer> {
  const parsed = parseKey(await readFile(file));
  if (typeof parsed === 'string') throw new Error(`encryption key file ${file} is invalid: ${parsed}`);
  return parsed;
}

/** Creates the key file atomically (a temporary file hard-linked into place): two apiservers starting at once end up with one key. */
async function createKeyFile(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(tmp, 0o600); // in case of an unusual umask
    await link(tmp, file);
  } catch (err) {
    if (!isCode(err, 'EEXIST')) throw err; // another apiserver won the race: use its key
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** The id a key goes by in envelopes: a hash of it, so every apiserver given the same key names it alike. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('kubeql secret encryption key\0').update(key).digest('hex').slice(0, 16);
}

type Json = Record<string, unknown>;

const unreadable = (namespace: unknown, name: unknown, why: string): ApiError =>
  new ApiError(ErrorCode.INTERNAL_SERVER_ERROR, `unable to transform key "secrets/${String(namespace ?? '')}/${String(name ?? '')}": ${why}`);

export class SecretEncryption {
  /** Keys that open envelopes, by id; one for now (rotation would add the previous ones). */
  private readonly keys: Map<string, Buffer>;
  readonly keyId: string;

  private constructor(
    private readonly key: Buffer,
    readonly source: string,
  ) {
    this.keyId = keyIdOf(key);
    this.keys = new Map([[this.keyId, key]]);
  }

  /** A transformer with the given key (tests; `load` reads it from a file). */
  static withKey(key: Buffer, source = 'a key given in memory'): SecretEncryption {
    if (key.length !== KEY_BYTES) throw new Error(`an encryption key has ${KEY_BYTES} bytes, not ${key.length}`);
    return new SecretEncryption(Buffer.from(key), source);
  }

  /** The key as the options name it (see EncryptionKeyOptions); a missing or malformed file is an error. */
  static async load(options: EncryptionKeyOptions = {}): Promise<SecretEncryption> {
    const file = options.encryptionKeyFile ?? (process.env.KUBEQL_ENCRYPTION_KEY_FILE || undefined);
    if (file === undefined)
      return new SecretEncryption((processKey ??= randomBytes(KEY_BYTES)), 'a key of this process only (no encryption key file was given)');
    try {
      return new SecretEncryption(await readKeyFile(file), `the key file ${file}`);
    } catch (err) {
      if (!isCode(err, 'ENOENT')) throw err;
      if (!options.createEncryptionKey)
        throw new Error(`encryption key file ${file} does not exist: every apiserver of a cluster must be given the cluster's key file`);
    }
    await createKeyFile(file);
    return new SecretEncryption(await readKeyFile(file), `the key file ${file}`);
  }

  /** The JSON to store for a Secret (without resourceVersion): metadata and type in clear, the rest sealed. */
  seal(object: KubeObject): string {
    const clear: Json = {};
    const secret: Json = {};
    for (const [k, v] of Object.entries(object)) (CLEAR_TOP.has(k) ? clear : secret)[k] = v; // a field of the Secret's own named `encrypted` is sealed and comes back
    const metadata: Json = {};
    const sealedMeta: Json = {};
    for (const [k, v] of Object.entries(object.metadata ?? {})) {
      if (k === 'resourceVersion') continue;
      (SEALED_META.has(k) ? sealedMeta : metadata)[k] = v;
    }
    if (Object.keys(sealedMeta).length) secret.metadata = sealedMeta;
    clear.metadata = metadata;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(aadOf(metadata.namespace, metadata.name));
    const sealed = Buffer.concat([nonce, cipher.update(JSON.stringify(secret), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    clear[ENVELOPE_FIELD] = `${PREFIX}${this.keyId}:${sealed.toString('base64')}`;
    return JSON.stringify(clear);
  }

  /**
   * A stored Secret as it was written; one without an envelope (written before
   * encryption, or the caller's own object) is returned as it is. An envelope no key
   * here opens is an error, never data.
   */
  open(stored: Json): Json {
    const envelope = stored[ENVELOPE_FIELD];
    if (typeof envelope !== 'string' || !envelope.startsWith(PREFIX)) return stored;
    const { [ENVELOPE_FIELD]: _envelope, ...clear } = stored;
    const meta = (clear.metadata ?? {}) as Json;
    const colon = envelope.indexOf(':', PREFIX.length);
    const keyId = colon < 0 ? '' : envelope.slice(PREFIX.length, colon);
    const key = this.keys.get(keyId);
    if (!key)
      throw unreadable(
        meta.namespace,
        meta.name,
        `it was encrypted with key "${keyId}", but this apiserver has key "${this.keyId}" (${this.source}); every apiserver of a cluster must be given the same encryption key file`,
      );
    let secret: Json;
    try {
      const bytes = Buffer.from(envelope.slice(colon + 1), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(aadOf(meta.namespace, meta.name));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
      secret = JSON.parse(plain.toString('utf8')) as Json;
    } catch {
      throw unreadable(meta.namespace, meta.name, `the envelope of key "${keyId}" does not authenticate (a corrupt row, or a different key of the same id)`);
    }
    const { metadata: sealedMeta, ...sealedTop } = secret;
    const { type, ...rest } = clear;
    // data before type, as the row would list a Secret stored in clear.
    const out: Json = { ...rest, ...sealedTop, metadata: sealedMeta ? { ...meta, ...(sealedMeta as Json) } : meta };
    if (type !== undefined) out.type = type;
    return out;
  }

  /**
   * At startup: the newest sealed Secret of the database must open with this key, so that
   * a wrong key file is an error now rather than unreadable Secrets later. A database
   * without sealed Secrets has nothing to tell. (The change log is not asked: it only holds
   * the last minutes, and after a change of key it holds what the old key sealed.)
   */
  async verify(prisma: PrismaClient): Promise<void> {
    const [row] = await prisma.$queryRawUnsafe<{ object: Json }[]>(
      `SELECT object FROM kubeql_resource WHERE kind = $1 AND object->>'${ENVELOPE_FIELD}' LIKE $2 ORDER BY revision DESC LIMIT 1`,
      SECRET_KIND,
      `${PREFIX}%`,
    );
    if (!row) return;
    try {
      this.open(row.object);
    } catch (err) {
      throw new Error(`the Secrets in this database cannot be decrypted: ${(err as Error).message}`);
    }
  }
}

const aadOf = (namespace: unknown, name: unknown): Buffer => Buffer.from(`secrets/${String(namespace ?? '')}/${String(name ?? '')}`, 'utf8');
