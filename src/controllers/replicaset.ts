// The ReplicaSet controller (pkg/controller/replicaset/replica_set.go): keeps
// `spec.replicas` active pods from the template, each controlled by its ReplicaSet.
//
// One sync of a ReplicaSet: list the namespace's pods from the cache, keep the active ones
// (not finished, not terminating), claim them (adopt matching orphans, release owned pods
// that stopped matching), then — only if the expectations of earlier syncs are met and the
// ReplicaSet is not being deleted — create or delete the difference, at most 500 per sync,
// creates in slow-start batches (1, 2, 4, …) that stop at the first failure. Then the status
// counters are written if they changed. Expectations (expectations.ts) make a cache that
// lags behind the controller's own writes harmless.
import { deepCopy } from '../apimachinery/deep-copy.ts';
import type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Clock } from '../apimachinery/clock.ts';
import { timestamp } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { labelSelectorFromObject, matchesLabels, type LabelSelector } from '../apimachinery/labels.ts';
import { keyOf, splitKey } from '../client/cache.ts';
import type { Client } from '../client/client.ts';
import { Controller, type Result } from '../client/controller.ts';
import type { Informer } from '../client/informer.ts';
import type { KubeObjectOf } from '../client/resources.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';
import type { EventRecorder } from '../client/event-recorder.ts';
import { ControllerExpectations } from './expectations.ts';
import { isPodActive, isPodReady, podsToDelete, readyCondition } from './pod-ordering.ts';

type Pod = KubeObjectOf<'Pod'>;
type RS = KubeObjectOf<'ReplicaSet'>;

/** BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;
/** SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;
const CONTROLLER_KIND = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;
const COMPONENT = 'replicaset-controller';

export interface ReplicaSetControllerOptions {
  /** Concurrent ReplicaSet syncs (--concurrent-replicaset-syncs). @default 5 */
  workers?: number;
  /** @default 500 */
  burstReplicas?: number;
}

