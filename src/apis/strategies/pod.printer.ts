// What `kubectl get pods` prints in READY, STATUS, RESTARTS and READINESS GATES: the
// server-side printer of kube-apiserver 1.30 (pkg/printers/internalversion/printers.go,
// printPod), which is code rather than field paths — STATUS is the last container's waiting
// or terminated reason (ContainerCreating, CrashLoopBackOff, Completed, Error), `Init:1/2`
// while init containers run, Terminating once deleted; RESTARTS says when the last restart
// was (`3 (2m ago)`); restartable init containers (sidecars) count as containers.
import { isRecord } from '../../apimachinery/json.ts';
import type { KubeObject } from '../kinds.ts';
import { humanAge } from '../strategy.ts';

type Rec = Record<string, unknown>;

/** The pod's condition reason node-lifecycle gives pods of a node that stopped answering. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

export interface PodPrintout {
  ready: string;
  status: string;
  restarts: string;
  readinessGates: string;
  /** status.podIPs[0], as kubectl prints it (podIP where a writer gave no podIPs). */
  ip: string | undefined;
}

const records = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const rec = (v: unknown): Rec | undefined => (isRecord(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** An init container with restartPolicy Always: a sidecar, counted with the containers. */
const isRestartable = (c: Rec | undefined) => c?.restartPolicy === 'Always';

/** `Signal:9` / `ExitCode:1` for a terminated state without a reason; the reason otherwise. */
function terminatedReason(terminated: Rec, prefix = ''): string {
  const reason = str(terminated.reason);
  if (reason) return prefix + reason;
  return num(terminated.signal) ? `${prefix}Signal:${num(terminated.signal)}` : `${prefix}ExitCode:${num(terminated.exitCode)}`;
}

/** The later of the running latest and the last termination's finishedAt, in ms (0: none). */
function lastTermination(status: Rec, latest: number): number {
  const finished = Date.parse(str(rec(rec(status.lastState)?.terminated)?.finishedAt));
  return Number.isNaN(finished) ? latest : Math.max(latest, finished);
}

const conditionTrue = (status: Rec, type: string) => records(status.conditions).some((c) => c.type === type && c.status === 'True');

/** One printout per pod and time: the four columns that need it compute it once. */
const printed = new WeakMap<KubeObject, { at: number; out: PodPrintout }>();

export function printPod(pod: KubeObject, now: Date): PodPrintout {
  const cached = printed.get(pod);
  if (cached?.at === now.getTime()) return cached.out;
  const out = computePrintout(pod, now);
  printed.set(pod, { at: now.getTime(), out });
  return out;
}

function computePrintout(pod: KubeObject, now: Date): PodPrintout {
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  const initSpecs = new Map(records(spec.initContainers).map((c) => [str(c.name), c]));
  const total = records(spec.containers).length + [...initSpecs.values()].filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;

  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  if (records(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initStatuses = records(status.initContainerStatuses);
  let initializing = false;
  for (const [i, c] of initStatuses.entries()) {
    restarts += num(c.restartCount);
    lastRestart = lastTermination(c, lastRestart);
    const restartable = isRestartable(initSpecs.get(str(c.name)));
    if (restartable) {
      sidecarRestarts += num(c.restartCount);
      lastSidecarRestart = lastTermination(c, lastSidecarRestart);
    }
    const state = rec(c.state) ?? {};
    const terminated = rec(state.terminated);
    const waiting = rec(state.waiting);
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') reason = `Init:${str(waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = records(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += num(c.restartCount);
      lastRestart = lastTermination(c, lastRestart);
      const state = rec(c.state) ?? {};
      const waiting = rec(state.waiting);
      const terminated = rec(state.terminated);
      if (waiting && str(waiting.reason)) reason = str(waiting.reason);
      else if (terminated) reason = terminatedReason(terminated);
      else if (c.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    // A container still running after another completed: the pod is running (or not ready).
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const gates = records(spec.readinessGates);
  const conditions = records(status.conditions);
  const gatesTrue = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return {
    ready: `${ready}/${total}`,
    status: reason,
    restarts: restarts !== 0 && lastRestart ? `${restarts} (${humanAge((now.getTime() - lastRestart) / 1000)} ago)` : String(restarts),
    readinessGates: gates.length ? `${gatesTrue}/${gates.length}` : '<none>',
    ip: str(records(status.podIPs)[0]?.ip) || str(status.podIP) || undefined,
  };
}
