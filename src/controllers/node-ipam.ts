// The node IPAM controller (pkg/controller/nodeipam, the RangeAllocator of
// --allocate-node-cidrs): every Node without `spec.podCIDR` gets the next free /24 of the
// cluster CIDR (10.244.0.0/16 by default). "Free" is read from the informer's view of the
// CIDRs Nodes already hold plus the ones this controller is writing; the write is a merge
// patch carrying the Node's resourceVersion, so a Node changed meanwhile answers CONFLICT and
// is tried again from a fresh cache — two Nodes never end up with one range.
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { Controller } from '../client/controller.ts';
import type { KubeObjectOf } from '../client/resources.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';

export interface NodeIpamOptions {
  /** --cluster-cidr. @default 10.244.0.0/16 */
  clusterCIDR?: string;
  /** --node-cidr-mask-size. @default 24 */
  nodeMaskSize?: number;
}

/** Kubernetes' cidrUpdateWorkers. */
const CIDR_UPDATE_WORKERS = 30;

export function nodeIpamController(options: NodeIpamOptions = {}): ControllerDescriptor {
  return { name: 'node-ipam', start: (ctx) => new NodeIpamController(ctx, options.clusterCIDR ?? '10.244.0.0/16', options.nodeMaskSize ?? 24).start() };
}

/**
 * The controller with kubeql's defaults (10.244.0.0/16, /24 per node: room for 256 nodes, as
 * in Kubernetes with these settings), or KUBEQL_CLUSTER_CIDR / KUBEQL_NODE_CIDR_MASK_SIZE
 * (--cluster-cidr, --node-cidr-mask-size) for larger fleets, e.g. 10.0.0.0/8 or /26.
 */
export const nodeIpam: ControllerDescriptor = nodeIpamController({
  clusterCIDR: process.env.KUBEQL_CLUSTER_CIDR || undefined,
  nodeMaskSize: process.env.KUBEQL_NODE_CIDR_MASK_SIZE ? Number(process.env.KUBEQL_NODE_CIDR_MASK_SIZE) : undefined,
});

const ipToInt = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** The ranges of `cidr` cut into blocks of `/mask`, in order. */
export function cidrBlocks(cidr: string, mask: number): { count: number; block(i: number): string } {
  const [base, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!(mask >= prefix && mask <= 32)) throw new RangeError(`node mask /${mask} does not fit in ${cidr}`);
  const start = ipToInt(base);
  return { count: 2 ** (mask - prefix), block: (i) => `${intToIp(start + i * 2 ** (32 - mask))}/${mask}` };
}

class NodeIpamController {
  private readonly nodes;
  private readonly controller: Controller<string>;
  private readonly blocks;
  /** CIDRs written but perhaps not yet seen by the informer: node name → CIDR. */
  private readonly pending = new Map<string, string>();
  /** Nodes already reported as left without a range (reported once each). */
  private readonly starved = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    clusterCIDR: string,
    mask: number,
  ) {
    this.blocks = cidrBlocks(clusterCIDR, mask);
    this.nodes = ctx.informers.informerFor('Node');
    this.controller = new Controller(
      'node-ipam',
      { reconcile: (name) => this.reconcile(name) },
      {
        clock: ctx.clock,
        // the range allocator's cidrUpdateWorkers: 5,000 nodes registering at once are not
        // served one patch at a time (a node's pods wait for its range)
        workers: CIDR_UPDATE_WORKERS,
        onError: (key, error) => ctx.log.error('node-ipam: allocating a pod CIDR failed', { node: key, error: String(error) }),
      },
    );
  }

  start(): RunningController {
    const enqueue = (n: KubeObjectOf<'Node'>) => {
      if (n.spec?.podCIDR) this.pending.delete(n.metadata.name);
      else this.controller.enqueue(n.metadata.name);
    };
    const freed = (n: KubeObjectOf<'Node'>) => {
      this.pending.delete(n.metadata.name);
      this.starved.delete(n.metadata.name);
      // a range came free: nodes still waiting for one try again
      if (n.spec?.podCIDR) for (const waiting of this.starved) this.controller.enqueue(waiting);
    };
    this.nodes.addEventHandler({ onAdd: enqueue, onUpdate: (_, n) => enqueue(n), onDelete: freed });
    void this.nodes.waitForSync().then(() => this.controller.start());
    return { stop: () => this.controller.stop() };
  }

  private async reconcile(name: string) {
    const node = this.nodes.cache.get(name);
    if (!node || node.spec?.podCIDR) {
      this.pending.delete(name);
      return;
    }
    const used = new Set<string>();
    for (const n of this.nodes.cache.list()) if (n.spec?.podCIDR) used.add(n.spec.podCIDR);
    for (const [other, cidr] of this.pending) if (other !== name) used.add(cidr);
    let cidr: string | undefined;
    for (let i = 0; i < this.blocks.count && !cidr; i++) if (!used.has(this.blocks.block(i))) cidr = this.blocks.block(i);
    if (!cidr) {
      if (!this.starved.has(name))
        this.ctx.log.error('node-ipam: the cluster CIDR is exhausted (CIDRNotAvailable)', { node: name, clusterCIDRBlocks: this.blocks.count });
      this.starved.add(name);
      return { requeueAfterMs: 30_000 };
    }
    this.pending.set(name, cidr);
    try {
      await this.ctx.client
        .resource('Node')
        .patch(undefined, name, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (err) {
      this.pending.delete(name);
      if (err instanceof ApiError && err.code === ErrorCode.NOT_FOUND) return;
      // the Node changed meanwhile (its kubelet posted status): try again against the fresh cache
      if (err instanceof ApiError && err.code === ErrorCode.CONFLICT) return { requeue: true };
      throw err;
    }
  }
}
