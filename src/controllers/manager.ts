// The controller-manager: one SDK client, one set of shared informers, every control loop
// of src/controllers — started only while this process holds the
// `kube-system/kube-controller-manager` Lease, so that of several controller-managers
// exactly one acts (API.md "Running a cluster"). Losing the lease stops the loops and the
// informers (kube-controller-manager exits; here the process campaigns again, which a
// supervisor restarting it would amount to).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../apimachinery/clock.ts';
import { Client } from '../client/client.ts';
import { LeaderElector } from '../client/leader-election.ts';
import { SharedInformers } from '../client/shared-informers.ts';
import type { TransportOptions } from '../client/transport.ts';
import { consoleLogger, type ControllerContext, type ControllerDescriptor, type Logger, type RunningController } from './context.ts';
import { eventRecorder, type EventRecorder } from './events.ts';
import { CONTROLLERS } from './index.ts';

export interface ControllerManagerOptions extends TransportOptions {
  clock: Clock;
  /** The loops to run. @default every controller of src/controllers */
  controllers?: readonly ControllerDescriptor[];
  /** @default true */
  leaderElection?: boolean;
  /** This candidate's identity in the Lease. @default `<hostname>_<uuid>` as Kubernetes */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log?: Logger;
}

export class ControllerManager {
  readonly client: Client;
  readonly identity: string;
  private readonly elector?: LeaderElector;
  private running: RunningController[] = [];
  private informers?: SharedInformers;
  private readonly recorders: EventRecorder[] = [];
  private transition: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly options: ControllerManagerOptions) {
    this.client = new Client(options);
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.log = options.log ?? consoleLogger;
    if (options.leaderElection !== false) {
      this.elector = new LeaderElector({
        client: this.client,
        clock: options.clock,
        name: 'kube-controller-manager',
        identity: this.identity,
        leaseDurationMs: options.leaseDurationMs,
        renewDeadlineMs: options.renewDeadlineMs,
        retryPeriodMs: options.retryPeriodMs,
        onStartedLeading: () => this.serially(() => this.startControllers()),
        onStoppedLeading: () => this.serially(() => this.stopControllers()),
        onNewLeader: (leader) => this.log.info('controller-manager: the leader is now another instance', { leader }),
        onError: (error) => this.log.error('controller-manager: leader election', { error: String(error) }),
      });
    }
  }

  start(): void {
    if (this.elector) this.elector.start();
    else void this.serially(() => this.startControllers());
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.running.length > 0;
  }

  /** Resolves once the informers of the running loops have synced. */
  async waitForSync(): Promise<void> {
    await this.transition;
    await this.informers?.waitForSync();
  }

  async stop(): Promise<void> {
    await this.elector?.stop(); // releases the Lease once the loops are stopped (onStoppedLeading)
    await this.serially(() => this.stopControllers());
    await this.client.close();
  }

  private serially(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step).catch((error) => this.log.error('controller-manager', { error: String(error) }));
    return this.transition;
  }

  private async startControllers(): Promise<void> {
    if (this.running.length) return;
    const { clock } = this.options;
    const informers = new SharedInformers(this.client, { clock, onError: (error) => this.log.error('informer', { error: String(error) }) });
    this.informers = informers;
    const context: ControllerContext = {
      client: this.client,
      informers,
      clock,
      log: this.log,
      recorder: (component) => {
        const r = eventRecorder(this.client, clock, component);
        this.recorders.push(r);
        return r;
      },
    };
    for (const c of this.options.controllers ?? CONTROLLERS) {
      this.running.push(await c.start(context));
    }
    informers.start();
    this.log.info('controller-manager: leading; control loops started', { identity: this.identity, controllers: (this.options.controllers ?? CONTROLLERS).map((c) => c.name) });
  }

  private async stopControllers(): Promise<void> {
    const running = this.running.splice(0);
    await Promise.all(running.map((r) => r.stop()));
    await Promise.all(this.recorders.splice(0).map((r) => r.flush()));
    await this.informers?.stop();
    this.informers = undefined;
  }
}