/** metav1.GetControllerOf */
export const controllerOf = (o: { metadata: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined =>
  o.metadata.ownerReferences?.find((r) => r.controller === true);

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/**
 * IsPodAvailable. Readiness time is measured in cluster time: a pod counts as available
 * once `minReadySeconds` have passed since its Ready transition by the wall clock, or since
 * this controller first saw it ready by the cluster clock — so under --time-scale the wait
 * shrinks like every other wait (API.md "Time") while timestamps stay wall-clock.
 */
class Availability {
  private readonly firstSeenReady = new Map<string, { since: string; at: number }>();

  constructor(private readonly clock: Clock) {}

  observe(pod: Pod): void {
    const uid = pod.metadata.uid;
    if (!isPodReady(pod)) {
      this.firstSeenReady.delete(uid);
      return;
    }
    const since = readyCondition(pod)?.lastTransitionTime ?? '';
    const seen = this.firstSeenReady.get(uid);
    if (!seen || seen.since !== since) this.firstSeenReady.set(uid, { since, at: this.clock.monotonic() });
  }

  forget(pod: Pod): void {
    this.firstSeenReady.delete(pod.metadata.uid);
  }

  available(pod: Pod, minReadySeconds: number): boolean {
    if (!isPodReady(pod)) return false;
    if (minReadySeconds <= 0) return true;
    const need = minReadySeconds * 1000;
    const since = readyCondition(pod)?.lastTransitionTime;
    if (since && this.clock.now().getTime() - Date.parse(since) > need) return true;
    this.observe(pod);
    const seen = this.firstSeenReady.get(pod.metadata.uid);
    return seen !== undefined && this.clock.monotonic() - seen.at >= need;
  }
}

export class ReplicaSetController {
  readonly controller: Controller<string>;
  readonly expectations: ControllerExpectations;
  private readonly burstReplicas: number;
  private readonly recorder: EventRecorder;
  private readonly availability: Availability;
  private readonly selectors = new WeakMap<object, LabelSelector | null>();

  constructor(
    private readonly client: Client,
    private readonly rsInformer: Informer<'ReplicaSet'>,
    private readonly podInformer: Informer<'Pod'>,
    private readonly clock: Clock,
    recorder: EventRecorder,
    options: ReplicaSetControllerOptions & { onError?: (key: string, error: unknown) => void } = {},
  ) {
    this.burstReplicas = options.burstReplicas ?? BURST_REPLICAS;
    this.recorder = recorder;
    this.expectations = new ControllerExpectations(clock);
    this.availability = new Availability(clock);
    this.controller = new Controller<string>('replicaset', this, { clock, workers: options.workers ?? 5, onError: options.onError });
    rsInformer.addEventHandler({
      onAdd: (rs) => this.controller.enqueue(keyOf(rs)),
      onUpdate: (_old, rs) => this.controller.enqueue(keyOf(rs)),
      onDelete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.controller.enqueue(keyOf(rs));
      },
    });
    podInformer.addEventHandler({
      onAdd: (pod) => this.addPod(pod),
      onUpdate: (old, pod) => this.updatePod(old, pod),
      onDelete: (pod) => this.deletePod(pod),
    });
  }

  // ---- event handlers (what they tell the expectations matters; the sync re-reads all) ----

  private selectorOf(rs: RS): LabelSelector | null {
    if (this.selectors.has(rs)) return this.selectors.get(rs)!;
    let sel: LabelSelector | null;
    try {
      sel = labelSelectorFromObject(rs.spec?.selector);
    } catch {
      sel = null;
    }
    this.selectors.set(rs, sel);
    return sel;
  }

  /** resolveControllerRef: the ReplicaSet a controller reference names, if it is in the cache with that uid. */
  private resolveControllerRef(namespace: string, ref: OwnerReference | undefined): RS | undefined {
    if (!ref || ref.kind !== CONTROLLER_KIND.kind || groupOf(ref.apiVersion) !== 'apps') return undefined;
    const rs = this.rsInformer.cache.get(`${namespace}/${ref.name}`);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** getPodReplicaSets: the ReplicaSets whose selector matches an orphan (several is a user error). */
  private replicaSetsMatching(pod: Pod): RS[] {
    return this.rsInformer.cache.byIndex('namespace', pod.metadata.namespace ?? '').filter((rs) => {
      const sel = this.selectorOf(rs);
      return sel !== null && sel.requirements.length > 0 && matchesLabels(sel, pod.metadata.labels ?? {});
    });
  }

  private addPod(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // A pod that shows up already terminating (after a restart, or a missed update) must not count as a create.
      this.deletePod(pod);
      return;
    }
    this.availability.observe(pod);
    const rs = this.resolveControllerRef(pod.metadata.namespace ?? '', controllerOf(pod));
    if (controllerOf(pod)) {
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.controller.enqueue(keyOf(rs));
      return;
    }
    for (const r of this.replicaSetsMatching(pod)) this.controller.enqueue(keyOf(r));
  }

  private updatePod(old: Pod, pod: Pod): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      // Terminating is as good as deleted for the expectations: the pod no longer counts.
      this.deletePod(pod);
      if (labelsChanged) this.deletePod(old);
      return;
    }
    this.availability.observe(pod);
    const ns = pod.metadata.namespace ?? '';
    const oldRef = controllerOf(old);
    const ref = controllerOf(pod);
    const refChanged = JSON.stringify(oldRef) !== JSON.stringify(ref);
    if (refChanged && oldRef) {
      const oldRS = this.resolveControllerRef(ns, oldRef);
      if (oldRS) this.controller.enqueue(keyOf(oldRS));
    }
    if (ref) {
      const rs = this.resolveControllerRef(ns, ref);
      if (!rs) return;
      this.controller.enqueue(keyOf(rs));
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0) this.controller.queue.addAfter(keyOf(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const r of this.replicaSetsMatching(pod)) this.controller.enqueue(keyOf(r));
  }

  private deletePod(pod: Pod): void {
    this.availability.forget(pod);
    const rs = this.resolveControllerRef(pod.metadata.namespace ?? '', controllerOf(pod));
    if (!rs) return;
    this.expectations.deletionObserved(keyOf(rs), keyOf(pod));
    this.controller.enqueue(keyOf(rs));
  }

  // ---- the sync -------------------------------------------------------------------------

  async reconcile(key: string): Promise<Result | void> {
    const rs = this.rsInformer.cache.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.selectorOf(rs);
    if (!selector) return; // an invalid selector cannot be fixed by retrying (validation refuses it anyway)
    const { namespace } = splitKey(key);
    const active = this.podInformer.cache.byIndex('namespace', namespace ?? '').filter(isPodActive);
    const pods = await this.claimPods(rs, selector, active);

    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(rs, pods);
      } catch (error) {
        manageError = error;
      }
    }
    const status = this.calculateStatus(rs, pods, manageError);
    const updated = await this.updateStatus(rs, status);
    if (manageError) throw manageError;
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const desired = updated.spec?.replicas ?? 1;
    if (minReady > 0 && (updated.status?.readyReplicas ?? 0) === desired && (updated.status?.availableReplicas ?? 0) !== desired) {
      return { requeueAfterMs: minReady * 1000 };
    }
  }

  /**
   * ClaimPods (ControllerRefManager): the active pods this ReplicaSet controls after
   * adopting matching orphans and releasing owned pods that no longer match. Adoption is
   * checked against a live read of the ReplicaSet (RecheckDeletionTimestamp): a ReplicaSet
   * that was deleted meanwhile must not take pods.
   */
  private async claimPods(rs: RS, selector: LabelSelector, pods: Pod[]): Promise<Pod[]> {
    const claimed: Pod[] = [];
    const errors: unknown[] = [];
    let adoptable: Promise<void> | undefined;
    const canAdopt = () => (adoptable ??= this.recheckDeletionTimestamp(rs));
    for (const pod of pods) {
      const ref = controllerOf(pod);
      const matches = matchesLabels(selector, pod.metadata.labels ?? {});
      if (ref) {
        if (ref.uid !== rs.metadata.uid) continue; // another controller's
        if (matches) claimed.push(pod);
        else if (!rs.metadata.deletionTimestamp) {
          try {
            await this.release(rs, pod);
          } catch (error) {
            if (!(error instanceof ApiError && error.code === ErrorCode.NOT_FOUND)) errors.push(error);
          }
        }
        continue;
      }
      // An orphan: adopt it if it matches, the ReplicaSet stays, and the pod is not going.
      if (rs.metadata.deletionTimestamp || !matches || pod.metadata.deletionTimestamp) continue;
      try {
        await canAdopt();
        await this.adopt(rs, pod);
        claimed.push(pod);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === ErrorCode.NOT_FOUND)) errors.push(error);
      }
    }
    if (errors.length) throw errors[0];
    return claimed;
  }

  private async recheckDeletionTimestamp(rs: RS): Promise<void> {
    const fresh = await this.client.resource('ReplicaSet').get(rs.metadata.namespace, rs.metadata.name);
    if (!fresh || fresh.metadata.uid !== rs.metadata.uid) {
      throw new Error(`original ReplicaSet ${keyOf(rs)} is gone: got uid ${fresh?.metadata.uid ?? ''}, wanted ${rs.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) throw new Error(`${keyOf(rs)} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }

  /** Adds this ReplicaSet's controller reference to an orphan; the resourceVersion makes it a compare-and-swap. */
  private async adopt(rs: RS, pod: Pod): Promise<void> {
    const refs = [...(pod.metadata.ownerReferences ?? []), controllerRef(rs)];
    await this.client.resource('Pod').patch(pod.metadata.namespace, pod.metadata.name, {
      metadata: { ownerReferences: refs, resourceVersion: pod.metadata.resourceVersion },
    });
  }

  /** Removes this ReplicaSet's reference from a pod it controls. */
  private async release(rs: RS, pod: Pod): Promise<void> {
    const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid);
    await this.client.resource('Pod').patch(pod.metadata.namespace, pod.metadata.name, {
      metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: pod.metadata.resourceVersion },
    });
  }

  /** manageReplicas: creates or deletes the difference, recording what it expects to see. */
  private async manageReplicas(rs: RS, pods: Pod[]): Promise<void> {
    const key = keyOf(rs);
    const desired = rs.spec?.replicas ?? 1;
    let diff = pods.length - desired;
    if (diff < 0) {
      diff = Math.min(-diff, this.burstReplicas);
      // Expect them all before the first is sent: their adds may arrive before the answers.
      this.expectations.expectCreations(key, diff);
      const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH_SIZE, (n) => this.createPods(rs, n));
      // The creates never sent will never be observed.
      for (let skipped = diff - successes; skipped > 0; skipped--) this.expectations.creationObserved(key);
      if (error) throw error;
    } else if (diff > 0) {
      diff = Math.min(diff, this.burstReplicas);
      const victims = podsToDelete(pods, this.relatedPods(rs), diff, this.clock.now().getTime());
      this.expectations.expectDeletions(key, victims.map(keyOf));
      const results = await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.client.resource('Pod').delete(pod.metadata.namespace, pod.metadata.name);
            this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
            return undefined;
          } catch (error) {
            // The informer will not see this deletion.
            this.expectations.deletionObserved(key, keyOf(pod));
            if (error instanceof ApiError && error.code === ErrorCode.NOT_FOUND) return undefined;
            this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(error as Error).message}`);
            return error;
          }
        }),
      );
      const error = results.find((e) => e !== undefined);
      if (error) throw error;
    }
  }

  /**
   * `n` pods from the template, in one request (createPods; each pod admitted and
   * validated on its own): each one's failure, undefined where it was created.
   */
  private async createPods(rs: RS, n: number): Promise<unknown[]> {
    const template = rs.spec?.template ?? {};
    const labels = { ...(template.metadata?.labels ?? {}) };
    if (!Object.keys(labels).length) return Array.from({ length: n }, () => new Error('unable to create pods, no labels'));
    const pod = {
      apiVersion: 'v1' as const,
      kind: 'Pod' as const,
      metadata: {
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels,
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
        ownerReferences: [controllerRef(rs)],
      },
      spec: deepCopy(template.spec) as never,
    };
    let results: (KubeObjectOf<'Pod'> | ApiError | Error)[];
    try {
      results = await this.client.resource('Pod').createMany(Array.from({ length: n }, () => pod));
    } catch (error) {
      results = Array.from({ length: n }, () => error as Error);
    }
    return results.map((r) => {
      if (!(r instanceof Error)) {
        this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.metadata.name}`);
        return undefined;
      }
      // A namespace being deleted refuses new pods; that is not this ReplicaSet's failure.
      if (r instanceof ApiError && r.code === ErrorCode.FORBIDDEN && r.message.includes('because it is being terminated')) return undefined;
      this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${r.message}`);
      return r;
    });
  }

  /**
   * getIndirectlyRelatedPods: the pods of every ReplicaSet under the same controller (a
   * Deployment's old and new ReplicaSets), for the colocation rank of the deletion order.
   */
  private relatedPods(rs: RS): Pod[] {
    const owner = controllerOf(rs);
    const siblings = owner ? this.rsInformer.cache.byIndex('ownerUid', owner.uid).filter((r) => controllerOf(r)?.uid === owner.uid) : [rs];
    const related = new Map<string, Pod>();
    for (const r of siblings) {
      for (const pod of this.podInformer.cache.byIndex('ownerUid', r.metadata.uid)) {
        if (controllerOf(pod)?.uid === r.metadata.uid) related.set(pod.metadata.uid, pod);
      }
    }
    return [...related.values()];
  }

  /** calculateStatus */
  private calculateStatus(rs: RS, pods: Pod[], manageError: unknown): ReplicaSetStatus {
    const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
    const minReady = rs.spec?.minReadySeconds ?? 0;
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const pod of pods) {
      const labels = pod.metadata.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (isPodReady(pod)) {
        ready++;
        if (this.availability.available(pod, minReady)) available++;
      }
    }
    let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageError && !failure) {
      const diff = pods.length - (rs.spec?.replicas ?? 1);
      conditions.push({
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: timestamp(this.clock.now()),
        reason: diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : undefined,
        message: (manageError as Error).message,
      } as ReplicaSetCondition);
    } else if (!manageError && failure) {
      conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
    }
    // Go's omitempty: zero counters are left out, as kube-controller-manager writes them.
    return {
      replicas: pods.length,
      ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(conditions.length ? { conditions } : {}),
    };
  }

  /** updateReplicaSetStatus: written only when a counter, the conditions or observedGeneration changed. */
  private async updateStatus(rs: RS, status: ReplicaSetStatus): Promise<RS> {
    const old = rs.status ?? { replicas: 0 };
    const same =
      (old.replicas ?? 0) === status.replicas &&
      (old.fullyLabeledReplicas ?? 0) === (status.fullyLabeledReplicas ?? 0) &&
      (old.readyReplicas ?? 0) === (status.readyReplicas ?? 0) &&
      (old.availableReplicas ?? 0) === (status.availableReplicas ?? 0) &&
      (old.observedGeneration ?? 0) === (rs.metadata.generation ?? 0) &&
      JSON.stringify(old.conditions ?? []) === JSON.stringify(status.conditions ?? []);
    if (same) return rs;
    const next = { ...status, ...(rs.metadata.generation ? { observedGeneration: rs.metadata.generation } : {}) };
    try {
      return await this.client.resource('ReplicaSet').updateStatus(rs.metadata.namespace, rs.metadata.name, next);
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCode.NOT_FOUND) return rs; // deleted meanwhile
      throw error;
    }
  }
}

/** metav1.NewControllerRef */
export function controllerRef(rs: { metadata: { name: string; uid: string } }): OwnerReference {
  return { ...CONTROLLER_KIND, name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/**
 * slowStartBatch: creates `count` in batches of 1, 2, 4, … — `batch(n)` makes n at once
 * and resolves to each one's failure (undefined: made) — stopping after the first batch
 * with a failure, so that a template the apiserver refuses costs one request, not five
 * hundred.
 */
export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  batch: (size: number) => Promise<readonly unknown[]>,
): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    const failures = (await batch(size)).filter((e) => e !== undefined);
    successes += size - failures.length;
    if (failures.length) return { successes, error: failures[0] };
    remaining -= size;
  }
  return { successes };
}

export const replicaSetController: ControllerDescriptor = {
  name: 'replicaset',
  start(context: ControllerContext): RunningController {
    const rsInformer = context.informers.informerFor('ReplicaSet');
    const podInformer = context.informers.informerFor('Pod');
    const c = new ReplicaSetController(context.client, rsInformer, podInformer, context.clock, context.recorder(COMPONENT), {
      onError: (key, error) => context.log.error('replicaset: sync failed', { key, error: String(error) }),
    });
    let stopped = false;
    void Promise.all([rsInformer.waitForSync(), podInformer.waitForSync()]).then(() => {
      if (!stopped) c.controller.start();
    });
    return {
      async stop() {
        stopped = true;
        await c.controller.stop();
      },
    };
  },
};
