// The Namespace controller (pkg/controller/namespace, deletion/namespaced_resources_deleter.go):
// a deleted Namespace (deletionTimestamp set, phase Terminating, held by the `kubernetes`
// finalizer in spec.finalizers) has every namespaced object in it deleted — every kind
// kubeql serves, listed in the namespace — and once nothing is left the controller
// removes its finalizer, and the apiserver removes the Namespace. While content remains,
// the Namespace's conditions say what (NamespaceContentRemaining "Some resources are
// remaining: pods. has 2 resource instances", NamespaceFinalizersRemaining,
// NamespaceDeletionContentFailure), with Kubernetes' reasons and messages.
//
// Pods that terminate gracefully are waited for: the controller looks again when their
// grace period runs out (Kubernetes' estimate), or as soon as one is seen gone. Content
// held by finalizers is retried with a doubling wait (5 ms to 60 s, Kubernetes' queue).
import type { Namespace, NamespaceCondition } from 'kubernetes-types/core/v1.js';
import { KINDS } from '../client/kinds.ts';
import { timestamp } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { Controller, type Result } from '../client/controller.ts';
import { ExponentialFailureRateLimiter } from '../client/rate-limiter.ts';
import type { Kind, KubeObjectOf } from '../client/resources.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';

export const FINALIZER_KUBERNETES = 'kubernetes';
/** --concurrent-namespace-syncs */
const WORKERS = 10;
/** Deletes in flight at once for one namespace. */
const DELETE_PARALLELISM = 16;
/** Objects per list page. */
const PAGE = 500;

/** The condition types the deleter maintains, in Kubernetes' order, with their "all is well" variants. */
const CONDITIONS: { type: string; okReason: string; okMessage: string }[] = [
  { type: 'NamespaceDeletionDiscoveryFailure', okReason: 'ResourcesDiscovered', okMessage: 'All resources successfully discovered' },
  { type: 'NamespaceDeletionGroupVersionParsingFailure', okReason: 'ParsedGroupVersions', okMessage: 'All legacy kube types successfully parsed' },
  { type: 'NamespaceDeletionContentFailure', okReason: 'ContentDeleted', okMessage: 'All content successfully deleted, may be waiting on finalization' },
  { type: 'NamespaceContentRemaining', okReason: 'ContentRemoved', okMessage: 'All content successfully removed' },
  { type: 'NamespaceFinalizersRemaining', okReason: 'ContentRemoved', okMessage: 'All content successfully removed' },
];

export const namespaceController: ControllerDescriptor = {
  name: 'namespace',
  start(ctx) {
    return new NamespaceController(ctx).start();
  },
};

/** What is left of a namespace's content after one pass. */
interface Remaining {
  /** `pods.` → 3 (resource.group, as Kubernetes prints it). */
  byResource: Map<string, number>;
  /** finalizer → objects it still holds. */
  byFinalizer: Map<string, number>;
  /** Seconds until the last graceful deletion is due (0: none pending). */
  estimateSeconds: number;
  /** Delete or list failures, as messages. */
  errors: string[];
}

export class NamespaceController {
  private readonly namespaces;
  private readonly pods;
  private readonly controller: Controller<string>;

  constructor(private readonly ctx: ControllerContext) {
    this.namespaces = ctx.informers.informerFor('Namespace');
    this.pods = ctx.informers.informerFor('Pod');
    this.controller = new Controller<string>(
      'namespace',
      { reconcile: (name) => this.sync(name) },
      {
        clock: ctx.clock,
        workers: WORKERS,
        rateLimiter: new ExponentialFailureRateLimiter<string>(5, 60_000),
        onError: (name, error) => ctx.log.error('namespace: sync failed', { namespace: name, error: String(error) }),
      },
    );
  }

  start(): RunningController {
    const changed = (ns: KubeObjectOf<'Namespace'>) => {
      if (ns.metadata.deletionTimestamp) this.controller.enqueue(ns.metadata.name);
    };
    this.namespaces.addEventHandler({ onAdd: changed, onUpdate: (_, ns) => changed(ns) });
    // A pod of a terminating namespace gone: its graceful deletion ended before the estimate.
    this.pods.addEventHandler({
      onDelete: (pod) => {
        const ns = this.namespaces.cache.get(pod.metadata.namespace ?? '');
        if (ns?.metadata.deletionTimestamp) this.controller.enqueue(ns.metadata.name);
      },
    });
    void Promise.all([this.namespaces.waitForSync(), this.pods.waitForSync()]).then(() => this.controller.start());
    return { stop: () => this.controller.stop() };
  }

