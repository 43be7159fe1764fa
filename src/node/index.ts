// Simulated nodes (`kubeql node`, and the fleet inside `kubeql up`): many kubelets in one
// process over one connection, one pair of informers and one timer wheel.
export { NodeFleet, FLEET_USER } from './fleet.ts';
