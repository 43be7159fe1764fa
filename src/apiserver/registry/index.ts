export {
  Registry,
  type AdmissionAttributes,
  type AdmitHook,
  type DeleteOptions,
  type ListQuery,
  type PatchType,
  type PropagationPolicy,
  type RegistryOptions,
} from './registry.ts';
export { watchKind, type ApiWatchEvent, type WatchEventType, type WatchQuery } from './watch.ts';
export { realClock, timestamp, type Clock } from '../../apimachinery/clock.ts';
