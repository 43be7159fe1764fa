// The four RBAC kinds (rbac.authorization.k8s.io/v1): a binding's roleRef is immutable.
import { defaultBinding } from '../defaults.ts';
import { validateBindingUpdate, validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from '../validation/rbac.ts';
import type { PrintColumn } from '../strategy.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

const CREATED_AT: PrintColumn = { name: 'CREATED AT', type: 'string', source: 'metadata.creationTimestamp' };
const ROLE: PrintColumn = { name: 'ROLE', type: 'string', source: { join: ['roleRef.kind', 'roleRef.name'], separator: '/' } };
const GROUP = 'rbac.authorization.k8s.io/v1';

export const roleStrategy = defineStrategy({
  info: defineKind('Role', GROUP, 'roles', true, { hasStatus: false }),
  validate: validateRole,
  printColumns: [NAME_COLUMN, CREATED_AT],
});

export const roleBindingStrategy = defineStrategy({
  info: defineKind('RoleBinding', GROUP, 'rolebindings', true, { hasStatus: false }),
  validate: validateRoleBinding,
  validateUpdate: validateBindingUpdate,
  defaults: defaultBinding,
  printColumns: [NAME_COLUMN, ROLE, AGE_COLUMN],
});

export const clusterRoleStrategy = defineStrategy({
  info: defineKind('ClusterRole', GROUP, 'clusterroles', false, { hasStatus: false }),
  validate: validateClusterRole,
  printColumns: [NAME_COLUMN, CREATED_AT],
});

export const clusterRoleBindingStrategy = defineStrategy({
  info: defineKind('ClusterRoleBinding', GROUP, 'clusterrolebindings', false, { hasStatus: false }),
  validate: validateClusterRoleBinding,
  validateUpdate: validateBindingUpdate,
  defaults: defaultBinding,
  printColumns: [NAME_COLUMN, ROLE, AGE_COLUMN],
});
