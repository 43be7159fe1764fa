// One pod's simulated containers on one node — the kubelet's pod worker and container
// runtime in one state machine, every wait on the fleet's timer wheel:
//
//   init containers one by one (each pulled, started, run to completion; a failure
//   restarts it per restartPolicy, or fails the pod under Never) → the regular containers
//   together: ContainerCreating (pull, once per image per node) → running (started) →
//   ready after ready-after-seconds → exit after exit-after-seconds with exit-code →
//   restarted per restartPolicy (Always; OnFailure on a non-zero code; Never: stays
//   terminated) with CrashLoopBackOff: the first restart at once, then 10 s doubling to
//   300 s, reset once a container ran for 10 minutes (the kubelet's back-off, keyed per
//   container). Deleting the pod stops every container: at once (a simulated process exits
//   on SIGTERM), or after its `stop-seconds` (an extension: a slow shutdown), killed when
//   the grace period runs out first (exit 137).
//
// The runtime only says that something changed (`changed`); pod-status.ts turns it into
// the PodStatus the kubelet posts.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock, Timer } from '../apimachinery/clock.ts';
import { behaviourOf, type ContainerBehaviour } from './simulation.ts';

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** A container that ran this long starts its back-off over (the kubelet's 2 × max back-off). */
export const BACKOFF_RESET_MS = 600_000;

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: Date } }
  | { terminated: { exitCode: number; reason: string; startedAt?: Date; finishedAt: Date; message?: string } };

export interface ContainerRuntime {
  readonly name: string;
  readonly image: string;
  readonly init: boolean;
  readonly behaviour: ContainerBehaviour;
  state: ContainerState;
  lastState?: ContainerState;
  restartCount: number;
  ready: boolean;
  started: boolean;
  /** Containers created so far (a container ID per incarnation). */
  incarnation: number;
  /** The next back-off; 0 before the first restart. */
  backoffMs: number;
  runningSince?: number;
  /** Delays of the back-offs waited so far (for tests and logs). */
  readonly backoffs: number[];
}

/** What a pod runtime needs from its node and fleet. */
export interface RuntimeHost {
  clock: Clock;
  /** Runs `fn` after `ms` of cluster time (the fleet's timer wheel). */
  after(ms: number, fn: () => void): Timer;
  /** Calls `done` once `image` is on the node (pulling it for `pullMs` unless it is there or coming); `present`: it was there. */
  pull(image: string, pullMs: number, done: () => void): Timer & { present?: boolean };
  /** The runtime's state changed: post the pod's status. */
  changed(): void;
  /** An Event about the pod, as the kubelet records them (Pulling, Pulled, Created, Started, Killing, BackOff). */
  event?(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export class PodRuntime {
  readonly initContainers: ContainerRuntime[];
  readonly containers: ContainerRuntime[];
  readonly restartPolicy: RestartPolicy;
  /** Init containers completed (all of them: Initialized). */
  initDone = 0;
  /** An init container failed under restartPolicy Never: the pod failed. */
  initFailed = false;
  terminating = false;
  startedAt?: Date;
  private readonly timers = new Set<Timer>();
  private readonly podRef: string;

  constructor(
    pod: Pod,
    private readonly host: RuntimeHost,
  ) {
    const annotations = pod.metadata?.annotations;
    const make = (c: { name: string; image?: string }, init: boolean): ContainerRuntime => ({
      name: c.name,
      image: c.image ?? '',
      init,
      behaviour: behaviourOf(annotations, c.name, init),
      state: { waiting: { reason: init ? 'PodInitializing' : pod.spec?.initContainers?.length ? 'PodInitializing' : 'ContainerCreating' } },
      restartCount: 0,
      ready: false,
      started: false,
      incarnation: 0,
      backoffMs: 0,
      backoffs: [],
    });
    this.initContainers = (pod.spec?.initContainers ?? []).map((c) => make(c, true));
    this.containers = (pod.spec?.containers ?? []).map((c) => make(c, false));
    // A pod this node ran before the kubelet (the fleet process) restarted: the node rebooted,
    // so its containers start again, each counting a restart after the one that was cut off.
    const previous = new Map([...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((cs) => [cs.name, cs]));
    for (const c of [...this.initContainers, ...this.containers]) {
      const was = previous.get(c.name);
      if (!was || !(was.state?.running || was.state?.terminated || was.restartCount)) continue;
      c.restartCount = (was.restartCount ?? 0) + (was.state?.running ? 1 : 0);
      if (was.state?.running) {
        c.lastState = {
          terminated: { exitCode: 255, reason: 'Unknown', startedAt: new Date(was.state.running.startedAt ?? host.clock.now()), finishedAt: host.clock.now() },
        };
      }
    }
    if (pod.status?.startTime) this.startedAt = new Date(pod.status.startTime);
    this.restartPolicy = (pod.spec?.restartPolicy as RestartPolicy | undefined) ?? 'Always';
    this.podRef = `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
  }

  get initialized(): boolean {
    return this.initDone >= this.initContainers.length;
  }

  /** Starts the pod's containers (the sandbox exists: the pod has its IP). */
  start(): void {
    this.startedAt ??= this.host.clock.now();
    if (this.initContainers.length) this.run(this.initContainers[0]);
    else for (const c of this.containers) this.run(c);
    this.host.changed();
  }

  /** Every container has stopped (after `terminate`). */
  get stopped(): boolean {
    return this.terminating && ![...this.initContainers, ...this.containers].some((c) => 'running' in c.state);
  }

  /**
   * Stops every container (graceful deletion): each exits on SIGTERM at once, or after its
   * stop-seconds; one still running when `graceMs` runs out is killed (137).
   */
  terminate(graceMs = 30_000): void {
    if (this.terminating) return;
    this.terminating = true;
    this.cancelTimers();
    const now = this.host.clock.now();
    for (const c of [...this.initContainers, ...this.containers]) {
      if ('running' in c.state) {
        this.event('Normal', 'Killing', `Stopping container ${c.name}`);
        const startedAt = c.state.running.startedAt;
        const stopMs = c.behaviour.stopMs;
        if (stopMs <= 0) {
          c.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: now } };
        } else {
          const killed = stopMs > graceMs;
          const timer = this.host.after(Math.min(stopMs, graceMs), () => {
            this.timers.delete(timer);
            c.state = { terminated: { exitCode: killed ? 137 : 0, reason: killed ? 'Error' : 'Completed', startedAt, finishedAt: this.host.clock.now() } };
            this.host.changed();
          });
          this.timers.add(timer);
        }
      } else if ('waiting' in c.state && c.incarnation > 0 && !c.init) {
        // in back-off: the last incarnation's end stands as its state
        c.state = c.lastState ?? c.state;
      }
      c.ready = false;
      c.started = false;
    }
    this.host.changed();
  }

  /** Cancels every pending wait (the pod is gone). */
  stop(): void {
    this.terminating = true;
    this.cancelTimers();
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.host.event?.(type, reason, message);
  }

  private cancelTimers(): void {
    for (const t of this.timers) t.stop();
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): void {
    const timer = this.host.after(ms, () => {
      this.timers.delete(timer);
      if (!this.terminating) fn();
    });
    this.timers.add(timer);
  }

  /** Creates and starts a new incarnation of `c`: pull (once per node), start, run. */
  private run(c: ContainerRuntime): void {
    if (c.incarnation === 0) c.state = { waiting: { reason: c.init ? 'PodInitializing' : 'ContainerCreating' } };
    const began = this.host.clock.monotonic();
    const pull = this.host.pull(c.image, c.behaviour.pullMs, () => {
      this.timers.delete(pull);
      if (this.terminating) return;
      if (pull.present) this.event('Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      else this.event('Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${formatSeconds(this.host.clock.monotonic() - began)}`);
      this.event('Normal', 'Created', `Created container ${c.name}`);
      this.after(c.behaviour.startMs, () => this.started(c));
    });
    if (!pull.present) this.event('Normal', 'Pulling', `Pulling image "${c.image}"`);
    this.timers.add(pull);
  }

