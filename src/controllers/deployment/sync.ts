// One sync of one Deployment (sync.go): its ReplicaSets found and the new one made or
// brought up to date (revision, annotations, minReadySeconds), scaling — proportional
// while a rollout is under way — history cleanup, and the status written back. The
// Deployment and its ReplicaSets are held here as this sync last wrote them, so a later
// step never writes from an older copy than an earlier step produced.
import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '../../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import type { Client } from '../../client/client.ts';
import type { Result } from '../../client/controller.ts';
import type { EventRecorder } from '../../client/event-recorder.ts';
import { computeHash, equalIgnoreHash } from './hash.ts';
import { cleanupHistory, setNewReplicaSetAnnotations } from './history.ts';
import { calculateStatus, getCondition, hasProgressDeadline, newCondition, setCondition, statusEqual, type ProgressClock } from './progress.ts';
import {
  byCreation,
  bySizeNewer,
  bySizeOlder,
  desiredReplicasAnnotation,
  filterActive,
  findActiveOrLatest,
  getProportion,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  newRSNewReplicas,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
  specReplicas,
} from './replicas.ts';
import {
  POD_TEMPLATE_HASH,
  REVISION_ANNOTATION,
  Reason,
  controllerOf,
  replicasOf,
  type Deployment,
  type DeploymentStatus,
  type Pod,
  type ReplicaSet,
} from './types.ts';

export interface SyncEnvironment {
  client: Client;
  clock: Clock;
  recorder: EventRecorder;
  progress: ProgressClock;
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's (ignoring the hash label). */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** FindOldReplicaSets: every other ReplicaSet of the Deployment. */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
}

export class DeploymentSync {
  /** The Deployment as this sync means to write it (status and annotations change here). */
  d: Deployment;
  /** The Deployment as last read or written. */
  private stored: Deployment;
  /** Set when a step wants the Deployment looked at again (a progress check). */
  result: Result | undefined;

  constructor(
    readonly env: SyncEnvironment,
    d: Deployment,
    public rsList: ReplicaSet[],
    readonly podMap: Map<string, Pod[]>,
  ) {
    this.stored = d;
    this.d = structuredClone(d);
  }

  private get replicaSets() {
    return this.env.client.resource('ReplicaSet');
  }

  /** Replaces the sync's copy of a ReplicaSet by what the apiserver answered. */
  private track(rs: ReplicaSet): ReplicaSet {
    const i = this.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
    return rs;
  }

  /** Writes the Deployment's annotations (update) and status (status subresource) where they changed. */
  async writeDeployment(): Promise<void> {
    const deployments = this.env.client.resource('Deployment');
    const { namespace, name } = this.stored.metadata;
    if (!isDeepStrictEqual(this.d.metadata.annotations ?? {}, this.stored.metadata.annotations ?? {})) {
      this.stored = await deployments.replace({ ...this.stored, metadata: { ...this.stored.metadata, annotations: this.d.metadata.annotations } });
    }
    if (!statusEqual(this.d.status, this.stored.status)) {
      const before = getCondition(this.stored.status, 'Progressing');
      const status = this.d.status ?? {};
      this.stored = await deployments.updateStatus(namespace!, name, status, this.stored.metadata.resourceVersion);
      const after = getCondition(this.stored.status, 'Progressing');
      if (after && (after.lastUpdateTime !== before?.lastUpdateTime || after.reason !== before?.reason)) this.env.progress.noted(this.stored, after);
    }
    this.d.metadata.resourceVersion = this.stored.metadata.resourceVersion;
  }

  /** Writes `status` as the Deployment's status when it differs. */
  async writeStatus(status: DeploymentStatus): Promise<void> {
    this.d.status = status;
    await this.writeDeployment();
  }

  /** SetDeploymentRevision: true when the Deployment's revision annotation changed. */
  private setDeploymentRevision(revision: string): boolean {
    const a = (this.d.metadata.annotations ??= {});
    if (a[REVISION_ANNOTATION] === revision) return false;
    a[REVISION_ANNOTATION] = revision;
    return true;
  }

