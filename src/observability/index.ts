// What every kubeql component shares to be observed: the process's Prometheus registry and
// structured logs.
export { metricsRegistry, counter, gauge, histogram, FAST_BUCKETS, Registry } from './metrics.ts';
export {
  createLogger,
  resolveLogLevel,
  completeLogger,
  silentLogger,
  type Logger,
  type PartialLogger,
  type LoggerOptions,
  type LogLevel,
  type LogFields,
} from './logger.ts';
