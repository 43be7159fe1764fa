// The test as scheduler and kubelet, until kubeql has its own (issues 8 and 9): every new
// pod of a namespace is bound, then reported running and ready a moment later; a pod
// being deleted is confirmed gone a moment later, so terminating pods are seen for a
// while as with real grace periods.
import { ApiError, operations, type Client } from '../../src/client/index.ts';

export function fakeKubelet(c: Client, namespace: string, nodeName = 'node-1'): () => void {
  const pods = c.resource('Pod');
  const started = new Set<string>();
  const ignore = (err: unknown) => {
    if (!(err instanceof ApiError)) throw err;
  };
  return pods.watch(
    { namespace },
    {
      next: ({ type, object: pod }) => {
        if (type !== 'ADDED' && type !== 'MODIFIED') return;
        const name = pod.metadata.name;
        if (pod.metadata.deletionTimestamp) {
          setTimeout(() => pods.delete(namespace, name, { gracePeriodSeconds: 0 }).catch(ignore), 150);
        } else if (!pod.spec?.nodeName) {
          c.request(operations.BindPodDocument, { namespace, name, nodeName }).catch(ignore);
        } else if (!started.has(pod.metadata.uid)) {
          started.add(pod.metadata.uid);
          setTimeout(
            () => {
              const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
              pods
                .updateStatus(namespace, name, {
                  phase: 'Running',
                  conditions: [
                    { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
                    { type: 'Ready', status: 'True', lastTransitionTime: now },
                  ],
                  containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
                    name: c.name,
                    image: c.image,
                    imageID: '',
                    ready: true,
                    restartCount: 0,
                    started: true,
                    state: { running: { startedAt: now } },
                  })),
                })
                .catch(ignore);
            },
            20 + Math.random() * 80,
          );
        }
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
}

export const isReady = (p: { status?: { conditions?: { type: string; status: string }[] } }): boolean =>
  p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
