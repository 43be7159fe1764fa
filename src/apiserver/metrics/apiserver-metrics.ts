// The apiserver's metrics, under Kubernetes' names and labels where Kubernetes has one
// (k8s.io/apiserver/pkg/endpoints/metrics, storage and flowcontrol metrics), kubeql's
// own (kubeql_*) for what Kubernetes does not have: GraphQL parse/validation time.
import { FAST_BUCKETS, counter, histogram } from '../../observability/index.ts';
import type { RequestInfo } from './request-info.ts';

const REQUEST_LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'component', 'code'] as const;

export const requestTotal = counter({
  name: 'apiserver_request_total',
  help: 'Counter of apiserver requests broken out for each verb, group, version, resource, subresource, component, and HTTP response code (one per GraphQL root field).',
  labelNames: REQUEST_LABELS,
});

export const requestDuration = histogram({
  name: 'apiserver_request_duration_seconds',
  help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource and component (WATCH excluded, as in Kubernetes).',
  labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'component'] as const,
  // kube-apiserver's buckets
  buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
});

export const rejectedRequests = counter({
  name: 'apiserver_flowcontrol_rejected_requests_total',
  help: 'Number of requests rejected by API Priority and Fairness (kubeql: by its per-level token buckets, reason rate-limited).',
  labelNames: ['flow_schema', 'priority_level', 'reason'] as const,
});

// Watch events are counted on the fan-out's hot path (every event × every watcher): a plain
// number per kind there, added to the counter when metrics are scraped.
interface EventCell {
  n: number;
  readonly labels: { group: string; version: string; kind: string };
}
const eventCells = new Map<string, EventCell>();

counter({
  name: 'apiserver_watch_events_total',
  help: 'Number of events sent in watch clients.',
  labelNames: ['group', 'version', 'kind'] as const,
  collect() {
    for (const cell of eventCells.values()) {
      if (cell.n) this.inc(cell.labels, cell.n);
      cell.n = 0;
    }
  },
});

/** The counter cell of one kind's watch events: `cell.n++` per event sent. */
export function watchEventsOf(group: string, version: string, kind: string): { n: number } {
  const key = `${group}/${version}/${kind}`;
  let cell = eventCells.get(key);
  if (!cell) eventCells.set(key, (cell = { n: 0, labels: { group, version, kind } }));
  return cell;
}

export const parseDuration = histogram({
  name: 'kubeql_graphql_parse_duration_seconds',
  help: 'Time to parse a GraphQL document (documents already parsed are cached and not counted).',
  labelNames: ['transport'] as const,
  buckets: FAST_BUCKETS,
});

export const validationDuration = histogram({
  name: 'kubeql_graphql_validation_duration_seconds',
  help: "Time to validate a GraphQL document against the schema and kubeql's limits (cached documents not counted).",
  labelNames: ['transport'] as const,
  buckets: FAST_BUCKETS,
});

/** One finished request (one GraphQL root field) in apiserver_request_total and, unless a watch, its duration. */
export function observeRequest(info: RequestInfo, code: number, seconds: number): void {
  const labels = { verb: info.verb, group: info.group, version: info.version, resource: info.resource, subresource: info.subresource, component: 'apiserver' };
  requestTotal.inc({ ...labels, code: String(code) });
  if (info.verb !== 'WATCH') requestDuration.observe(labels, seconds);
}
