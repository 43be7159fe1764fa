// ServiceAccounts (core/v1).
import { validateServiceAccount } from '../validation/serviceaccount.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

export const serviceAccountStrategy = defineStrategy({
  info: defineKind('ServiceAccount', 'v1', 'serviceaccounts', true, { hasStatus: false, shortNames: ['sa'] }),
  validate: validateServiceAccount,
  printColumns: [NAME_COLUMN, { name: 'SECRETS', type: 'integer', source: { count: 'secrets' } }, AGE_COLUMN],
});
