// The Deployment controller (deployment_controller.go): watches Deployments, their
// ReplicaSets and (for Recreate) their pods, and syncs one Deployment at a time — adopting
// matching orphan ReplicaSets and releasing ones that stopped matching, then, in
// Kubernetes' order: a Deployment being deleted only gets its status; a paused one only
// scaling; a resize mid-rollout is shared proportionally; otherwise the strategy rolls
// out. It manages ReplicaSets only; pods are the ReplicaSet controller's.
import { isDeepStrictEqual } from 'node:util';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import { labelSelectorFromObject, matchesLabels, isEverything, type LabelSelector } from '../../apimachinery/labels.ts';
import { keyOf, splitKey } from '../../client/cache.ts';
import { Controller, type Reconciler, type Result } from '../../client/controller.ts';
import type { Informer } from '../../client/informer.ts';
import type { ControllerContext } from '../context.ts';
import type { EventRecorder } from '../../client/event-recorder.ts';
import { ProgressClock } from './progress.ts';
import { rolloutRecreate } from './recreate.ts';
import { isRollingUpdate } from './replicas.ts';
import { rolloutRolling } from './rolling.ts';
import { DeploymentSync } from './sync.ts';
import { controllerOf, type Deployment, type Pod, type ReplicaSet } from './types.ts';

/** Kubernetes' default --concurrent-deployment-syncs. */
export const DEFAULT_WORKERS = 5;

function selectorOf(d: Deployment): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(d.spec?.selector as never, 'spec.selector');
  } catch {
    return undefined;
  }
}

export class DeploymentController implements Reconciler<string> {
  readonly controller: Controller<string>;
  private readonly deployments: Informer<'Deployment'>;
  private readonly replicaSets: Informer<'ReplicaSet'>;
  private readonly pods: Informer<'Pod'>;
  private readonly recorder: EventRecorder;
  private readonly progress: ProgressClock;

