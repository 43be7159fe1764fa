// The reconciler engine's metrics, under controller-runtime's and client-go's names so
// existing dashboards fit: reconciles by result, errors, reconcile time, and the work
// queue's depth and adds, labelled by controller. In the process's one registry
// (src/observability), so `kubeql up`'s /metrics shows them beside the apiserver's.
import { counter, gauge, histogram } from '../observability/metrics.ts'; // not index.ts, which loads pino

export const reconcileTotal = counter({
  name: 'controller_runtime_reconcile_total',
  help: 'Reconciles per controller, by result (success, error, requeue, requeue_after).',
  labelNames: ['controller', 'result'] as const,
});

export const reconcileErrors = counter({
  name: 'controller_runtime_reconcile_errors_total',
  help: 'Reconciles per controller that ended in an error.',
  labelNames: ['controller'] as const,
});

export const reconcileTime = histogram({
  name: 'controller_runtime_reconcile_time_seconds',
  help: 'Time per reconcile, per controller.',
  labelNames: ['controller'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

export const queueDepth = gauge({
  name: 'workqueue_depth',
  help: "Keys waiting in a controller's work queue.",
  labelNames: ['name'] as const,
});

export const queueAdds = counter({
  name: 'workqueue_adds_total',
  help: "Keys added to a controller's work queue (duplicates of waiting keys included).",
  labelNames: ['name'] as const,
});
