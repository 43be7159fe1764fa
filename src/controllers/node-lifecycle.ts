// The node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go)
// and its NoExecute taint manager (scheduler/taint_manager.go, now the
// taint-eviction-controller):
//
// - Node health. Every --node-monitor-period (5 s) each Node is judged by when THIS
//   controller last saw its kubelet speak — a renewal of its Lease in kube-node-lease or a
//   new heartbeat in its Ready condition — measured on the monotonic cluster clock from the
//   observation, never from timestamps others wrote. Silent for --node-monitor-grace-period
//   (50 s; 60 s for a node that never posted Ready): its Ready, MemoryPressure, DiskPressure
//   and PIDPressure conditions become Unknown ("NodeStatusUnknown", "Kubelet stopped posting
//   node status."), a NodeNotReady event is recorded on the Node and its pods are marked not
//   ready (each with a NodeNotReady event, "Node is not ready").
// - Taints. Ready=Unknown → `node.kubernetes.io/unreachable`, Ready=False →
//   `node.kubernetes.io/not-ready`, each NoSchedule at once and NoExecute through a per-zone
//   queue rate-limited to --node-eviction-rate (0.1 nodes/s); a zone with most nodes down
//   slows to --secondary-node-eviction-rate (0 at ≤ 50 nodes), and when every zone is fully
//   down the controller assumes its own network is at fault and taints nothing (removing
//   the NoExecute taints it had set). A node Ready again loses them.
// - Eviction. A pod on a node with NoExecute taints is deleted as soon as one taint is not
//   tolerated, else when the shortest tolerationSeconds of the tolerations used runs out
//   (counted from when the controller saw the taint; no tolerationSeconds: never). An
//   eviction is announced with a TaintManagerEviction event ("Marking for deletion Pod
//   default/web-x") and the pod gets the DisruptionTarget condition; a taint gone before
//   the time cancels it ("Cancelling deletion of Pod default/web-x").
import type { NodeCondition, PodCondition, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { timestamp, type Timer } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { keyOf } from '../client/cache.ts';
import type { KubeObjectOf } from '../client/resources.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';
import type { EventRecorder } from '../client/event-recorder.ts';
import { toleratesTaint } from '../apis/taints.ts';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const PRESSURE_TAINTS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
};
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';

export interface NodeLifecycleOptions {
  /** --node-monitor-period. @default 5000 */
  monitorPeriodMs?: number;
  /** --node-monitor-grace-period. @default 50000 */
  gracePeriodMs?: number;
  /** For a node that never posted Ready. @default 60000 */
  startupGracePeriodMs?: number;
  /** --node-eviction-rate, nodes a second per zone. @default 0.1 */
  evictionRate?: number;
  /** --secondary-node-eviction-rate. @default 0.01 */
  secondaryEvictionRate?: number;
  /** --unhealthy-zone-threshold. @default 0.55 */
  unhealthyZoneThreshold?: number;
  /** --large-cluster-size-threshold. @default 50 */
  largeClusterThreshold?: number;
}

const DEFAULTS: Required<NodeLifecycleOptions> = {
  monitorPeriodMs: 5_000,
  gracePeriodMs: 50_000,
  startupGracePeriodMs: 60_000,
  evictionRate: 0.1,
  secondaryEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterThreshold: 50,
};
/** How often the NoExecute tainting queues are worked (Kubernetes: 100 ms). */
const TAINTING_PASS_MS = 100;

export function nodeLifecycleController(options: NodeLifecycleOptions = {}): ControllerDescriptor {
  return { name: 'node-lifecycle', start: (ctx) => new NodeLifecycleController(ctx, { ...DEFAULTS, ...options }).start() };
}

/** The controller with Kubernetes' defaults. */
export const nodeLifecycle: ControllerDescriptor = nodeLifecycleController();

