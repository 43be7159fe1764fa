// Services (core/v1): an allocated clusterIP is immutable.
import { defaultService } from '../defaults.ts';
import { validateService, validateServiceUpdate } from '../validation/service.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

export const serviceStrategy = defineStrategy({
  info: defineKind('Service', 'v1', 'services', true),
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  defaults: defaultService,
  printColumns: [
    NAME_COLUMN,
    { name: 'TYPE', type: 'string', source: 'spec.type' },
    { name: 'CLUSTER-IP', type: 'string', source: 'spec.clusterIP' },
    { name: 'EXTERNAL-IP', type: 'string', source: { first: [{ each: 'status.loadBalancer.ingress', format: '{ip}' }, 'spec.externalIPs'] } },
    { name: 'PORT(S)', type: 'string', source: { each: 'spec.ports', format: '{port}/{protocol}' } },
    AGE_COLUMN,
  ],
});
