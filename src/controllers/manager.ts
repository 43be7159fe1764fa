// The controller-manager: one SDK client, one set of shared informers, every control loop
// of src/controllers — started only while this process holds the
// `kube-system/kube-controller-manager` Lease, so that of several controller-managers
// exactly one acts (API.md "Running a cluster"). Losing the lease stops the loops and the
// informers (kube-controller-manager exits; here the process campaigns again, which a
// supervisor restarting it would amount to).
import type { Clock } from '../apimachinery/clock.ts';
import { Client } from '../client/client.ts';
import { LeaderElected } from '../client/leader-elected.ts';
import { SharedInformers } from '../client/shared-informers.ts';
import type { TransportOptions } from '../client/transport.ts';
import { completeLogger, consoleLogger, type Logger, type PartialLogger } from '../observability/log.ts';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.ts';
import { eventRecorder, type EventRecorder } from '../client/event-recorder.ts';
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
  /** Where it logs; levels the logger lacks are dropped. @default consoleLogger (stderr and stdout) */
  log?: PartialLogger;
}

export class ControllerManager {
  readonly client: Client;
  private readonly election: LeaderElected;
  private running: RunningController[] = [];
  private informers?: SharedInformers;
  private readonly recorders: EventRecorder[] = [];
  private readonly log: Logger;

  constructor(private readonly options: ControllerManagerOptions) {
    this.client = new Client(options);
    this.log = completeLogger(options.log ?? consoleLogger);
    this.election = new LeaderElected({
      ...options,
      client: this.client,
      lease: 'kube-controller-manager',
      log: this.log,
      run: () => this.startControllers(),
      halt: () => this.stopControllers(),
    });
  }

  get identity(): string {
    return this.election.identity;
  }

  start(): void {
    this.election.start();
  }

  isLeader(): boolean {
    return this.election.isLeader();
  }

  /** Resolves once the informers of the running loops have synced. */
  async waitForSync(): Promise<void> {
    await this.election.settled();
    await this.informers?.waitForSync();
  }

  async stop(): Promise<void> {
    await this.election.stop(); // the loops stop, then the Lease is released
    await this.client.close();
  }

  private async startControllers(): Promise<void> {
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
    this.log.info('controller-manager: leading; control loops started', {
      identity: this.identity,
      controllers: (this.options.controllers ?? CONTROLLERS).map((c) => c.name),
    });
  }

  private async stopControllers(): Promise<void> {
    const running = this.running.splice(0);
    await Promise.all(running.map((r) => r.stop()));
    await Promise.all(this.recorders.splice(0).map((r) => r.flush()));
    await this.informers?.stop();
    this.informers = undefined;
  }
}
