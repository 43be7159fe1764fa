// The scheduler (kube-scheduler's scheduleOne loop) as a GraphQL client: informers feed
// the queue (pods without a node) and the cache (nodes, bound pods); one pod at a time is
// placed against a snapshot by the filter and score plugins, assumed on its node at once,
// and bound asynchronously (in bulk: bindPods) — the next decision never waits on the
// network. A pod that fits nowhere gets `PodScheduled=False` (reason Unschedulable) and a
// FailedScheduling event in Kubernetes' words, and waits in the queue until a cluster
// event could make it fit.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../apimachinery/clock.ts';
import { timestamp } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { Batcher } from '../client/batcher.ts';
import type { Client } from '../client/client.ts';
import type { KubeObjectOf, PodBinding } from '../client/resources.ts';
import { SharedInformers } from '../client/shared-informers.ts';
import type { Logger } from '../observability/log.ts';
import { eventRecorder, type EventRecorder } from '../client/event-recorder.ts';
import { counter, gauge, histogram } from '../observability/index.ts';
import { defaultPlugins, schedulePod, FitError } from './algorithm.ts';
import { SchedulerCache } from './cache.ts';
import { preempt } from './preemption.ts';
import { SchedulingQueue, type QueuedPod } from './queue.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  client: Client;
  clock: Clock;
  log: Logger;
  /** Pods with this spec.schedulerName are ours. @default default-scheduler */
  schedulerName?: string;
  /** Binds in flight at once; the loop waits for a slot beyond it. @default 64 */
  bindConcurrency?: number;
  /** kube-scheduler's percentageOfNodesToScore (0: adaptive). @default 0 */
  percentageOfNodesToScore?: number;
}

