// The store's metrics: write latency (submitted → durable), commit time and batch size of
// group commit, the cluster revision, and how far the watch hub's dispatch is behind the
// newest revision it knows was committed (its lag, in revisions).
import { FAST_BUCKETS, gauge, histogram } from '../observability/index.ts';

export const writeDuration = histogram({
  name: 'kubeql_store_write_duration_seconds',
  help: "Time from a write's submission to the store to its commit (queueing in group commit included), by operation (create, update, delete, or batch for an atomic writeAll).",
  labelNames: ['operation'] as const,
  buckets: FAST_BUCKETS,
});

export const commitDuration = histogram({
  name: 'kubeql_store_commit_duration_seconds',
  help: 'Time to commit one group-commit batch (one transaction).',
  buckets: FAST_BUCKETS,
});

export const commitWrites = histogram({
  name: 'kubeql_store_commit_batch_writes',
  help: 'Writes committed together in one group-commit batch.',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
});

/** The live watch hubs of this process (one per store), read when metrics are scraped. */
export interface HubProgress {
  /** The newest revision known to be committed (by this process or, via NOTIFY, another). */
  readonly committedRevision: number;
  /** The newest revision dispatched to watchers. */
  readonly revision: number;
}

export const liveHubs = new Set<HubProgress>();

gauge({
  name: 'kubeql_store_revision',
  help: 'The newest cluster revision (resourceVersion) this process knows to be committed.',
  collect() {
    this.set(Math.max(0, ...[...liveHubs].map((h) => h.committedRevision)));
  },
});

gauge({
  name: 'kubeql_watch_hub_dispatched_revision',
  help: 'The newest revision the watch hub has dispatched to watchers.',
  collect() {
    this.set(Math.max(0, ...[...liveHubs].map((h) => h.revision)));
  },
});

gauge({
  name: 'kubeql_watch_hub_lag_revisions',
  help: 'Revisions committed but not yet dispatched to watchers (committed minus dispatched).',
  collect() {
    this.set(Math.max(0, ...[...liveHubs].map((h) => Math.max(0, h.committedRevision - h.revision))));
  },
});
