// The scheduler as a component (`kubeql scheduler`, and inside `kubeql up`): an SDK client
// as `system:kube-scheduler`, a Scheduler that runs only while this process holds the
// Lease `kube-system/kube-scheduler`, so that of several schedulers exactly one binds.
// Losing the lease stops the scheduling loop (and its informers); a new leader starts
// from a fresh list, so nothing the old one assumed survives it.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../apimachinery/clock.ts';
import { Client } from '../client/client.ts';
import { LeaderElector } from '../client/leader-election.ts';
import type { TransportOptions } from '../client/transport.ts';
import { consoleLogger, type Logger } from '../controllers/context.ts';
import { Scheduler } from './scheduler.ts';

export { Scheduler, DEFAULT_SCHEDULER_NAME } from './scheduler.ts';

export interface SchedulerServerOptions extends TransportOptions {
  clock: Clock;
  /** @default true */
  leaderElection?: boolean;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  percentageOfNodesToScore?: number;
  log?: Logger;
}

export class SchedulerServer {
  readonly client: Client;
  readonly identity: string;
  private readonly elector?: LeaderElector;
  private scheduler?: Scheduler;
  private transition: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly options: SchedulerServerOptions) {
    this.client = new Client(options);
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.log = options.log ?? consoleLogger;
    if (options.leaderElection !== false) {
      this.elector = new LeaderElector({
        client: this.client, clock: options.clock, name: 'kube-scheduler', identity: this.identity,
        leaseDurationMs: options.leaseDurationMs, renewDeadlineMs: options.renewDeadlineMs, retryPeriodMs: options.retryPeriodMs,
        onStartedLeading: () => this.serially(() => this.startScheduling()),
        onStoppedLeading: () => this.serially(() => this.stopScheduling()),
        onNewLeader: (leader) => this.log.info('scheduler: the leader is now another instance', { leader }),
        onError: (error) => this.log.error('scheduler: leader election', { error: String(error) }),
      });
    }
  }

  start(): void {
    if (this.elector) this.elector.start();
    else void this.serially(() => this.startScheduling());
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : Boolean(this.scheduler);
  }

  async waitForSync(): Promise<void> {
    await this.transition;
    await this.scheduler?.waitForSync();
  }

  async stop(): Promise<void> {
    await this.elector?.stop();
    await this.serially(() => this.stopScheduling());
    await this.client.close();
  }

  private serially(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step).catch((error) => this.log.error('scheduler', { error: String(error) }));
    return this.transition;
  }

  private async startScheduling(): Promise<void> {
    if (this.scheduler) return;
    this.scheduler = new Scheduler({ client: this.client, clock: this.options.clock, log: this.log, percentageOfNodesToScore: this.options.percentageOfNodesToScore });
    this.scheduler.start();
    this.log.info('scheduler: leading; scheduling', { identity: this.identity });
  }

  private async stopScheduling(): Promise<void> {
    const s = this.scheduler;
    this.scheduler = undefined;
    await s?.stop();
  }
}
