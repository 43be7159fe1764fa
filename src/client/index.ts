// kubeql's client SDK (`kubeql/client`): what every component and user program uses to
// talk to the apiserver — the typed client, informers with indexed caches, the work queue
// and reconciler engine, leader election, and the clock every timer goes through.
export { FakeClock, realClock, timestamp, type Clock, type Timer } from '../apimachinery/clock.ts';
export { ApiError, ErrorCode } from '../apimachinery/errors.ts';
export { Client } from './client.ts';
export { Transport, type TransportOptions, type Sink } from './transport.ts';
export {
  ResourceClient,
  type AnyObject,
  type DeleteOptions,
  type Kind,
  type KindTypes,
  type KubeObjectOf,
  type ListOptions,
  type ListResult,
  type PodBinding,
  type StatusUpdate,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from './resources.ts';
export * as operations from './generated/graphql.ts';
export { KINDS, kindInfo } from './kinds.ts';
export { Cache, STANDARD_INDEXES, keyOf, splitKey, type IndexFunc } from './cache.ts';
export { Informer, type EventHandler, type InformerOptions } from './informer.ts';
export { SharedInformers } from './shared-informers.ts';
export { LeaderElector, type LeaderElectionOptions } from './leader-election.ts';
export { LeaderElected, type LeaderElectedOptions } from './leader-elected.ts';
export { BucketRateLimiter, ExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';
export { WorkQueue, type WorkQueueOptions } from './work-queue.ts';
export { Controller, TerminalError, type ControllerOptions, type Reconciler, type Result } from './controller.ts';
export { eventRecorder, type EventRecorder } from './event-recorder.ts';
export { consoleLogger, silentLogger, completeLogger, type Logger, type PartialLogger, type LogFields } from '../observability/log.ts';
export { Batcher, type BatcherOptions } from './batcher.ts';
