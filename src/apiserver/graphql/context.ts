import type { Registry } from '../registry/index.ts';
import { Loaders } from './loaders.ts';

/** What every resolver gets: the registry and this request's batching loaders. */
export interface Context {
  registry: Registry;
  loaders: Loaders;
  requestId: string;
}

export const createContext = (registry: Registry, requestId: string): Context => ({
  registry,
  loaders: new Loaders(registry),
  requestId,
});
