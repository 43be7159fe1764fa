// Secrets (core/v1): ValidateSecret and ValidateSecretUpdate — config-map keys, the 1 MiB
// limit, the keys each well-known type requires, `type` immutable, and `immutable: true`.
//
// `data` holds bytes, written as base64 (Go's encoding/json decodes []byte with
// base64.StdEncoding): a value that does not decode fails the request in Kubernetes while
// decoding it; here it is a cause at `data[key]` with Go's own error text. `stringData` is
// folded into `data` by the strategy before validation (Kubernetes does it in conversion),
// so its keys are checked as data's.

import type { KubeObject } from '../kinds.ts';
import { FIELD_IMMUTABLE, forbidden, invalid, isRec, key, readBool, readString, readStringMap, required, tooLong, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { checkWith, isConfigMapKey, nameIsDNSSubdomain } from './names.ts';

/** core.MaxSecretSize: the bytes of a Secret's data (and of a ConfigMap's data and binaryData) together. */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** The message of a change to data (or binaryData, or unsetting `immutable`) of an immutable Secret or ConfigMap. */
export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** What Kubernetes prints instead of a Secret's contents. */
const REDACTED = '<secret contents redacted>';

export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
} as const;

// ---- base64, as Go's base64.StdEncoding decodes it ----------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d; // '='
const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;

/**
 * base64.StdEncoding.DecodeString: padding required, `\r` and `\n` ignored. Returns the
 * bytes, or Go's error (`illegal base64 data at input byte 4`, the offset in bytes of
 * the string's UTF-8 encoding).
 */
export function decodeBase64(s: string): Buffer | string {
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(Math.ceil(src.length / 4) * 3);
  const corrupt = (at: number): string => `illegal base64 data at input byte ${at}`;
  let n = 0;
  let si = 0;
  while (si < src.length) {
    // decodeQuantum: up to four symbols, newlines skipped, padding at the end only.
    const q = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: number | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out.subarray(0, n);
        return corrupt(si - j);
      }
      const c = src[si]!;
      si++;
      const v = DECODE[c]!;
      if (v >= 0) {
        q[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== PAD) return corrupt(si - 1);
      // Padding: the quantum ends here.
      if (j < 2) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== PAD) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = (q[0]! << 18) | (q[1]! << 12) | (q[2]! << 6) | q[3]!;
    out[n++] = (val >> 16) & 0xff;
    if (dlen > 2) out[n++] = (val >> 8) & 0xff;
    if (dlen > 3) out[n++] = val & 0xff;
    if (trailing !== undefined) return corrupt(trailing);
  }
  return out.subarray(0, n);
}

/** base64.StdEncoding.EncodeToString. */
export const encodeBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * The values of a base64 map (a Secret's data, a ConfigMap's binaryData) decoded; a value
 * that is not a string or not base64 gets its cause (`what` is printed instead of it when
 * given) and is left out.
 */
export function decodeBase64Map(errs: Errs, path: string, v: unknown, what?: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const strings = readStringMap(errs, path, v);
  if (!strings) return out;
  for (const [k, s] of Object.entries(strings)) {
    const bytes = decodeBase64(s);
    if (typeof bytes === 'string') errs.push(invalid(key(path, k), what ?? s, bytes));
    else out.set(k, bytes);
  }
  return out;
}

/** Whether two base64 maps hold the same bytes (absent and empty alike, as Go's nil and empty maps decode). */
export function sameBytes(a: unknown, b: unknown): boolean {
  const da = decodeBase64Map([], '', a);
  const db = decodeBase64Map([], '', b);
  const ra = isRec(a) ? Object.keys(a).length : 0;
  const rb = isRec(b) ? Object.keys(b).length : 0;
  if (da.size !== ra || db.size !== rb) return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {}); // undecodable: compare as written
  if (da.size !== db.size) return false;
  for (const [k, v] of da) {
    const w = db.get(k);
    if (!w || !v.equals(w)) return false;
  }
  return true;
}

// ---- JSON, as Go's json.Unmarshal into map[string]interface{} answers --------------

/** The error json.Unmarshal gives for the bytes, into a map; undefined when it decodes. */
function goJSONMapError(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const trimmed = text.trimStart();
    if (trimmed.length === 0) return 'unexpected end of JSON input';
    const first = trimmed[0]!;
    if (!/[[{"\-0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`;
    return 'unexpected end of JSON input';
  }
  if (parsed === null || isRec(parsed)) return undefined;
  const type = Array.isArray(parsed) ? 'array' : typeof parsed === 'boolean' ? 'bool' : typeof parsed;
  return `json: cannot unmarshal ${type} into Go value of type map[string]interface {}`;
}

// ---- validation ----------------------------------------------------------------------

export function validateSecret(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });

  const data = decodeBase64Map(errs, 'data', obj.data, REDACTED);
  let total = 0;
  for (const [k, bytes] of data) {
    checkWith(errs, key('data', k), k, isConfigMapKey);
    total += bytes.length;
  }
  // Keys whose values failed to decode are still keys.
  if (isRec(obj.data)) for (const k of Object.keys(obj.data)) if (!data.has(k)) checkWith(errs, key('data', k), k, isConfigMapKey);
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  // What the strategy could not fold into data (values that are not strings).
  readStringMap(errs, 'stringData', obj.stringData);
  readBool(errs, 'immutable', obj.immutable);

  const type = readString(errs, 'type', obj.type) ?? '';
  const has = (k: string): boolean => isRec(obj.data) && Object.hasOwn(obj.data, k);
  switch (type) {
    case SECRET_TYPES.serviceAccountToken: {
      const annotations = isRec(obj.metadata?.annotations) ? obj.metadata.annotations : {};
      const name = annotations['kubernetes.io/service-account.name'];
      if (typeof name !== 'string' || name.length === 0) errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
      break;
    }
    case SECRET_TYPES.dockercfg:
    case SECRET_TYPES.dockerConfigJson: {
      const k = type === SECRET_TYPES.dockercfg ? '.dockercfg' : '.dockerconfigjson';
      if (!has(k)) {
        errs.push(required(key('data', k)));
        break;
      }
      const bytes = data.get(k);
      const error = bytes && goJSONMapError(bytes);
      if (error) errs.push(invalid(key('data', k), REDACTED, error));
      break;
    }
    case SECRET_TYPES.basicAuth:
      // username or password may be empty, but one of them must be there
      if (!has('username') && !has('password')) {
        errs.push(required(key('data', 'username')));
        errs.push(required(key('data', 'password')));
      }
      break;
    case SECRET_TYPES.sshAuth:
      if (!data.get('ssh-privatekey')?.length) errs.push(required(key('data', 'ssh-privatekey')));
      break;
    case SECRET_TYPES.tls:
      if (!has('tls.crt')) errs.push(required(key('data', 'tls.crt')));
      if (!has('tls.key')) errs.push(required(key('data', 'tls.key')));
      break;
  }
}

/** ValidateSecretUpdate: `type` may not change; nothing of an immutable Secret may. */
export function validateSecretUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const newType = typeof n.type === 'string' ? n.type : '';
  const oldType = typeof o.type === 'string' ? o.type : '';
  if (newType !== oldType) errs.push(invalid('type', newType, FIELD_IMMUTABLE));
  if (o.immutable === true) {
    if (n.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!sameBytes(n.data, o.data)) errs.push(forbidden('data', IMMUTABLE_WHEN_SET));
  }
}
