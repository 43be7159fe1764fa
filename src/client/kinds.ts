// The kind table as the SDK knows it (generated from the apiserver's: generated/kinds.ts),
// for components that work on every kind (the garbage collector, the namespace controller).
import type { KindInfo } from '../apis/kinds.ts';
import { KIND_INFO, type KindTypes } from './generated/kinds.ts';

/** Every kind the apiserver serves, in the kind table's order. */
export const KINDS: readonly KindInfo[] = Object.values(KIND_INFO);

/** A kind's names and scope; undefined for a kind the apiserver does not serve. */
export const kindInfo = (kind: string): KindInfo | undefined => (Object.hasOwn(KIND_INFO, kind) ? KIND_INFO[kind as keyof KindTypes] : undefined);
