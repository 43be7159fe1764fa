// Secrets (core/v1, pkg/registry/core/secret): `stringData` is folded into base64 `data`
// on every write (Kubernetes does it in conversion; stringData is never stored or
// returned, and its keys win over data's), data is kept in base64's canonical form (it is
// bytes to Kubernetes), type defaults to Opaque. The store encrypts Secrets at rest.
import type { KubeObject } from '../kinds.ts';
import { isRec } from '../validation/field.ts';
import { decodeBase64, encodeBase64, validateSecret, validateSecretUpdate } from '../validation/secret.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/**
 * A base64 map's values in canonical form (one line, padded), as Kubernetes writes the
 * bytes back; values that do not decode are left for validation to report.
 */
export function canonicalizeBase64(map: unknown): void {
  if (!isRec(map)) return;
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') continue;
    const bytes = decodeBase64(v);
    if (typeof bytes !== 'string') map[k] = encodeBase64(bytes);
  }
}

/**
 * Folds stringData into data (a stringData key wins) and drops it. Values that are not
 * strings stay in stringData, and a data that is not an object stays as it is: validation
 * reports both.
 */
export function foldStringData(secret: KubeObject): void {
  const stringData = secret.stringData;
  if (stringData === undefined || stringData === null) {
    delete secret.stringData;
    return;
  }
  if (!isRec(stringData)) return;
  const strings = Object.entries(stringData).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (strings.length > 0) {
    if (secret.data === undefined || secret.data === null) secret.data = {};
    if (!isRec(secret.data)) return;
    const data = secret.data;
    for (const [k, v] of strings) data[k] = encodeBase64(Buffer.from(v, 'utf8'));
  }
  const rest = Object.fromEntries(Object.entries(stringData).filter(([, v]) => typeof v !== 'string'));
  if (Object.keys(rest).length > 0) secret.stringData = rest;
  else delete secret.stringData;
}

function prepare(secret: KubeObject): void {
  foldStringData(secret);
  canonicalizeBase64(secret.data);
}

/** The number of keys of the maps at the fields (kubectl's DATA column). */
export const keyCount = (obj: KubeObject, ...fields: string[]): number =>
  fields.reduce((n, f) => n + (isRec(obj[f]) ? Object.keys(obj[f] as object).length : 0), 0);

export const secretStrategy = defineStrategy({
  info: defineKind('Secret', 'v1', 'secrets', true, { hasStatus: false, fieldSelectors: ['type'] }),
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  /** SetDefaults_Secret. */
  defaults(secret) {
    if (secret.type === undefined || secret.type === null || secret.type === '') secret.type = 'Opaque';
  },
  prepareForCreate: prepare,
  prepareForUpdate: prepare,
  printColumns: [
    NAME_COLUMN,
    { name: 'TYPE', type: 'string', source: 'type', description: 'Used to facilitate programmatic handling of secret data.' },
    { name: 'DATA', type: 'integer', source: { compute: (s) => keyCount(s, 'data') }, description: 'The number of keys in data.' },
    AGE_COLUMN,
  ],
});
