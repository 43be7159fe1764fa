// `kubeql describe`: kubectl's describers over the SDK (src/client).
export { describe, describeMany, noResourcesFound, UnknownKindError, type DescribedKind, type DescribeManyOptions, type DescribeOptions } from './describe.ts';
export { hasOwnDescriber } from './registry.ts';
