// A YAML text as `kubectl apply -f` reads it: documents separated by `---`, empty ones
// skipped, `kind: List` (and `<Kind>List`) expanded into its items, and scalars read as
// YAML 1.1 — kubectl's sigs.k8s.io/yaml is go-yaml v2, so `defaultMode: 0644` is 420 and
// `yes`/`on` are true. The `yaml` package parses; what is kubectl's is here.
import { parseAllDocuments } from 'yaml';
import { ApiError, ErrorCode, badInput } from '../../apimachinery/errors.ts';
import { isRecord } from '../../apimachinery/json.ts';

export interface ManifestDocument {
  manifest: Record<string, unknown>;
  /** The index of the YAML document it came from (counting every `---` part, empty ones too). */
  document: number;
}

/** At most this many objects from one text (a guard against a List of a million items). */
export const MAX_MANIFESTS = 500;

const documentError = (document: number, message: string, field = ''): ApiError =>
  new ApiError(ErrorCode.BAD_USER_INPUT, `error parsing document ${document}: ${message}`, [{ field, message }], { document });

export function parseManifests(text: string): ManifestDocument[] {
  const out: ManifestDocument[] = [];
  // go-yaml v2 decodes an unquoted timestamp into a string when the target is untyped, as
  // kubectl's is: no timestamp tag, so `acquireTime: 2024-05-01T10:00:00.123456Z` stays text.
  const documents = parseAllDocuments(text, {
    version: '1.1',
    prettyErrors: false,
    uniqueKeys: true,
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((doc, document) => {
    const error = doc.errors[0];
    if (error) throw documentError(document, error.message.split('\n')[0]!);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return; // an empty document, as kubectl skips it
    if (!isRecord(value)) throw documentError(document, 'a manifest must be a YAML mapping (an object)');
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        if (!isRecord(item)) throw documentError(document, 'a List item must be an object', `items[${i}]`);
        out.push({ manifest: item, document });
      });
    } else {
      out.push({ manifest: value, document });
    }
    if (out.length > MAX_MANIFESTS) throw documentError(document, `too many objects: at most ${MAX_MANIFESTS} in one text`);
  });
  if (!out.length) throw badInput('no objects passed to apply', [{ field: 'yaml', message: 'Required value' }]);
  return out;
}
