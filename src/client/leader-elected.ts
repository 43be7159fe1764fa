// A component that acts only while it holds its Lease (kube-controller-manager's and
// kube-scheduler's `leaderelection.RunOrDie`): its work starts when this candidate becomes
// the leader and stops when it loses the Lease, one transition at a time; without leader
// election (a single instance) it simply runs. The controller-manager and the scheduler
// are both this, with different work.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../apimachinery/clock.ts';
import type { Logger } from '../observability/log.ts';
import type { Client } from './client.ts';
import { LeaderElector } from './leader-election.ts';

export interface LeaderElectedOptions {
  client: Client;
  clock: Clock;
  /** The Lease in kube-system: `kube-controller-manager`, `kube-scheduler`. */
  lease: string;
  /** @default true */
  leaderElection?: boolean;
  /** This candidate. @default `<hostname>_<uuid>`, as Kubernetes */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Starts the work (called on becoming the leader). */
  run(): Promise<void>;
  /** Stops the work (on losing the Lease, or on stop()). */
  halt(): Promise<void>;
  log: Logger;
}

export class LeaderElected {
  readonly identity: string;
  private readonly elector?: LeaderElector;
  private transition: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly options: LeaderElectedOptions) {
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    if (options.leaderElection !== false) {
      this.elector = new LeaderElector({
        client: options.client,
        clock: options.clock,
        name: options.lease,
        identity: this.identity,
        leaseDurationMs: options.leaseDurationMs,
        renewDeadlineMs: options.renewDeadlineMs,
        retryPeriodMs: options.retryPeriodMs,
        onStartedLeading: () => void this.serially(() => this.begin()),
        onStoppedLeading: () => void this.serially(() => this.end()),
        onNewLeader: (leader) => options.log.info(`${options.lease}: the leader is now another instance`, { leader }),
        onError: (error) => options.log.error(`${options.lease}: leader election`, { error: String(error) }),
      });
    }
  }

  start(): void {
    if (this.elector) this.elector.start();
    else void this.serially(() => this.begin());
  }

  /** Leading (or running without leader election). */
  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.running;
  }

  /** Resolves once the transitions asked for so far (start or stop of the work) are done. */
  settled(): Promise<void> {
    return this.transition;
  }

  /**
   * Stops the work, then campaigning: a leader releases its Lease only once its work has
   * stopped, so a standby never acts while this one still does (client-go's order).
   */
  async stop(): Promise<void> {
    await this.serially(() => this.end());
    await this.elector?.stop();
  }

  private serially(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step).catch((error) => this.options.log.error(this.options.lease, { error: String(error) }));
    return this.transition;
  }

  private async begin(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.options.run();
  }

  private async end(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.options.halt();
  }
}
