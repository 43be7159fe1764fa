// NodeRestriction (kube-apiserver's admission plugin of that name): a kubelet's
// identity may change only its own Node, its own Lease, and the status of the pods
// bound to it.
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import type { UserInfo } from '../authn/index.ts';
import type { AdmissionAttributes } from '../registry/index.ts';

const NODE_PREFIX = 'system:node:';
const MIRROR_POD = 'kubernetes.io/config.mirror';

/** The node a caller speaks for, or undefined when it is not a node. */
export function nodeNameOf(user: UserInfo): string | undefined {
  return user.username.startsWith(NODE_PREFIX) && user.groups.includes('system:nodes') ? user.username.slice(NODE_PREFIX.length) : undefined;
}

const forbidden = (message: string) => new ApiError(ErrorCode.FORBIDDEN, message);

export function nodeRestriction(user: UserInfo, attrs: AdmissionAttributes): void {
  const node = nodeNameOf(user);
  if (!node) return;
  const object = attrs.object ?? attrs.oldObject!;
  const name = object.metadata.name;
  const nodeOf = (o: typeof object | undefined) => (o?.spec as { nodeName?: string } | undefined)?.nodeName;
  switch (attrs.info.kind) {
    case 'Node':
      if (name !== node) throw forbidden(`node "${node}" is not allowed to modify node "${name}"`);
      return;
    case 'Lease':
      if (object.metadata.namespace !== 'kube-node-lease' || name !== node) {
        throw forbidden(`node "${node}" is not allowed to modify lease ${object.metadata.namespace}/${name}`);
      }
      return;
    case 'Pod': {
      const bound = nodeOf(attrs.oldObject ?? attrs.object);
      if (attrs.operation === 'CREATE') {
        if (!object.metadata.annotations?.[MIRROR_POD] || nodeOf(attrs.object) !== node) {
          throw forbidden(`pod does not have "${MIRROR_POD}" annotation, node "${node}" can only create mirror pods bound to itself`);
        }
        return;
      }
      if (bound !== node)
        throw forbidden(`node "${node}" can only ${attrs.operation === 'DELETE' ? 'delete' : 'update'} pods with spec.nodeName set to itself`);
      if (attrs.operation === 'UPDATE' && attrs.subresource !== 'status') throw forbidden(`node "${node}" can only update pod status`);
      return;
    }
    default:
      return;
  }
}
