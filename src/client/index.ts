// kubeql's client SDK (`kubeql/client`): what every component and user program uses to
// talk to the apiserver. So far: the clock, the work queue and the reconciler engine;
// the typed client, informers and leader election follow (issue 7).
export { FakeClock, realClock, type Clock, type Timer } from '../apimachinery/clock.ts';
export { BucketRateLimiter, ExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';
export { WorkQueue, type WorkQueueOptions } from './work-queue.ts';
export { Controller, TerminalError, type ControllerOptions, type Reconciler, type Result } from './controller.ts';
