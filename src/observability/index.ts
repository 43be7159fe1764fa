// What every kubeql component shares to be observed: the process's Prometheus registry and
// structured logs.
export { metricsRegistry, counter, gauge, histogram, FAST_BUCKETS, Registry } from './metrics.ts';
export { completeLogger, consoleLogger, silentLogger, type Logger, type PartialLogger, type LogFields } from './log.ts';
export { createLogger, resolveLogLevel, type LoggerOptions, type LogLevel } from './logger.ts';
