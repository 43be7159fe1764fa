// ConfigMaps (core/v1): binaryData is bytes, kept in base64's canonical form; once
// `immutable` is true nothing of the data may change. No status subresource.
import { validateConfigMap, validateConfigMapUpdate } from '../validation/configmap.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';
import { canonicalizeBase64, keyCount } from './secret.strategy.ts';

export const configMapStrategy = defineStrategy({
  info: defineKind('ConfigMap', 'v1', 'configmaps', true, { hasStatus: false, shortNames: ['cm'] }),
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
  prepareForCreate: (cm) => canonicalizeBase64(cm.binaryData),
  prepareForUpdate: (cm) => canonicalizeBase64(cm.binaryData),
  printColumns: [
    NAME_COLUMN,
    {
      name: 'DATA',
      type: 'integer',
      source: { compute: (cm) => keyCount(cm, 'data', 'binaryData') },
      description: 'The number of keys in data and binaryData.',
    },
    AGE_COLUMN,
  ],
});