const attempts = counter({
  name: 'scheduler_schedule_attempts_total',
  help: 'Scheduling attempts by result (scheduled, unschedulable, error).',
  labelNames: ['result', 'profile'] as const,
});
const attemptDuration = histogram({
  name: 'scheduler_scheduling_attempt_duration_seconds',
  help: 'Time to decide where a pod goes (filter and score), by result.',
  labelNames: ['result', 'profile'] as const,
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
});
const e2eDuration = histogram({
  name: 'scheduler_pod_scheduling_sli_duration_seconds',
  help: 'From a pod entering the queue to its binding, by attempts.',
  labelNames: ['attempts'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
});
const pendingPods = gauge({ name: 'scheduler_pending_pods', help: 'Pods waiting in the scheduling queue, by queue.', labelNames: ['queue'] as const });

const podKey = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** Has the node changed in a way that could let a waiting pod fit (kube-scheduler's nodeSchedulingPropertiesChange)? */
function schedulingPropertiesChanged(old: Node, node: Node): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    old.spec?.unschedulable !== node.spec?.unschedulable ||
    !same(old.status?.allocatable, node.status?.allocatable) ||
    !same(old.metadata?.labels, node.metadata?.labels) ||
    !same(old.spec?.taints, node.spec?.taints) ||
    !same(
      old.status?.conditions?.map((c) => [c.type, c.status]),
      node.status?.conditions?.map((c) => [c.type, c.status]),
    )
  );
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  private readonly informers: SharedInformers;
  private readonly recorder: EventRecorder;
  private readonly schedulerName: string;
  private readonly bindConcurrency: number;
  /**
   * Bindings go out in bulk (bindPods): those decided while both request slots are busy
   * leave together. kube-scheduler sends one request per binding; one per batch spares the
   * apiserver and this process the per-request work of thousands a second.
   */
  private readonly binder: Batcher<PodBinding, KubeObjectOf<'Pod'> | ApiError>;
  private binding = 0;
  private readonly bindSlots: (() => void)[] = [];
  private readonly bindsInFlight = new Set<Promise<void>>();
  private readonly plugins = defaultPlugins();
  /** Pods waiting for the room their preemption is making: node → pod key → pod (status.nominatedNodeName). */
  private readonly nominated = new Map<string, Map<string, Pod>>();
  /** Where the next feasible-node search starts (kube-scheduler's nextStartNodeIndex), this scheduler's own. */
  private readonly cursor = { next: 0 };
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.queue = new SchedulingQueue({ clock: options.clock });
    this.informers = new SharedInformers(options.client, {
      clock: options.clock,
      onError: (error) => options.log.error('scheduler: informer', { error: String(error) }),
    });
    this.recorder = eventRecorder(options.client, options.clock, DEFAULT_SCHEDULER_NAME);
    this.schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.bindConcurrency = options.bindConcurrency ?? 64;
    this.binder = new Batcher((bindings) => options.client.resource('Pod').bindMany(bindings), { requests: 2, batch: 100 });
  }

  /** Is the pod this scheduler's to place? */
  private responsibleFor(pod: Pod): boolean {
    return (
      !pod.spec?.nodeName && (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName && !pod.metadata?.deletionTimestamp && !terminal(pod)
    );
  }

  start(): void {
    const pods = this.informers.informerFor('Pod');
    const nodes = this.informers.informerFor('Node');
    pods.addEventHandler({
      onAdd: (pod) => {
        this.nominate(pod);
        if (this.responsibleFor(pod)) this.queue.add(pod);
        else if (pod.spec?.nodeName) this.cache.setPod(pod);
      },
      onUpdate: (old, pod) => {
        this.nominate(pod, old);
        if (pod.spec?.nodeName) {
          if (!old.spec?.nodeName) this.queue.delete(pod);
          this.cache.setPod(pod);
          if (terminal(pod) && !terminal(old)) this.queue.moveAllToActiveOrBackoff(); // its resources are free
        } else if (this.responsibleFor(pod)) {
          this.queue.update(pod);
        } else {
          this.queue.delete(pod);
        }
      },
      onDelete: (pod) => {
        this.nominate({ ...pod, spec: { ...pod.spec!, nodeName: 'gone' } }, pod);
        this.queue.delete(pod);
        if (pod.spec?.nodeName) {
          this.cache.removePod(pod);
          this.queue.moveAllToActiveOrBackoff();
        }
      },
    });
    nodes.addEventHandler({
      onAdd: (node) => {
        this.cache.setNode(node);
        this.queue.moveAllToActiveOrBackoff();
      },
      onUpdate: (old, node) => {
        this.cache.setNode(node);
        if (schedulingPropertiesChanged(old, node)) this.queue.moveAllToActiveOrBackoff();
      },
      onDelete: (node) => this.cache.removeNode(node),
    });
    this.informers.start();
    this.running = this.informers.waitForSync().then(() => this.loop());
  }

  waitForSync(): Promise<void> {
    return this.informers.waitForSync();
  }

  /** Keeps `nominated` in step with the pods' status.nominatedNodeName (unbound pods only). */
  private nominate(pod: Pod, old?: Pod): void {
    const key = podKey(pod);
    const before = old?.status?.nominatedNodeName;
    const now = !pod.spec?.nodeName ? pod.status?.nominatedNodeName : undefined;
    if (before && before !== now) this.nominated.get(before)?.delete(key);
    if (now) {
      let onNode = this.nominated.get(now);
      if (!onNode) this.nominated.set(now, (onNode = new Map()));
      onNode.set(key, pod);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    await this.running;
    await Promise.all(this.bindsInFlight);
    await this.recorder.flush();
    await this.informers.stop();
  }

  private async loop(): Promise<void> {
    for (let item = await this.queue.pop(); item && !this.stopped; item = await this.queue.pop()) {
      this.updatePendingMetric();
      try {
        await this.scheduleOne(item);
      } catch (error) {
        this.options.log.error('scheduler: scheduling failed', { pod: item.key, error: String(error) });
        attempts.inc({ result: 'error', profile: this.schedulerName });
        this.queue.addBackoff(item);
      }
    }
  }

  private updatePendingMetric(): void {
    const p = this.queue.pending;
    pendingPods.set({ queue: 'active' }, p.active);
    pendingPods.set({ queue: 'backoff' }, p.backoff);
    pendingPods.set({ queue: 'unschedulable' }, p.unschedulable);
  }

  private async scheduleOne(item: QueuedPod): Promise<void> {
    const pod = item.pod;
    const snapshot = this.cache.snapshot();
    const started = performance.now();
    const result = schedulePod(pod, snapshot, { ...this.plugins, cursor: this.cursor, percentageOfNodesToScore: this.options.percentageOfNodesToScore ?? 0 });
    if (result instanceof FitError) {
      attemptDuration.observe({ result: 'unschedulable', profile: this.schedulerName }, (performance.now() - started) / 1000);
      attempts.inc({ result: 'unschedulable', profile: this.schedulerName });
      // PostFilter: can evicting lower-priority pods on one node make room?
      const outcome = preempt(pod, snapshot, { statuses: result.statuses, nominatedPods: (node) => [...(this.nominated.get(node)?.values() ?? [])] });
      if (outcome.nodeName !== undefined) {
        this.preemptVictims(pod, outcome.nodeName, outcome.victims);
        this.unschedulable(item, result.message, outcome.nodeName);
      } else {
        this.unschedulable(item, result.messageWith(outcome.message));
      }
      return;
    }
    attemptDuration.observe({ result: 'scheduled', profile: this.schedulerName }, (performance.now() - started) / 1000);
    this.cache.assume(pod, result.node);
    // Binding is asynchronous; past the concurrency cap the loop waits for a slot.
    if (this.binding >= this.bindConcurrency) await new Promise<void>((resolve) => this.bindSlots.push(resolve));
    this.binding++;
    const bind = this.bind(item, result.node).finally(() => {
      this.binding--;
      this.bindSlots.shift()?.();
      this.bindsInFlight.delete(bind);
    });
    this.bindsInFlight.add(bind);
  }

  private async bind(item: QueuedPod, nodeName: string): Promise<void> {
    const pod = item.pod;
    const namespace = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    try {
      const bound = await this.binder.add({ namespace, name, nodeName });
      if (bound instanceof ApiError) throw bound;
      attempts.inc({ result: 'scheduled', profile: this.schedulerName });
      e2eDuration.observe({ attempts: String(Math.min(item.attempts, 15)) }, (this.options.clock.monotonic() - item.firstSeen) / 1000);
      this.queue.done(item);
      this.recorder.event(
        { kind: 'Pod', apiVersion: 'v1', metadata: pod.metadata! },
        'Normal',
        'Scheduled',
        `Successfully assigned ${namespace}/${name} to ${nodeName}`,
      );
    } catch (error) {
      this.cache.forget(pod);
      if (error instanceof ApiError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.CONFLICT)) {
        // gone, or bound by someone else meanwhile (the informer brings the truth)
        this.queue.done(item);
        return;
      }
      this.options.log.error('scheduler: binding failed', { pod: `${namespace}/${name}`, node: nodeName, error: String(error) });
      this.queue.addBackoff(item);
    }
  }

  /** PodScheduled=False with the reason, a FailedScheduling event, and the pod parked until the cluster changes. */
  private unschedulable(item: QueuedPod, message: string, nominatedNodeName?: string): void {
    const pod = item.pod;
    this.queue.addUnschedulable(item);
    this.recorder.event({ kind: 'Pod', apiVersion: 'v1', metadata: pod.metadata! }, 'Warning', 'FailedScheduling', message);
    const conditions = pod.status?.conditions ?? [];
    const current = conditions.find((c) => c.type === 'PodScheduled');
    const nomination = nominatedNodeName ?? pod.status?.nominatedNodeName;
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message && nomination === pod.status?.nominatedNodeName)
      return;
    void this.writeUnschedulable(pod, message, nomination);
  }

  /**
   * PodScheduled=False/Unschedulable (and the nomination) into the pod's status, conditional
   * on the version it is built from, so a kubelet's newer status is never overwritten by a
   * stale copy; on CONFLICT it is rebuilt once from a fresh read (as Kubernetes patches only
   * the condition).
   */
  private async writeUnschedulable(pod: Pod, message: string, nomination: string | undefined, retry = true): Promise<void> {
    const conditions = pod.status?.conditions ?? [];
    const current = conditions.find((c) => c.type === 'PodScheduled');
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: current?.status === 'False' ? current.lastTransitionTime : timestamp(this.options.clock.now()),
    };
    const status = {
      ...pod.status,
      ...(nomination ? { nominatedNodeName: nomination } : {}),
      conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition],
    };
    const pods = this.options.client.resource('Pod');
    try {
      await pods.updateStatus(pod.metadata!.namespace!, pod.metadata!.name!, status, pod.metadata!.resourceVersion);
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCode.CONFLICT && retry) {
        const fresh = await pods.get(pod.metadata!.namespace!, pod.metadata!.name!).catch(() => null);
        if (fresh && !fresh.spec?.nodeName && !fresh.metadata.deletionTimestamp) await this.writeUnschedulable(fresh as Pod, message, nomination, false);
        return;
      }
      if (!(error instanceof ApiError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.CONFLICT)))
        this.options.log.error('scheduler: pod status', { pod: podKey(pod), error: String(error) });
    }
  }

  /** Evicts the victims gracefully (their terminationGracePeriodSeconds honoured), each with a Preempted event. */
  private preemptVictims(preemptor: Pod, nodeName: string, victims: readonly Pod[]): void {
    const by = `${preemptor.metadata!.namespace}/${preemptor.metadata!.name}`;
    for (const victim of victims) {
      this.recorder.event(
        { kind: 'Pod', apiVersion: 'v1', metadata: victim.metadata! },
        'Normal',
        'Preempted',
        `Preempted by pod ${preemptor.metadata!.uid ?? by} on node ${nodeName}`,
      );
      this.options.client
        .resource('Pod')
        .delete(victim.metadata!.namespace!, victim.metadata!.name!, { preconditions: { uid: victim.metadata!.uid } })
        .catch((error) => {
          if (!(error instanceof ApiError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.CONFLICT)))
            this.options.log.error('scheduler: preempting', { victim: podKey(victim), by, error: String(error) });
        });
    }
  }
}
