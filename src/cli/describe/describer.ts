// What every describer is given and returns. A describer turns one object (already read
// through the SDK) into kubectl's text, reading the related objects it needs itself.
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Client } from '../../client/index.ts';

/** An object as the apiserver returns it (`manifest`: what `kubectl get -o json` prints). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}

export interface DescribeContext {
  client: Client;
  /** The time ages are measured to. */
  now: Date;
  /** Whether the Events section is read and printed (kubectl's --show-events). */
  showEvents: boolean;
  /** Page size of the lists read (kubectl's --chunk-size). */
  chunkSize: number;
}

export type Describer = (ctx: DescribeContext, object: Manifest) => Promise<string>;

/** The object as its Kubernetes type (kubernetes-types): a manifest is one. */
export const as = <T>(object: Manifest): T => object as unknown as T;
