// What every kubeql component shares to be observed: the process's Prometheus registry and
// structured logs.
export { metricsRegistry, counter, gauge, histogram, FAST_BUCKETS } from './metrics.ts';
export { completeLogger, type Logger, type PartialLogger } from './log.ts';
export { createLogger, type LogLevel } from './logger.ts';
