import type { KubeObject } from '../apis/kinds.ts';
import { refused, type Outcome, type Write } from './conditional-write.ts';
import { fromRow, toStoredJson, type SecretCodec } from './objects.ts';
import type { ObjectKey, WriteResult } from './types.ts';

// Replaces the object if its current revision is the expected one (or always, without
// one); the change record keeps the previous state. On a failed precondition the current
// object comes back, so the caller can retry without another read.
export function updateWrite(key: ObjectKey, object: KubeObject, expectedRevision?: number, codec?: SecretCodec): Write {
  return { verb: 'update', key, json: toStoredJson(object, codec), expectedRevision };
}

export function updated(object: KubeObject, outcome: Outcome, codec?: SecretCodec): WriteResult {
  return outcome.revision === undefined ? refused(outcome, codec) : { ok: true, object: fromRow(object, outcome.revision) };
}
