// What a simulated container does, read from its pod's annotations (API.md "Simulated
// containers"): `sim.kubeql.io/<key>` for every container, `sim.kubeql.io/<key>.<container>`
// for one. Seconds are Kubernetes' (before --time-scale); the clock scales the waits.
export const SIM_PREFIX = 'sim.kubeql.io/';

export interface ContainerBehaviour {
  /** Image pull, once per image per node. */
  pullMs: number;
  /** From pulled to running. */
  startMs: number;
  /** From running to ready. */
  readyAfterMs: number;
  /** From running to exit; undefined: never exits (init containers: 0, they run to completion). */
  exitAfterMs: number | undefined;
  exitCode: number;
  /** kubeql's own `stop-seconds`: from SIGTERM to exit (default 0: at once). */
  stopMs: number;
}

function read(annotations: Record<string, string> | undefined, key: string, container: string): string | undefined {
  return annotations?.[`${SIM_PREFIX}${key}.${container}`] ?? annotations?.[`${SIM_PREFIX}${key}`];
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}

export function behaviourOf(annotations: Record<string, string> | undefined, container: string, init = false): ContainerBehaviour {
  const exitCode = Number(read(annotations, 'exit-code', container) ?? 0);
  return {
    pullMs: seconds(read(annotations, 'pull-seconds', container)) ?? 0,
    startMs: seconds(read(annotations, 'start-seconds', container)) ?? 0,
    readyAfterMs: seconds(read(annotations, 'ready-after-seconds', container)) ?? 0,
    exitAfterMs: seconds(read(annotations, 'exit-after-seconds', container)) ?? (init ? 0 : undefined),
    exitCode: Number.isInteger(exitCode) ? exitCode : 1,
    stopMs: seconds(read(annotations, 'stop-seconds', container)) ?? 0,
  };
}
