// One informer per kind for a whole process (client-go's SharedInformerFactory): every
// controller of a controller-manager reads the same cache and the apiserver serves one
// list and one watch per kind, however many controllers look at pods.
import type { Clock } from '../apimachinery/clock.ts';
import type { Client } from './client.ts';
import { Informer, type InformerOptions } from './informer.ts';
import type { Kind } from './resources.ts';

export class SharedInformers {
  private readonly informers = new Map<Kind, Informer<Kind>>();
  private started = false;

  constructor(
    private readonly client: Client,
    private readonly options: { clock: Clock } & Omit<InformerOptions, 'clock' | 'namespace' | 'labelSelector' | 'fieldSelector'>,
  ) {}

  /** The process's informer of `kind` (every namespace); started with the others, or at once if they already are. */
  informerFor<K extends Kind>(kind: K): Informer<K> {
    let informer = this.informers.get(kind);
    if (!informer) {
      informer = new Informer(this.client.resource(kind), this.options) as unknown as Informer<Kind>;
      this.informers.set(kind, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<K>;
  }

  start(): void {
    this.started = true;
    for (const i of this.informers.values()) i.start();
  }

  /** Resolves once every informer asked for so far has listed. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
