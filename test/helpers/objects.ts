import type { KubeObject } from '../../src/apis/kinds.ts';

/** A minimal valid Pod, for store-level tests. */
export function podObject(name: string, data: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: crypto.randomUUID(), ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...data },
  };
}

export const podKey = (name: string) => ({ kind: 'Pod', namespace: 'default', name });
