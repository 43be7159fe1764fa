import { randomUUID } from 'node:crypto';
import type { Access } from '../access.ts';
import type { AdmitHook, Registry } from '../registry/index.ts';
import { Loaders } from './loaders.ts';

/** What every resolver gets: who is asking, what they may do, the registry, and this request's batching loaders. */
export interface Context {
  registry: Registry;
  loaders: Loaders;
  access: Access;
  /** Admission checks that need the caller and the object (NodeRestriction, RBAC escalation). */
  admit: AdmitHook;
  requestId: string;
  /** Takes `units` more requests' worth from the caller's rate limit (a bulk operation's extra items); throws TOO_MANY_REQUESTS. */
  charge?: (units: number) => void;
  /** Mints service-account tokens with the cluster key (absent when authentication is off). */
  serviceAccountTokens?: { mintServiceAccount(namespace: string, name: string, uid: string, ttlSeconds?: number): Promise<string> };
}

export const createContext = (
  registry: Registry,
  access: Access,
  admit: AdmitHook,
  requestId: string = randomUUID(),
  serviceAccountTokens?: Context['serviceAccountTokens'],
  charge?: Context['charge'],
): Context => ({
  registry,
  loaders: new Loaders(registry),
  access,
  admit,
  requestId,
  serviceAccountTokens,
  charge,
});
