// The process's one Prometheus registry (prom-client). Every component of a kubeql process —
// apiserver, store, and later the scheduler, controller-manager and node fleet — registers
// its metrics here, so one /metrics answer shows them all. Node's process metrics
// (CPU, memory, event-loop lag, GC, handles) are in it from the first call.
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

let registry: Registry | undefined;

/** The process-wide registry (created with Node's default process metrics on first use). */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

// Get-or-create: a metric is defined once per process even when its module's owner is
// created many times (several apiservers or stores in one test process share it).
function define<M>(name: string, create: () => M): M {
  return (metricsRegistry().getSingleMetric(name) as M | undefined) ?? create();
}

export function counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return define(config.name, () => new Counter({ ...config, registers: [metricsRegistry()] }));
}

export function gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return define(config.name, () => new Gauge({ ...config, registers: [metricsRegistry()] }));
}

export function histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return define(config.name, () => new Histogram({ ...config, registers: [metricsRegistry()] }));
}

/** Latency buckets (seconds) for fast internal steps: parse, validate, commit. */
export const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export { Registry };
