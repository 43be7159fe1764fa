// Nodes (pkg/registry/core/node): kubelets register with their status, so create keeps it.
import { defaultNode } from '../defaults.ts';
import { validateNode, validateNodeUpdate } from '../validation/node.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

export const nodeStrategy = defineStrategy({
  info: defineKind('Node', 'v1', 'nodes', false, { shortNames: ['no'], fieldSelectors: ['spec.unschedulable'] }),
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  defaults: defaultNode,
  prepareForCreate: () => undefined, // status as the kubelet registers it
  printColumns: [
    NAME_COLUMN,
    {
      name: 'STATUS',
      type: 'string',
      source: {
        join: [
          { map: { find: 'status.conditions', where: { type: 'Ready' }, field: 'status' }, values: { True: 'Ready', False: 'NotReady', Unknown: 'NotReady' } },
          { ifSet: 'spec.unschedulable', then: 'SchedulingDisabled' },
        ],
        separator: ',',
      },
    },
    { name: 'ROLES', type: 'string', source: { keysWithPrefix: 'metadata.labels', prefix: 'node-role.kubernetes.io/' } },
    AGE_COLUMN,
    { name: 'VERSION', type: 'string', source: 'status.nodeInfo.kubeletVersion' },
    { name: 'INTERNAL-IP', type: 'string', source: { find: 'status.addresses', where: { type: 'InternalIP' }, field: 'address' }, priority: 1 },
    { name: 'OS-IMAGE', type: 'string', source: 'status.nodeInfo.osImage', priority: 1 },
    { name: 'KERNEL-VERSION', type: 'string', source: 'status.nodeInfo.kernelVersion', priority: 1 },
    { name: 'CONTAINER-RUNTIME', type: 'string', source: 'status.nodeInfo.containerRuntimeVersion', priority: 1 },
  ],
});
