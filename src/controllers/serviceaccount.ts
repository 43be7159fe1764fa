// The ServiceAccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
// every active Namespace has a ServiceAccount named `default`, made when the Namespace
// appears and made again when someone deletes it — what a Pod that names no service account
// runs as (the ServiceAccount admission plugin fills `spec.serviceAccountName: default`).
// A Namespace being deleted gets none: its content is going away.
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import { Controller } from '../client/controller.ts';
import type { KubeObjectOf } from '../client/resources.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';

/** The accounts every namespace has (Kubernetes' ServiceAccountsControllerOptions default). */
export const DEFAULT_SERVICE_ACCOUNT = 'default';
/** --concurrent-serviceaccount-syncs */
const WORKERS = 5;

export const serviceAccountController: ControllerDescriptor = {
  name: 'serviceaccount',
  start: (ctx) => new ServiceAccountController(ctx).start(),
};

class ServiceAccountController {
  private readonly namespaces;
  private readonly accounts;
  private readonly controller: Controller<string>;

  constructor(private readonly ctx: ControllerContext) {
    this.namespaces = ctx.informers.informerFor('Namespace');
    this.accounts = ctx.informers.informerFor('ServiceAccount');
    this.controller = new Controller<string>(
      'serviceaccount',
      { reconcile: (namespace) => this.sync(namespace) },
      {
        clock: ctx.clock,
        workers: WORKERS,
        onError: (namespace, error) => ctx.log.error('serviceaccount: sync failed', { namespace, error: String(error) }),
      },
    );
  }

  start(): RunningController {
    const namespaceSeen = (ns: KubeObjectOf<'Namespace'>) => this.controller.enqueue(ns.metadata.name);
    const accountGone = (sa: KubeObjectOf<'ServiceAccount'>) => {
      if (sa.metadata.name === DEFAULT_SERVICE_ACCOUNT && sa.metadata.namespace) this.controller.enqueue(sa.metadata.namespace);
    };
    this.namespaces.addEventHandler({ onAdd: namespaceSeen, onUpdate: (_, ns) => namespaceSeen(ns) });
    this.accounts.addEventHandler({ onDelete: accountGone });
    void Promise.all([this.namespaces.waitForSync(), this.accounts.waitForSync()]).then(() => this.controller.start());
    return { stop: () => this.controller.stop() };
  }

  private async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.cache.get(namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    if (this.accounts.cache.get(`${namespace}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
    try {
      await this.ctx.client.resource('ServiceAccount').create({ metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
    } catch (err) {
      // made meanwhile (by another controller-manager, or a user), or the namespace began terminating
      if (err instanceof ApiError && (err.code === ErrorCode.ALREADY_EXISTS || err.code === ErrorCode.FORBIDDEN || err.code === ErrorCode.NOT_FOUND)) return;
      throw err;
    }
  }
}
