// What the workload describers share: the `Controlled By:` owner, the `Pods Status:`
// count of the pods a controller owns, and the Type/Status/Reason conditions table.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { DescribeContext } from './describer.ts';
import { LEVEL_0, LEVEL_1, type PrefixWriter } from './prefix-writer.ts';

/** printController: `ReplicaSet/web-7d4b9c` for the owner that is the controller; empty when none. */
export function controllerOf(metadata: ObjectMeta | undefined): string {
  const ref = metadata?.ownerReferences?.find((o) => o.controller === true);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

export function printControlledBy(w: PrefixWriter, metadata: ObjectMeta | undefined): void {
  const controlledBy = controllerOf(metadata);
  if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
}

export interface PodCounts {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
}

/** getPodStatusForController: the phases of the selected pods whose controller is `uid` (orphans and others' pods left out). */
export async function podStatusForController(
  ctx: DescribeContext,
  namespace: string | undefined,
  selector: string,
  uid: string | undefined,
): Promise<PodCounts> {
  const pods = await ctx.client.resource('Pod').listAll({ namespace, labelSelector: selector }, ctx.chunkSize);
  const counts: PodCounts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const pod of pods.items as Pod[]) {
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller === true);
    if (!owner || owner.uid !== uid) continue;
    const phase = pod.status?.phase;
    if (phase === 'Running') counts.running++;
    else if (phase === 'Pending') counts.waiting++;
    else if (phase === 'Succeeded') counts.succeeded++;
    else if (phase === 'Failed') counts.failed++;
  }
  return counts;
}

export const podCountsString = (c: PodCounts): string => `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed`;

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

/** The conditions of a Deployment, ReplicaSet or ReplicationController. */
export function printReasonConditions(w: PrefixWriter, conditions: readonly Condition[] | undefined): void {
  if (!conditions?.length) return;
  w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(LEVEL_1, '----\t------\t------\n');
  for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}
