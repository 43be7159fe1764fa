// Every control loop of the controller-manager, in the order they start (each in its own
// file; see context.ts for what a controller is given).
import type { ControllerDescriptor } from './context.ts';
import { replicaSetController } from './replicaset.ts';
import { garbageCollector } from './garbage-collector.ts';
import { deploymentController } from './deployment/index.ts';
import { namespaceController } from './namespace.ts';
import { nodeLifecycle } from './node-lifecycle.ts';
import { endpointSliceController } from './endpointslice.ts';
import { nodeIpam } from './node-ipam.ts';
import { serviceAccountController } from './serviceaccount.ts';

export const CONTROLLERS: readonly ControllerDescriptor[] = [
  replicaSetController,
  deploymentController,
  garbageCollector,
  namespaceController,
  nodeLifecycle,
  nodeIpam,
  endpointSliceController,
  serviceAccountController,
];