  async sync(name: string): Promise<Result | void> {
    const client = this.ctx.client.resource('Namespace');
    // A live read, as Kubernetes' deleter does: the cache may hold a namespace already gone.
    const ns = await client.get(undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return; // finalized already; others hold it

    const remaining = await this.deleteAllContent(name);
    await this.updateConditions(ns, remaining);
    if (remaining.errors.length) return { requeue: true };
    if (remaining.estimateSeconds > 0) return { requeueAfterMs: remaining.estimateSeconds * 1000 };
    if (remaining.byResource.size) return { requeue: true }; // held by finalizers: look again with backoff
    await this.finalize(ns);
  }

  /** Deletes every namespaced object of `namespace`; says what was still there. */
  private async deleteAllContent(namespace: string): Promise<Remaining> {
    const remaining: Remaining = { byResource: new Map(), byFinalizer: new Map(), estimateSeconds: 0, errors: [] };
    const now = this.ctx.clock.now().getTime();
    for (const info of KINDS.filter((k) => k.namespaced)) {
      const resource = this.ctx.client.resource(info.kind as Kind);
      let items: KubeObjectOf<Kind>[];
      try {
        items = (await resource.listAll({ namespace }, PAGE)).items;
      } catch (err) {
        remaining.errors.push(`${info.resource}: ${message(err)}`);
        continue;
      }
      if (!items.length) continue;
      const group = info.apiVersion.includes('/') ? info.apiVersion.split('/')[0] : '';
      const resourceName = `${info.resource}.${group}`;
      let failed: string | undefined;
      await parallel(items, DELETE_PARALLELISM, async (o) => {
        let left: KubeObjectOf<Kind> | null = o;
        if (!o.metadata.deletionTimestamp) {
          try {
            left = await resource.delete(namespace, o.metadata.name, { preconditions: { uid: o.metadata.uid } });
          } catch (err) {
            if (err instanceof ApiError && (err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.CONFLICT))
              left = null; // gone, or a new object of that name (the next pass takes it)
            else failed ??= message(err);
          }
        }
        if (!left) return;
        remaining.byResource.set(resourceName, (remaining.byResource.get(resourceName) ?? 0) + 1);
        for (const f of left.metadata.finalizers ?? []) remaining.byFinalizer.set(f, (remaining.byFinalizer.get(f) ?? 0) + 1);
        // A graceful deletion: due when its grace period runs out (estimateGracefulTermination).
        if (left.metadata.deletionTimestamp && info.kind === 'Pod') {
          const due = Math.ceil((Date.parse(left.metadata.deletionTimestamp) - now) / 1000);
          remaining.estimateSeconds = Math.max(remaining.estimateSeconds, due, 1);
        }
      });
      if (failed) remaining.errors.push(`${info.resource}: ${failed}`);
    }
    return remaining;
  }

  /** Kubernetes' namespaceConditionUpdater: the five deletion conditions, written when they change. */
  private async updateConditions(ns: KubeObjectOf<'Namespace'>, remaining: Remaining): Promise<void> {
    const failing = new Map<string, { reason: string; message: string }>();
    const list = (m: Map<string, number>, what: string) =>
      [...m]
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${what} ${n} resource instances`)
        .sort()
        .join(', ');
    if (remaining.byResource.size)
      failing.set('NamespaceContentRemaining', {
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${list(remaining.byResource, 'has')}`,
      });
    if (remaining.byFinalizer.size)
      failing.set('NamespaceFinalizersRemaining', {
        reason: 'SomeFinalizerRemain',
        message: `Some finalizers are remaining: ${list(remaining.byFinalizer, 'in')}`,
      });
    if (remaining.errors.length) {
      failing.set('NamespaceDeletionContentFailure', {
        reason: 'ContentDeletionFailed',
        message: `Failed to delete all resource types, ${remaining.errors.length} remaining: ${[...remaining.errors].sort().join(', ')}`,
      });
    }
    const now = timestamp(this.ctx.clock.now());
    const conditions: NamespaceCondition[] = [...(ns.status?.conditions ?? [])].map((c) => ({ ...c }));
    let changed = false;
    for (const { type, okReason, okMessage } of CONDITIONS) {
      const fail = failing.get(type);
      const want = { status: fail ? 'True' : 'False', reason: fail?.reason ?? okReason, message: fail?.message ?? okMessage };
      const old = conditions.find((c) => c.type === type);
      if (!old) {
        conditions.push({ type, ...want, lastTransitionTime: now });
        changed = true;
      } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
        if (old.status !== want.status) old.lastTransitionTime = now;
        Object.assign(old, want);
        changed = true;
      }
    }
    if (!changed) return;
    try {
      const status: Namespace['status'] = { ...ns.status, phase: 'Terminating', conditions };
      await this.ctx.client.resource('Namespace').updateStatus(undefined, ns.metadata.name, status, ns.metadata.resourceVersion);
    } catch (err) {
      // A newer namespace (or none): the next pass writes the conditions.
      if (!(err instanceof ApiError && (err.code === ErrorCode.CONFLICT || err.code === ErrorCode.NOT_FOUND))) throw err;
    }
  }

  /** namespaces/finalize: the `kubernetes` finalizer goes; with no other, so does the namespace. */
  private async finalize(ns: KubeObjectOf<'Namespace'>): Promise<void> {
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
    try {
      const current = await this.ctx.client.resource('Namespace').get(undefined, ns.metadata.name);
      if (!current || current.metadata.uid !== ns.metadata.uid) return;
      await this.ctx.client
        .resource('Namespace')
        .patch(undefined, ns.metadata.name, { metadata: { resourceVersion: current.metadata.resourceVersion }, spec: { finalizers } });
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.NOT_FOUND) return;
      throw err; // CONFLICT: again, from a fresh read
    }
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs `fn` over `items`, at most `limit` at once. */
async function parallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
