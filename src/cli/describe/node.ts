// kubectl's NodeDescriber: the node, its heartbeat Lease, and the non-terminated pods on
// it with what they request against what the node can allocate.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import { addQuantities, podRequests, type Quantity } from '../../apis/quantity.ts';
import { type DescribeContext, type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_1, tabbedString, type PrefixWriter } from './prefix-writer.ts';
import { percentOf, podLimits, quantityString, sortedResourceNames } from './resources.ts';
import { rfc1123z, timestampSince } from './time-format.ts';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePages = (name: string): boolean => name.startsWith('hugepages-');

/** findNodeRoles: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role=<role>`. */
function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_LABEL_PREFIX) && k.length > ROLE_LABEL_PREFIX.length) roles.add(k.slice(ROLE_LABEL_PREFIX.length));
    else if (k === ROLE_LABEL && v) roles.add(v);
  }
  return [...roles].sort();
}

/** The pods on the node that still hold resources; null when the caller may not list pods. */
async function nonTerminatedPods(ctx: DescribeContext, node: string): Promise<Pod[] | null> {
  try {
    const fieldSelector = `spec.nodeName=${node},status.phase!=Succeeded,status.phase!=Failed`;
    return (await ctx.client.resource('Pod').listAll({ allNamespaces: true, fieldSelector }, ctx.chunkSize)).items as Pod[];
  } catch (e) {
    if (e instanceof ApiError && e.code === ErrorCode.FORBIDDEN) return null;
    throw e;
  }
}

async function nodeLease(ctx: DescribeContext, node: string): Promise<Lease | string> {
  try {
    const lease = await ctx.client.resource('Lease').get(NODE_LEASE_NAMESPACE, node);
    return lease ? (lease as Lease) : `leases.coordination.k8s.io "${node}" not found`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function describeLease(lease: Lease | string, w: PrefixWriter): void {
  if (typeof lease === 'string') {
    w.write(LEVEL_0, `Lease:\tFailed to get lease: ${lease}\n`);
    return;
  }
  w.write(LEVEL_0, 'Lease:\n');
  w.write(LEVEL_1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
  w.write(LEVEL_1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
  w.write(LEVEL_1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
}

/** describeNodeResource: `Non-terminated Pods:` and `Allocated resources:`. */
function describeNodeResource(pods: readonly Pod[], node: Node, w: PrefixWriter, now: Date): void {
  const capacity = node.status?.capacity ?? {};
  const allocatable = addQuantities([Object.keys(node.status?.allocatable ?? {}).length ? node.status!.allocatable : capacity]);
  const cpu = allocatable.cpu;
  const memory = allocatable.memory;
  const cell = (q: Quantity | undefined, of: Quantity | undefined, milli: boolean) => `${quantityString(q)} (${percentOf(q, of, milli)}%)`;

  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  for (const pod of pods) {
    const req = podRequests(pod.spec);
    const limit = podLimits(pod.spec);
    w.write(
      LEVEL_1,
      `${pod.metadata?.namespace}\t${pod.metadata?.name}\t\t${cell(req.cpu, cpu, true)}\t${cell(limit.cpu, cpu, true)}\t${cell(req.memory, memory, false)}\t${cell(limit.memory, memory, false)}\t${timestampSince(pod.metadata?.creationTimestamp, now)}\n`,
    );
  }

  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  const reqs = addQuantities(pods.map((p) => podRequests(p.spec)));
  const limits = addQuantities(pods.map((p) => podLimits(p.spec)));
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const milli = name === 'cpu';
    w.write(LEVEL_1, `${name}\t${cell(reqs[name], allocatable[name], milli)}\t${cell(limits[name], allocatable[name], milli)}\n`);
  }
  const names = sortedResourceNames(allocatable);
  for (const name of names.filter(isHugePages)) {
    w.write(LEVEL_1, `${name}\t${cell(reqs[name], allocatable[name], false)}\t${cell(limits[name], allocatable[name], false)}\n`);
  }
  for (const name of names.filter((n) => !STANDARD_CONTAINER_RESOURCES.has(n) && !isHugePages(n) && n !== 'pods')) {
    w.write(LEVEL_1, `${name}\t${quantityString(reqs[name])}\t${quantityString(limits[name])}\n`);
  }
}

export const describeNode: Describer = async (ctx, object) => {
  const node = as<Node>(object);
  const name = object.metadata.name;
  const [pods, lease, events] = await Promise.all([
    nonTerminatedPods(ctx, name),
    nodeLease(ctx, name),
    // Controllers record a node's events under its UID, kubelets under its name: both are read.
    eventsFor(ctx, object, { kind: 'Node', name, uid: object.metadata.uid }, { kind: 'Node', name, uid: name }),
  ]);
  const status = node.status ?? {};
  const info = status.nodeInfo;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${name}\n`);
    const roles = nodeRoles(node);
    w.write(LEVEL_0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', node.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', node.metadata?.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(node.metadata?.creationTimestamp)}\n`);
    printTaintsMultiline(w, 'Taints', node.spec?.taints);
    w.write(LEVEL_0, `Unschedulable:\t${node.spec?.unschedulable === true}\n`);
    describeLease(lease, w);
    if (status.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of status.conditions) {
        w.write(
          LEVEL_1,
          `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
        );
      }
    }
    w.write(LEVEL_0, 'Addresses:\n');
    for (const a of status.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
    for (const [title, list] of [
      ['Capacity', status.capacity],
      ['Allocatable', status.allocatable],
    ] as const) {
      if (!Object.keys(list ?? {}).length) continue;
      w.write(LEVEL_0, `${title}:\n`);
      for (const r of sortedResourceNames(list)) w.write(LEVEL_0, `  ${r}:\t${quantityString(list![r])}\n`);
    }
    w.write(LEVEL_0, 'System Info:\n');
    w.write(LEVEL_0, `  Machine ID:\t${info?.machineID ?? ''}\n`);
    w.write(LEVEL_0, `  System UUID:\t${info?.systemUUID ?? ''}\n`);
    w.write(LEVEL_0, `  Boot ID:\t${info?.bootID ?? ''}\n`);
    w.write(LEVEL_0, `  Kernel Version:\t${info?.kernelVersion ?? ''}\n`);
    w.write(LEVEL_0, `  OS Image:\t${info?.osImage ?? ''}\n`);
    w.write(LEVEL_0, `  Operating System:\t${info?.operatingSystem ?? ''}\n`);
    w.write(LEVEL_0, `  Architecture:\t${info?.architecture ?? ''}\n`);
    w.write(LEVEL_0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ''}\n`);
    w.write(LEVEL_0, `  Kubelet Version:\t${info?.kubeletVersion ?? ''}\n`);
    if (node.spec?.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${node.spec.podCIDR}\n`);
    if (node.spec?.podCIDRs?.length) w.write(LEVEL_0, `PodCIDRs:\t${node.spec.podCIDRs.join(',')}\n`);
    if (node.spec?.providerID) w.write(LEVEL_0, `ProviderID:\t${node.spec.providerID}\n`);
    if (pods) describeNodeResource(pods, node, w, ctx.now);
    else w.write(LEVEL_0, 'Pods:\tnot authorized\n');
    printEvents(events, w, ctx.now);
  });
};
