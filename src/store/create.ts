import type { KubeObject } from '../apis/kinds.ts';
import type { Outcome, Write } from './conditional-write.ts';
import { fromRow, toStoredJson, type SecretCodec } from './objects.ts';
import type { ObjectKey } from './types.ts';

// A create is a conditional write whose precondition is that the key is free; a refused
// create changes nothing, not even the revision (conditional-write.ts).
export function createWrite(key: ObjectKey, object: KubeObject, codec?: SecretCodec): Write {
  return { verb: 'create', key, json: toStoredJson(object, codec), uid: object.metadata.uid };
}

/** The created object; `undefined` when the key is taken. */
export function created(object: KubeObject, outcome: Outcome): KubeObject | undefined {
  return outcome.revision === undefined ? undefined : fromRow(object, outcome.revision);
}
