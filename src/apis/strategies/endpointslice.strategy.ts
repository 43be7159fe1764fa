// EndpointSlices (discovery.k8s.io/v1): the addressType is immutable.
import { defaultEndpointSlice } from '../defaults.ts';
import { validateEndpointSlice, validateEndpointSliceUpdate } from '../validation/endpointslice.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

export const endpointSliceStrategy = defineStrategy({
  info: defineKind('EndpointSlice', 'discovery.k8s.io/v1', 'endpointslices', true, { hasStatus: false }),
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
  defaults: defaultEndpointSlice,
  printColumns: [
    NAME_COLUMN,
    { name: 'ADDRESSTYPE', type: 'string', source: 'addressType' },
    { name: 'PORTS', type: 'string', source: { each: 'ports', format: '{port}' } },
    { name: 'ENDPOINTS', type: 'integer', source: { count: 'endpoints' } },
    AGE_COLUMN,
  ],
});
