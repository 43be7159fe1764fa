// The apiserver's copy of the simulated kube-proxy's rules, behind `resolveService`: the
// Services and EndpointSlices, listed and then followed through the store's watch (as the
// NamespaceCache follows Namespaces), so an endpoint change reaches the rules within one
// watch round trip and a query reads memory, not the store. A watch that ends (EXPIRED,
// the store away) relists its kind.
import type { Clock } from '../../apimachinery/clock.ts';
import { realClock, retryWithBackoff } from '../../apimachinery/clock.ts';
import type { Store, Watch } from '../../store/index.ts';
import { listEvery } from '../../store/list-every.ts';
import type { Registry } from '../registry/index.ts';
import { ProxyRules, type Backend } from './proxy-rules.ts';

const KINDS = ['Service', 'EndpointSlice'] as const;
type Followed = (typeof KINDS)[number];

export class ServiceProxy {
  readonly rules: ProxyRules;
  private readonly watches = new Map<Followed, Watch>();
  private stopped = false;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = realClock(),
  ) {
    this.rules = new ProxyRules(() => clock.monotonic());
  }

  /** Lists both kinds and follows them; resolves once both are listed. */
  start(): Promise<void> {
    this.ready ??= Promise.all(KINDS.map((k) => this.list(k))).then(() => undefined);
    return this.ready;
  }

  private async list(kind: Followed): Promise<void> {
    const { items, revision } = await listEvery(this.store, kind);
    if (this.stopped) return;
    this.rules.clear(kind);
    for (const o of items) this.rules.set(o);
    const watch = this.store.watch({ kind, fromRevision: revision });
    this.watches.set(kind, watch);
    void this.follow(kind, watch);
  }

  private async follow(kind: Followed, watch: Watch): Promise<void> {
    try {
      for await (const event of watch) {
        if (event.type === 'BOOKMARK') continue;
        if (event.type === 'DELETED') this.rules.remove(event.object);
        else this.rules.set(event.object);
      }
    } catch {
      // EXPIRED or the store away: relist below
    }
    if (this.stopped || this.watches.get(kind) !== watch) return;
    await retryWithBackoff(
      this.clock,
      () => this.list(kind),
      () => this.stopped,
    );
  }

  /** The backend a connection to the Service's port from `fromNode` reaches (null: none ready, or no such rule). */
  async resolve(namespace: string, name: string, port: number, fromNode?: string | null): Promise<Backend | null> {
    await this.start();
    return this.rules.resolve(namespace, name, port, fromNode);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
  }
}

/** Each apiserver's proxy, by its registry (what a resolver's context carries). */
const proxies = new WeakMap<Registry, ServiceProxy>();

export function attachServiceProxy(registry: Registry, proxy: ServiceProxy): void {
  proxies.set(registry, proxy);
}

export function serviceProxyOf(registry: Registry): ServiceProxy | undefined {
  return proxies.get(registry);
}
