// Simulated nodes (`kubeql node`, and the fleet inside `kubeql up`): many kubelets in one
// process over one connection, one pair of informers and one timer wheel.
export { NodeFleet, FLEET_USER, type NodeFleetOptions } from './fleet.ts';
export { PodRuntime, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, BACKOFF_RESET_MS, type RuntimeHost } from './pod-runtime.ts';
export { podStatus, podPhase } from './pod-status.ts';
export { TimerWheel } from './timer-wheel.ts';
export { behaviourOf, SIM_PREFIX } from './simulation.ts';
