// Leases (coordination.k8s.io/v1): node heartbeats and leader election.
import { validateLease } from '../validation/lease.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

export const leaseStrategy = defineStrategy({
  info: defineKind('Lease', 'coordination.k8s.io/v1', 'leases', true, { hasStatus: false }),
  validate: validateLease,
  printColumns: [NAME_COLUMN, { name: 'HOLDER', type: 'string', source: 'spec.holderIdentity' }, AGE_COLUMN],
});
