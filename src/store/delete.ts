import { refused, type Outcome, type Write } from './conditional-write.ts';
import { fromRow, type SecretCodec } from './objects.ts';
import type { ObjectKey, WriteResult } from './types.ts';

// Same precondition as update; the DELETED change record carries the last state.
export function deleteWrite(key: ObjectKey, expectedRevision?: number): Write {
  return { verb: 'delete', key, expectedRevision };
}

/** On success `object` is the last state at the deletion's revision. */
export function deleted(outcome: Outcome, codec?: SecretCodec): WriteResult {
  return outcome.revision === undefined ? refused(outcome, codec) : { ok: true, object: fromRow(JSON.parse(outcome.current!.json!), outcome.revision, codec) };
}
