// The scheduler as a component (`kubeql scheduler`, and inside `kubeql up`): an SDK client
// as `system:kube-scheduler`, a Scheduler that runs only while this process holds the
// Lease `kube-system/kube-scheduler`, so that of several schedulers exactly one binds.
// Losing the lease stops the scheduling loop (and its informers); a new leader starts
// from a fresh list, so nothing the old one assumed survives it.
import type { Clock } from '../apimachinery/clock.ts';
import { Client } from '../client/client.ts';
import { LeaderElected } from '../client/leader-elected.ts';
import type { TransportOptions } from '../client/transport.ts';
import { completeLogger, consoleLogger, type Logger, type PartialLogger } from '../observability/log.ts';
import { Scheduler } from './scheduler.ts';

export { Scheduler } from './scheduler.ts';

export interface SchedulerServerOptions extends TransportOptions {
  clock: Clock;
  /** @default true */
  leaderElection?: boolean;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  percentageOfNodesToScore?: number;
  /** Where it logs; levels the logger lacks are dropped. @default consoleLogger (stderr and stdout) */
  log?: PartialLogger;
}

export class SchedulerServer {
  readonly client: Client;
  private readonly election: LeaderElected;
  private scheduler?: Scheduler;
  private readonly log: Logger;

  constructor(private readonly options: SchedulerServerOptions) {
    this.client = new Client(options);
    this.log = completeLogger(options.log ?? consoleLogger);
    this.election = new LeaderElected({
      ...options,
      client: this.client,
      lease: 'kube-scheduler',
      log: this.log,
      run: () => this.startScheduling(),
      halt: () => this.stopScheduling(),
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

  async waitForSync(): Promise<void> {
    await this.election.settled();
    await this.scheduler?.waitForSync();
  }

  async stop(): Promise<void> {
    await this.election.stop(); // scheduling stops, then the Lease is released
    await this.client.close();
  }

  private async startScheduling(): Promise<void> {
    if (this.scheduler) return;
    this.scheduler = new Scheduler({
      client: this.client,
      clock: this.options.clock,
      log: this.log,
      percentageOfNodesToScore: this.options.percentageOfNodesToScore,
    });
    this.scheduler.start();
    this.log.info('scheduler: leading; scheduling', { identity: this.identity });
  }

  private async stopScheduling(): Promise<void> {
    const s = this.scheduler;
    this.scheduler = undefined;
    await s?.stop();
  }
}