  private started(c: ContainerRuntime): void {
    const now = this.host.clock.now();
    c.incarnation++;
    c.state = { running: { startedAt: now } };
    c.started = true;
    c.runningSince = this.host.clock.monotonic();
    this.event('Normal', 'Started', `Started container ${c.name}`);
    const incarnation = c.incarnation;
    if (!c.init) {
      this.after(c.behaviour.readyAfterMs, () => {
        if (c.incarnation !== incarnation || !('running' in c.state)) return;
        c.ready = true;
        this.host.changed();
      });
    }
    if (c.behaviour.exitAfterMs !== undefined) {
      this.after(c.behaviour.exitAfterMs, () => {
        if (c.incarnation === incarnation && 'running' in c.state) this.exited(c, c.behaviour.exitCode);
      });
    }
    this.host.changed();
  }

  private exited(c: ContainerRuntime, exitCode: number): void {
    const startedAt = 'running' in c.state ? c.state.running.startedAt : undefined;
    c.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: this.host.clock.now() } };
    c.ready = false;
    c.started = false;
    if (c.init) {
      if (exitCode === 0) {
        c.ready = true; // a completed init container reads ready, as the kubelet reports it
        this.initDone++;
        if (this.initialized) for (const r of this.containers) this.run(r);
        else this.run(this.initContainers[this.initDone]);
      } else if (this.restartPolicy === 'Never') {
        this.initFailed = true;
      } else {
        this.restart(c);
      }
    } else if (this.restartPolicy === 'Always' || (this.restartPolicy === 'OnFailure' && exitCode !== 0)) {
      this.restart(c);
    }
    this.host.changed();
  }

  /** The kubelet's doBackOff: the first restart at once, then 10 s doubling to 300 s; reset after 10 min of running. */
  private restart(c: ContainerRuntime): void {
    const ran = this.host.clock.monotonic() - (c.runningSince ?? this.host.clock.monotonic());
    if (ran >= BACKOFF_RESET_MS) c.backoffMs = 0;
    const delay = c.backoffMs;
    c.backoffMs = delay === 0 ? BACKOFF_INITIAL_MS : Math.min(delay * 2, BACKOFF_MAX_MS);
    c.lastState = c.state;
    const again = () => {
      c.restartCount++;
      c.state = { waiting: { reason: 'ContainerCreating' } };
      this.run(c);
    };
    if (delay === 0) {
      again();
      return;
    }
    c.backoffs.push(delay);
    this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.podRef}`);
    c.state = {
      waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatDuration(delay)} restarting failed container=${c.name} pod=${this.podRef}` },
    };
    this.after(delay, () => {
      again();
      this.host.changed();
    });
  }
}

/** How the kubelet prints a pull's duration: 10.5s, 0s. */
function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** Go's time.Duration printing for whole seconds and minutes: 10s, 40s, 2m40s, 5m0s. */
function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
