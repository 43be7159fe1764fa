// Every object of a kind, page by page at one revision: how the apiserver's own caches
// (namespaces, RBAC, PriorityClasses, the proxy rules) list before they watch from there.
import type { KubeObject } from '../apis/kinds.ts';
import type { Store } from './types.ts';

/** Pages of this many objects; a cache's list should not hold the writer up. */
const PAGE = 1000;

export async function listEvery(store: Pick<Store, 'list'>, kind: string): Promise<{ items: KubeObject[]; revision: number }> {
  const items: KubeObject[] = [];
  let revision = 0;
  let token: string | undefined;
  do {
    const page = await store.list({ kind, limit: PAGE, continue: token });
    revision = page.revision;
    items.push(...page.items);
    token = page.continue;
  } while (token);
  return { items, revision };
}