type NodeObject = KubeObjectOf<'Node'>;
type PodObject = KubeObjectOf<'Pod'>;
type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** What the controller last saw of a node's kubelet. */
interface NodeHealth {
  /** Monotonic cluster time of the last sign of life. */
  probe: number;
  heartbeat?: string;
  renewTime?: string;
}

/** A token bucket on cluster time (flowcontrol's TokenBucketRateLimiter, burst 1). */
class TokenBucket {
  private tokens = 1;
  private at: number;
  constructor(
    private readonly now: () => number,
    public qps: number,
  ) {
    this.at = now();
  }
  tryAccept(): boolean {
    const t = this.now();
    this.tokens = Math.min(1, this.tokens + ((t - this.at) / 1000) * this.qps);
    this.at = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface ScheduledEviction {
  createdAt: number;
  timer: Timer;
}

export class NodeLifecycleController {
  private readonly nodes;
  private readonly leases;
  private readonly pods;
  private readonly health = new Map<string, NodeHealth>();
  /** Per zone: the nodes waiting for a NoExecute taint (in order) and the bucket they pass. */
  private readonly zones = new Map<string, { queue: Set<string>; bucket: TokenBucket; state: ZoneState }>();
  private readonly evictions = new Map<string, ScheduledEviction>();
  /** Nodes whose pods could not all be marked not ready: tried again next pass. */
  private readonly retryMarkPods = new Set<string>();
  private readonly nodeEvents: EventRecorder;
  private readonly evictionEvents: EventRecorder;
  private stopped = false;
  private readonly wakes = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly o: Required<NodeLifecycleOptions>,
  ) {
    this.nodes = ctx.informers.informerFor('Node');
    this.leases = ctx.informers.informerFor('Lease');
    this.pods = ctx.informers.informerFor('Pod');
    this.nodeEvents = ctx.recorder('node-controller');
    this.evictionEvents = ctx.recorder('taint-eviction-controller');
  }

  start(): RunningController {
    this.nodes.addEventHandler({
      onAdd: (n) => {
        this.observeNode(n);
        this.nodeTaintsChanged(n);
      },
      onUpdate: (_, n) => {
        this.observeNode(n);
        this.nodeTaintsChanged(n);
      },
      onDelete: (n) => {
        this.health.delete(n.metadata.name);
        this.nodeTaintsChanged(n, true);
      },
    });
    this.leases.addEventHandler({ onAdd: (l) => this.observeLease(l), onUpdate: (_, l) => this.observeLease(l) });
    this.pods.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (_, p) => this.podChanged(p),
      onDelete: (p) => this.cancelEviction(keyOf(p), false),
    });
    void Promise.all([this.nodes.waitForSync(), this.leases.waitForSync(), this.pods.waitForSync()]).then(() => {
      if (this.stopped) return;
      for (const n of this.nodes.cache.list()) this.nodeTaintsChanged(n);
      this.loops = [this.every(this.o.monitorPeriodMs, () => this.monitorNodeHealth()), this.every(TAINTING_PASS_MS, () => this.doNoExecuteTaintingPass())];
    });
    return { stop: () => this.stop() };
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakes) wake();
    await Promise.all(this.loops);
    for (const e of this.evictions.values()) e.timer.stop();
    this.evictions.clear();
    await Promise.all(this.inFlight);
  }

  /** Runs `pass` now and then every `ms` of cluster time after it ends, until stopped. */
  private async every(ms: number, pass: () => Promise<void>): Promise<void> {
    while (!this.stopped) {
      try {
        await pass();
      } catch (error) {
        this.ctx.log.error('node-lifecycle: pass failed', { error: String(error) });
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          timer.stop();
          this.wakes.delete(wake);
          resolve();
        };
        const timer = this.ctx.clock.after(ms, wake);
        this.wakes.add(wake);
      });
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  // ---- observing kubelets -----------------------------------------------------

  private healthOf(name: string): NodeHealth {
    let h = this.health.get(name);
    if (!h) this.health.set(name, (h = { probe: this.ctx.clock.monotonic() })); // a node first seen gets a full grace period
    return h;
  }

  private observeNode(node: NodeObject): void {
    const h = this.healthOf(node.metadata.name);
    const heartbeat = readyCondition(node)?.lastHeartbeatTime;
    if (heartbeat && heartbeat !== h.heartbeat) {
      if (h.heartbeat !== undefined) h.probe = this.ctx.clock.monotonic();
      h.heartbeat = heartbeat;
    }
  }

  private observeLease(lease: KubeObjectOf<'Lease'>): void {
    if (lease.metadata.namespace !== NODE_LEASE_NAMESPACE) return;
    const renewTime = lease.spec?.renewTime;
    const h = this.healthOf(lease.metadata.name);
    if (renewTime && renewTime !== h.renewTime) {
      if (h.renewTime !== undefined) h.probe = this.ctx.clock.monotonic();
      h.renewTime = renewTime;
    }
  }

  // ---- monitorNodeHealth -------------------------------------------------------

  async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.cache.list().sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const zoneReady = new Map<string, (string | undefined)[]>();
    for (const node of nodes) {
      this.observeNode(node);
      const lease = this.leases.cache.get(`${NODE_LEASE_NAMESPACE}/${node.metadata.name}`);
      if (lease) this.observeLease(lease);
      let current = node;
      try {
        current = await this.tryUpdateNodeHealth(node);
      } catch (error) {
        this.ctx.log.error('node-lifecycle: updating node health failed', { node: node.metadata.name, error: String(error) });
      }
      const ready = readyCondition(current)?.status;
      const zone = zoneOf(current);
      if (!zoneReady.has(zone)) zoneReady.set(zone, []);
      zoneReady.get(zone)!.push(ready);
      try {
        await this.doNoScheduleTaint(current);
        if (ready !== undefined) await this.processNoExecute(current, ready); // a node that never posted Ready is not judged yet
      } catch (error) {
        this.ctx.log.error('node-lifecycle: tainting failed', { node: node.metadata.name, error: String(error) });
      }
    }
    await this.handleDisruption(zoneReady, nodes);
  }

  /** Conditions to Unknown once the grace period passed without a sign of life; the node as it now is. */
  private async tryUpdateNodeHealth(node: NodeObject): Promise<NodeObject> {
    const name = node.metadata.name;
    const h = this.healthOf(name);
    const observed = readyCondition(node);
    const grace = observed ? this.o.gracePeriodMs : this.o.startupGracePeriodMs;
    const needsRetry = this.retryMarkPods.has(name);
    let updated = node;
    if (this.ctx.clock.monotonic() - h.probe > grace) {
      const now = timestamp(this.ctx.clock.now());
      const conditions: NodeCondition[] = (node.status?.conditions ?? []).map((c) => ({ ...c }));
      let changed = false;
      for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
        const c = conditions.find((x) => x.type === type);
        if (!c) {
          conditions.push({
            type,
            status: 'Unknown',
            reason: 'NodeStatusNeverUpdated',
            message: 'Kubelet never posted node status.',
            lastHeartbeatTime: node.metadata.creationTimestamp,
            lastTransitionTime: now,
          });
          changed = true;
        } else if (c.status !== 'Unknown') {
          Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now });
          changed = true;
        }
      }
      if (changed) {
        updated = await this.ctx.client.resource('Node').updateStatus(undefined, name, { ...node.status, conditions }, node.metadata.resourceVersion);
        this.ctx.log.info('node-lifecycle: node stopped posting status', { node: name });
      }
    }
    const current = readyCondition(updated)?.status;
    if (current !== 'True' && observed?.status === 'True') {
      this.nodeEvents.event(updated, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      await this.markPodsNotReady(name);
    } else if (needsRetry && current !== 'True') {
      await this.markPodsNotReady(name);
    } else if (current === 'True') {
      this.retryMarkPods.delete(name);
    }
    return updated;
  }

  /** MarkPodsNotReady: the Ready condition of the node's pods goes False, with an event each. */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    let failed = false;
    for (const pod of this.pods.cache.byIndex('nodeName', nodeName)) {
      const conditions: PodCondition[] = (pod.status?.conditions ?? []).map((c) => ({ ...c }));
      const ready = conditions.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      ready.status = 'False';
      ready.lastTransitionTime = timestamp(this.ctx.clock.now());
      try {
        await this.ctx.client
          .resource('Pod')
          .updateStatus(pod.metadata.namespace ?? undefined, pod.metadata.name, { ...pod.status, conditions }, pod.metadata.resourceVersion);
        this.nodeEvents.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (err instanceof ApiError && err.code === ErrorCode.NOT_FOUND) continue;
        failed = true;
      }
    }
    if (failed) this.retryMarkPods.add(nodeName);
    else this.retryMarkPods.delete(nodeName);
  }

  /** doNoScheduleTaintingPass: the NoSchedule taints that mirror the node's conditions. */
  private async doNoScheduleTaint(node: NodeObject): Promise<void> {
    const want = new Set<string>();
    for (const c of node.status?.conditions ?? []) {
      if (c.type === 'Ready') {
        if (c.status === 'False') want.add(TAINT_NOT_READY);
        else if (c.status === 'Unknown') want.add(TAINT_UNREACHABLE);
      } else if (PRESSURE_TAINTS[c.type] && c.status === 'True') {
        want.add(PRESSURE_TAINTS[c.type]);
      }
    }
    if (node.spec?.unschedulable) want.add(TAINT_UNSCHEDULABLE);
    const managed = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, ...Object.values(PRESSURE_TAINTS)]);
    const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && managed.has(t.key));
    const add = [...want].filter((k) => !have.some((t) => t.key === k)).map((key) => ({ key, effect: 'NoSchedule' }));
    const remove = have.filter((t) => !want.has(t.key));
    if (add.length || remove.length) await this.swapTaints(node.metadata.name, add, remove);
  }

  /** Ready Unknown / False: the node waits in its zone's queue for the NoExecute taint; Ready: the taints go. */
  private async processNoExecute(node: NodeObject, ready: string): Promise<void> {
    const name = node.metadata.name;
    const zone = this.zone(zoneOf(node));
    const taints = node.spec?.taints ?? [];
    if (ready === 'True') {
      zone.queue.delete(name);
      await this.markNodeAsReachable(node);
      return;
    }
    const want = ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
    const other = want === TAINT_NOT_READY ? TAINT_UNREACHABLE : TAINT_NOT_READY;
    if (taints.some((t) => t.key === want && t.effect === 'NoExecute')) {
      zone.queue.delete(name);
      // Ready went from False to Unknown (or back): the taint follows at once, as Kubernetes swaps it.
      if (taints.some((t) => t.key === other && t.effect === 'NoExecute')) await this.swapTaints(name, [], [{ key: other, effect: 'NoExecute' }]);
      return;
    }
    if (taints.some((t) => t.key === other && t.effect === 'NoExecute')) {
      zone.queue.delete(name);
      await this.swapTaints(name, [{ key: want, effect: 'NoExecute' }], [{ key: other, effect: 'NoExecute' }]);
      return;
    }
    zone.queue.add(name);
  }

  private async markNodeAsReachable(node: NodeObject): Promise<void> {
    const remove = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute' && (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY));
    if (remove.length) await this.swapTaints(node.metadata.name, [], remove);
  }

  private zone(zone: string) {
    let z = this.zones.get(zone);
    if (!z) this.zones.set(zone, (z = { queue: new Set(), bucket: new TokenBucket(() => this.ctx.clock.monotonic(), this.o.evictionRate), state: 'Normal' }));
    return z;
  }

  /** handleDisruption: each zone's state sets its tainting rate; every zone down stops tainting altogether. */
  private async handleDisruption(zoneReady: Map<string, (string | undefined)[]>, nodes: NodeObject[]): Promise<void> {
    const states = new Map<string, { state: ZoneState; size: number }>();
    for (const [zone, readies] of zoneReady) {
      const ready = readies.filter((r) => r === 'True').length;
      const notReady = readies.length - ready;
      const state: ZoneState =
        ready === 0 && notReady > 0
          ? 'FullDisruption'
          : notReady > 2 && notReady / readies.length >= this.o.unhealthyZoneThreshold
            ? 'PartialDisruption'
            : 'Normal';
      states.set(zone, { state, size: readies.length });
    }
    const allDown = states.size > 0 && [...states.values()].every((s) => s.state === 'FullDisruption');
    for (const [zone, { state, size }] of states) {
      const z = this.zone(zone);
      const was = z.state;
      z.state = state;
      if (allDown) z.bucket.qps = 0;
      else if (state === 'PartialDisruption') z.bucket.qps = size <= this.o.largeClusterThreshold ? 0 : this.o.secondaryEvictionRate;
      else z.bucket.qps = this.o.evictionRate;
      if (was !== state) this.ctx.log.info('node-lifecycle: zone state changed', { zone, state });
    }
    if (allDown) {
      // The controller's own network is the likelier fault: no node is evicted, those tainted are untainted.
      for (const node of nodes) {
        this.zone(zoneOf(node)).queue.delete(node.metadata.name);
        await this.markNodeAsReachable(this.nodes.cache.get(node.metadata.name) ?? node).catch((error) =>
          this.ctx.log.error('node-lifecycle: untainting failed', { node: node.metadata.name, error: String(error) }),
        );
      }
    }
  }

  /** doNoExecuteTaintingPass: the queued nodes get their NoExecute taint, as the zones' buckets allow. */
  async doNoExecuteTaintingPass(): Promise<void> {
    for (const z of this.zones.values()) {
      for (const name of [...z.queue]) {
        const node = this.nodes.cache.get(name);
        const ready = node ? readyCondition(node)?.status : 'True';
        if (!node || ready === 'True') {
          z.queue.delete(name);
          continue;
        }
        if (!z.bucket.tryAccept()) break;
        const want = ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
        const other = want === TAINT_NOT_READY ? TAINT_UNREACHABLE : TAINT_NOT_READY;
        try {
          await this.swapTaints(name, [{ key: want, effect: 'NoExecute' }], [{ key: other, effect: 'NoExecute' }]);
          z.queue.delete(name);
        } catch (error) {
          this.ctx.log.error('node-lifecycle: NoExecute tainting failed', { node: name, error: String(error) });
        }
      }
    }
  }

  /** SwapNodeControllerTaint: adds (with timeAdded) and removes taints on a fresh read, guarded by its resourceVersion. */
  private async swapTaints(name: string, add: Taint[], remove: Taint[]): Promise<void> {
    const nodes = this.ctx.client.resource('Node');
    for (let attempt = 0; ; attempt++) {
      const node = await nodes.get(undefined, name);
      if (!node) return;
      const now = timestamp(this.ctx.clock.now());
      const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
      const kept = (node.spec?.taints ?? []).filter((t) => !remove.some((r) => same(r, t)));
      const added = add.filter((a) => !kept.some((t) => same(a, t))).map((a) => ({ ...a, timeAdded: now }));
      const taints = [...kept, ...added];
      if (taints.length === (node.spec?.taints ?? []).length && !added.length) return;
      try {
        await nodes.patch(undefined, name, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: taints.length ? taints : null } });
        return;
      } catch (err) {
        if (err instanceof ApiError && err.code === ErrorCode.NOT_FOUND) return;
        if (!(err instanceof ApiError && err.code === ErrorCode.CONFLICT) || attempt >= 5) throw err;
      }
    }
  }

  // ---- the taint manager --------------------------------------------------------

  private nodeTaintsChanged(node: NodeObject, deleted = false): void {
    const taints = deleted ? [] : noExecuteTaints(node);
    for (const pod of this.pods.cache.byIndex('nodeName', node.metadata.name)) this.processPod(pod, taints);
  }

  private podChanged(pod: PodObject): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const node = this.nodes.cache.get(nodeName);
    this.processPod(pod, node ? noExecuteTaints(node) : []);
  }

  /** processPodOnNode: schedules, keeps or cancels the pod's eviction. */
  private processPod(pod: PodObject, taints: Taint[]): void {
    const key = keyOf(pod);
    if (!taints.length || pod.metadata.deletionTimestamp) {
      this.cancelEviction(key, !pod.metadata.deletionTimestamp);
      return;
    }
    const { all, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (!all) {
      this.cancelEviction(key, false);
      this.scheduleEviction(pod, 0);
      return;
    }
    const seconds = minTolerationSeconds(used);
    if (seconds < 0) {
      this.cancelEviction(key, true);
      return;
    }
    if (this.evictions.has(key)) return; // counted from when it was first scheduled
    this.scheduleEviction(pod, seconds * 1000);
  }

  private scheduleEviction(pod: PodObject, afterMs: number): void {
    const key = keyOf(pod);
    const { uid } = pod.metadata;
    const timer = this.ctx.clock.after(afterMs, () => {
      if (this.evictions.get(key)?.timer !== timer) return;
      this.evictions.delete(key);
      this.track(this.evict(key, uid));
    });
    this.evictions.set(key, { createdAt: this.ctx.clock.monotonic(), timer });
  }

  private cancelEviction(key: string, withEvent: boolean): void {
    const scheduled = this.evictions.get(key);
    if (!scheduled) return;
    scheduled.timer.stop();
    this.evictions.delete(key);
    if (withEvent) {
      const pod = this.pods.cache.get(key);
      if (pod) this.evictionEvents.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
    }
  }

  /** The pod's time is up: announce, mark it DisruptionTarget, delete it. */
  private async evict(key: string, uid: string): Promise<void> {
    const pod = this.pods.cache.get(key);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
    const namespace = pod.metadata.namespace ?? undefined;
    this.evictionEvents.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    const podClient = this.ctx.client.resource('Pod');
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.addDisruptionTarget(pod);
        await podClient.delete(namespace, pod.metadata.name, { preconditions: { uid } });
        return;
      } catch (err) {
        if (err instanceof ApiError && (err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.CONFLICT)) return; // gone, or another pod of that name
        this.ctx.log.error('node-lifecycle: evicting a pod failed', { pod: key, error: String(err) });
        await this.ctx.clock.sleep(10 * 2 ** attempt);
      }
    }
  }

  private async addDisruptionTarget(pod: PodObject): Promise<void> {
    const conditions: PodCondition[] = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conditions.push({
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
      lastTransitionTime: timestamp(this.ctx.clock.now()),
    });
    try {
      await this.ctx.client
        .resource('Pod')
        .updateStatus(pod.metadata.namespace ?? undefined, pod.metadata.name, { ...pod.status, conditions }, pod.metadata.resourceVersion);
    } catch (err) {
      // A newer pod status: the condition is best effort, the deletion is what counts.
      if (!(err instanceof ApiError && err.code === ErrorCode.CONFLICT)) throw err;
    }
  }
}

const readyCondition = (node: NodeObject): NodeCondition | undefined => node.status?.conditions?.find((c) => c.type === 'Ready');

const zoneOf = (node: NodeObject): string => {
  const labels = node.metadata.labels ?? {};
  return `${labels[REGION_LABEL] ?? ''}:\u0000:${labels[ZONE_LABEL] ?? ''}`;
};

const noExecuteTaints = (node: NodeObject): Taint[] => (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');

/** GetMatchingTolerations: every taint tolerated, and the first toleration used for each. */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** getMinTolerationTime: the shortest tolerationSeconds (≤ 0: at once); -1 when none is bounded. */
export function minTolerationSeconds(tolerations: Toleration[]): number {
  if (!tolerations.length) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds == null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min;
}