  constructor(
    private readonly ctx: ControllerContext,
    workers = DEFAULT_WORKERS,
  ) {
    this.deployments = ctx.informers.informerFor('Deployment');
    this.replicaSets = ctx.informers.informerFor('ReplicaSet');
    this.pods = ctx.informers.informerFor('Pod');
    this.recorder = ctx.recorder('deployment-controller');
    this.progress = new ProgressClock(ctx.clock);
    this.controller = new Controller('deployment', this, {
      clock: ctx.clock,
      workers,
      onError: (key, error) => ctx.log.error('deployment-controller: sync failed', { key, error: String(error) }),
    });
    this.deployments.addEventHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_old, d) => this.enqueue(d),
      onDelete: (d) => {
        this.progress.forget(d.metadata.uid);
        this.enqueue(d);
      },
    });
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.replicaSetChanged(undefined, rs),
      onUpdate: (old, rs) => this.replicaSetChanged(old, rs),
      onDelete: (rs) => this.enqueueOwner(rs),
    });
    this.pods.addEventHandler({
      onUpdate: (old, pod) => {
        if (old.status?.phase !== pod.status?.phase) this.podChanged(pod);
      },
      onDelete: (pod) => this.podChanged(pod),
    });
  }

  private stopped = false;

  /** Starts the workers once the caches have synced (a sync on a partial cache would misjudge the rollout). */
  start(): void {
    void this.ctx.informers.waitForSync().then(() => {
      if (!this.stopped) this.controller.start();
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.controller.stop();
  }

  private enqueue(d: Deployment): void {
    this.controller.enqueue(keyOf(d));
  }

  /** The Deployment that controls `rs`, if it is in the cache with that uid. */
  private owner(rs: ReplicaSet | Pod): Deployment | undefined {
    const ref = controllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.cache.get(`${rs.metadata.namespace}/${ref.name}`);
    return d?.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: ReplicaSet): void {
    const d = this.owner(rs);
    if (d) this.enqueue(d);
  }

  /** Deployments whose selector matches an orphan ReplicaSet (getDeploymentsForReplicaSet). */
  private matchingDeployments(rs: ReplicaSet): Deployment[] {
    return this.deployments.cache.byIndex('namespace', rs.metadata.namespace!).filter((d) => {
      const sel = selectorOf(d);
      return sel && !isEverything(sel) && matchesLabels(sel, rs.metadata.labels);
    });
  }

  private replicaSetChanged(old: ReplicaSet | undefined, rs: ReplicaSet): void {
    if (old && old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    const oldRef = old && controllerOf(old);
    const ref = controllerOf(rs);
    if (old && oldRef && oldRef.uid !== ref?.uid) this.enqueueOwner(old);
    if (ref) {
      this.enqueueOwner(rs);
      return;
    }
    // An orphan: whoever might adopt it (on add, or when its labels or owner changed).
    if (!old || !isDeepStrictEqual(old.metadata.labels, rs.metadata.labels) || oldRef) {
      for (const d of this.matchingDeployments(rs)) this.enqueue(d);
    }
  }

  /** A pod of an old ReplicaSet went away (or finished): a Recreate rollout may go on. */
  private podChanged(pod: Pod): void {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.cache.get(`${pod.metadata.namespace}/${ref.name}`);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.owner(rs);
    if (d && !isRollingUpdate(d)) this.enqueue(d);
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const cached = this.deployments.cache.get(key);
    if (!cached) return; // deleted: its ReplicaSets go with it (garbage collector)
    const d = structuredClone(cached);
    const sel = selectorOf(d);
    if (!sel || isEverything(sel)) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.ctx.client
          .resource('Deployment')
          .updateStatus(namespace!, name, { ...d.status, observedGeneration: d.metadata.generation }, d.metadata.resourceVersion);
      }
      return;
    }
    const rsList = await this.claimReplicaSets(d, sel);
    const s = new DeploymentSync(
      { client: this.ctx.client, clock: this.ctx.clock, recorder: this.recorder, progress: this.progress },
      d,
      rsList,
      this.podMap(d, sel, rsList),
    );

    if (d.metadata.deletionTimestamp) {
      await s.syncStatusOnly();
      return;
    }
    await s.checkPausedConditions();
    if (d.spec?.paused) {
      await s.sync();
      return s.result;
    }
    if (await s.isScalingEvent()) {
      await s.sync();
      return s.result;
    }
    if (isRollingUpdate(d)) await rolloutRolling(s);
    else await rolloutRecreate(s);
    return s.result;
  }

  /**
   * getReplicaSetsForDeployment with ClaimReplicaSets: the ReplicaSets this Deployment
   * controls and still selects; orphans it selects are adopted (checked against a fresh
   * read of the Deployment first, as RecheckDeletionTimestamp), and ones it controls but
   * no longer selects are released.
   */
  private async claimReplicaSets(d: Deployment, sel: LabelSelector): Promise<ReplicaSet[]> {
    const client = this.ctx.client.resource('ReplicaSet');
    const claimed: ReplicaSet[] = [];
    let fresh: boolean | undefined;
    const canAdopt = async () => {
      if (fresh === undefined) {
        const latest = await this.ctx.client.resource('Deployment').get(d.metadata.namespace!, d.metadata.name);
        fresh = !!latest && latest.metadata.uid === d.metadata.uid && !latest.metadata.deletionTimestamp;
      }
      return fresh;
    };
    for (const rs of this.replicaSets.cache.byIndex('namespace', d.metadata.namespace!)) {
      const ref = controllerOf(rs);
      const matches = matchesLabels(sel, rs.metadata.labels);
      try {
        if (ref) {
          if (ref.uid !== d.metadata.uid) continue;
          if (matches) {
            claimed.push(rs);
            continue;
          }
          if (d.metadata.deletionTimestamp) continue;
          const refs = (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid);
          await client.patch(rs.metadata.namespace!, rs.metadata.name, { metadata: { ownerReferences: refs, resourceVersion: rs.metadata.resourceVersion } });
        } else if (matches && !d.metadata.deletionTimestamp && !rs.metadata.deletionTimestamp && (await canAdopt())) {
          const refs = [
            ...(rs.metadata.ownerReferences ?? []),
            { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
          ];
          claimed.push(
            await client.patch(rs.metadata.namespace!, rs.metadata.name, { metadata: { ownerReferences: refs, resourceVersion: rs.metadata.resourceVersion } }),
          );
        }
      } catch (err) {
        // Gone: nothing to claim. Changed under us (CONFLICT): the sync fails and is retried,
        // never going on without a ReplicaSet it may own (it would make a second one).
        if (!(err instanceof ApiError && err.code === ErrorCode.NOT_FOUND)) throw err;
      }
    }
    return claimed;
  }

  /** getPodMapForDeployment: the pods the Deployment selects, by the uid of their ReplicaSet. */
  private podMap(d: Deployment, sel: LabelSelector, rsList: ReplicaSet[]): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata.uid, []]));
    if (isRollingUpdate(d)) return map; // only Recreate looks at pods
    for (const pod of this.pods.cache.byIndex('namespace', d.metadata.namespace!)) {
      if (!matchesLabels(sel, pod.metadata.labels)) continue;
      const ref = controllerOf(pod);
      if (ref && map.has(ref.uid)) map.get(ref.uid)!.push(pod);
    }
    return map;
  }
}
