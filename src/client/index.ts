// kubeql's client SDK (`kubeql/client`): what every component and user program uses to
// talk to the apiserver. So far: the clock and the work queue; the typed client,
// informers, the reconciler engine and leader election follow (issue 7).
export { FakeClock, realClock, type Clock, type Timer } from './clock.ts';
export { BucketRateLimiter, ExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';
export { WorkQueue, type WorkQueueOptions } from './work-queue.ts';
