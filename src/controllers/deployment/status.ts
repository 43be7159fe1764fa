// syncRolloutStatus (progress.go): the status computed with its Progressing condition,
// written when it changed; when it did not, the Deployment is looked at again in time to
// notice a missed progress deadline.
import { requeueStuck, rolloutStatus, statusEqual } from './progress.ts';
import type { DeploymentSync } from './sync.ts';
import type { ReplicaSet } from './types.ts';

export async function syncRolloutStatus(s: DeploymentSync, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
  const { clock, progress } = s.env;
  const { status, progressed } = rolloutStatus(clock, progress, allRSs, newRS, s.d);
  if (statusEqual(s.d.status, status)) {
    s.result = requeueStuck(progress, s.d, status);
    return;
  }
  await s.writeStatus(status);
  if (progressed)
    progress.noted(
      s.d,
      status.conditions?.find((c) => c.type === 'Progressing'),
    );
}
