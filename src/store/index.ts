export type * from './types.ts';
export { SqlStore, type StoreOptions } from './sql-store.ts';