  /** getAllReplicaSetsAndSyncRevision */
  async getAllReplicaSetsAndSyncRevision(createIfNotExisted: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const oldRSs = findOldReplicaSets(this.d, this.rsList);
    const newRS = await this.getNewReplicaSet(oldRSs, createIfNotExisted);
    return { newRS, oldRSs: findOldReplicaSets(this.d, this.rsList).filter((rs) => rs.metadata.uid !== newRS?.metadata.uid) };
  }

  /**
   * getNewReplicaSet: the ReplicaSet of the current template, its revision brought to the
   * newest (a rollback to an old template bumps that ReplicaSet's revision), or a new one
   * created with that revision and as many replicas as the strategy allows now.
   */
  private async getNewReplicaSet(oldRSs: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const existing = findNewReplicaSet(d, this.rsList);
    const newRevision = String(maxRevision(oldRSs) + 1);
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReadySecondsNeedsUpdate = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadySecondsNeedsUpdate) {
        copy.spec = { ...copy.spec!, minReadySeconds: d.spec?.minReadySeconds };
        return this.track(await this.replaceReplicaSet(copy));
      }
      let needsUpdate = this.setDeploymentRevision(copy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        d.status ??= {};
        setCondition(d.status, newCondition(this.env.clock, 'Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${copy.metadata.name}"`));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeDeployment();
      return copy;
    }
    if (!createIfNotExisted) return undefined;

    const template = structuredClone(d.spec!.template);
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
    const newRS = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
        ],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
    } as unknown as ReplicaSet;
    const replicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.replicaSets.create(newRS);
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.ALREADY_EXISTS) {
        const found = await this.replicaSets.get(d.metadata.namespace, newRS.metadata.name);
        if (!found) throw err;
        // Ours with this template: the cache was behind. Anything else: a hash collision —
        // count it, and the next sync names the ReplicaSet with another hash.
        if (controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          d.status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
          await this.writeDeployment();
          throw err;
        }
      } else if (err instanceof ApiError && err.message.includes('is being terminated')) {
        throw err; // the namespace is going away: nothing to report
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${err instanceof Error ? err.message : String(err)}`;
        if (hasProgressDeadline(d)) {
          d.status ??= {};
          setCondition(d.status, newCondition(this.env.clock, 'Progressing', 'False', Reason.ReplicaSetCreateError, msg));
          await this.writeDeployment().catch(() => undefined);
        }
        this.env.recorder.event(d, 'Warning', Reason.ReplicaSetCreateError, msg);
        throw err;
      }
    }
    this.track(created);
    if (!alreadyExisted && replicas > 0) {
      this.env.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    }
    let needsUpdate = this.setDeploymentRevision(newRevision);
    if (!alreadyExisted && hasProgressDeadline(d)) {
      d.status ??= {};
      setCondition(
        d.status,
        newCondition(this.env.clock, 'Progressing', 'True', Reason.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`),
      );
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeDeployment();
    return created;
  }

  private replaceReplicaSet(rs: ReplicaSet): Promise<ReplicaSet> {
    return this.replicaSets.replace(rs); // metadata.resourceVersion: CONFLICT if our copy is stale
  }

  /** scaleReplicaSetAndRecordEvent */
  async scaleReplicaSetAndRecordEvent(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const current = rs.spec?.replicas ?? 0;
    if (current === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, current < newScale ? 'up' : 'down');
  }

  /** scaleReplicaSet: the size and the desired/max-replicas annotations, and a ScalingReplicaSet event. */
  async scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const d = this.d;
    const oldScale = rs.spec?.replicas ?? 0;
    const sizeNeedsUpdate = oldScale !== newScale;
    const max = replicasOf(d) + maxSurge(d);
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, replicasOf(d), max)) return { scaled: false, rs };
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec!, replicas: newScale };
    setReplicasAnnotations(copy, replicasOf(d), max);
    const updated = this.track(await this.replaceReplicaSet(copy));
    if (sizeNeedsUpdate) {
      this.env.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /**
   * scale: a Deployment resized (or paused) mid-rollout. One active ReplicaSet takes the
   * whole size; a saturated new one leaves the old ones nothing; otherwise, under
   * RollingUpdate, the change is shared among the active ReplicaSets in proportion to
   * their sizes (larger first; newer first when growing, older first when shrinking).
   */
  async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if ((activeOrLatest.spec?.replicas ?? 0) === replicasOf(d)) return;
      await this.scaleReplicaSetAndRecordEvent(activeOrLatest, replicasOf(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(oldRSs)) await this.scaleReplicaSetAndRecordEvent(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const allRSs = filterActive([...oldRSs, newRS]);
    const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
    const toAdd = allowedSize - specReplicas(allRSs);
    let operation = '';
    if (toAdd > 0) {
      allRSs.sort(bySizeNewer);
      operation = 'up';
    } else if (toAdd < 0) {
      allRSs.sort(bySizeOlder);
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of allRSs) {
      if (toAdd !== 0) {
        const proportion = getProportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.name, (rs.spec?.replicas ?? 0) + proportion);
        added += proportion;
      } else {
        sizes.set(rs.metadata.name, rs.spec?.replicas ?? 0);
      }
    }
    for (const [i, rs] of allRSs.entries()) {
      if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name, Math.max(0, sizes.get(rs.metadata.name)! + toAdd - added)); // leftovers to the largest
      await this.scaleReplicaSet(rs, sizes.get(rs.metadata.name)!, operation);
    }
  }

  /** isScalingEvent: an active ReplicaSet was sized for another spec.replicas than the Deployment's now. */
  async isScalingEvent(): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    for (const rs of filterActive([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(this.d)) return true;
    }
    return false;
  }

  /** sync: scaling, for a scaling event or a paused Deployment (no rollout). */
  async sync(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    await this.scale(newRS, oldRSs);
    const refreshed = this.refresh(newRS, oldRSs);
    if (this.d.spec?.paused) await this.cleanupDeployment(refreshed.oldRSs);
    await this.syncDeploymentStatus([...refreshed.oldRSs, refreshed.newRS], refreshed.newRS);
  }

  /** syncStatusOnly: a Deployment being deleted only has its status kept current. */
  async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS);
  }

  /** The sync's latest copies of these ReplicaSets (after scaling wrote some of them). */
  refresh(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const latest = (rs: ReplicaSet) => this.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
    return { newRS: newRS && latest(newRS), oldRSs: oldRSs.map(latest) };
  }

  async cleanupDeployment(oldRSs: ReplicaSet[]): Promise<void> {
    await cleanupHistory(this.env.client, this.d, oldRSs);
  }

  /** syncDeploymentStatus */
  async syncDeploymentStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    await this.writeStatus(calculateStatus(this.env.clock, allRSs, newRS, this.d));
  }

  /**
   * checkPausedConditions: Progressing=Unknown DeploymentPaused while paused and
   * DeploymentResumed after, so time spent paused never counts against the deadline
   * (a rollout already timed out keeps saying so).
   */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === Reason.ProgressDeadlineExceeded) return;
    const pausedCondExists = cond?.reason === Reason.DeploymentPaused;
    d.status ??= {};
    if (d.spec?.paused && !pausedCondExists) {
      setCondition(d.status, newCondition(this.env.clock, 'Progressing', 'Unknown', Reason.DeploymentPaused, 'Deployment is paused'));
    } else if (!d.spec?.paused && pausedCondExists) {
      setCondition(d.status, newCondition(this.env.clock, 'Progressing', 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed'));
    } else {
      return;
    }
    await this.writeDeployment();
  }
}
