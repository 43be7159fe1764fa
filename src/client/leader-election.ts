// Leader election on a Lease (client-go's leaderelection with a LeaseLock), so that of
// several controller-managers or schedulers exactly one acts. A candidate takes the Lease
// when it is absent, released, or not renewed for `leaseDuration` as measured by the
// candidate's own clock from when it last saw the record change (never by comparing
// another machine's timestamps); every write is conditional on the Lease's
// resourceVersion, so two candidates cannot both win. The leader renews every
// `retryPeriod`; one that cannot renew within `renewDeadline` stops leading — before its
// lease can have expired for anyone else. On shutdown the leader releases the Lease so a
// standby takes over at once. Defaults are Kubernetes': 15 s / 10 s / 2 s.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Clock } from '../apimachinery/clock.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import type { Client } from './client.ts';
import type { KubeObjectOf } from './resources.ts';

export interface LeaderElectionOptions {
  client: Client;
  clock: Clock;
  /** The Lease: `kube-system/kube-controller-manager`, `kube-system/kube-scheduler`. */
  namespace?: string;
  name: string;
  /** This candidate, unique among them (Kubernetes: `<hostname>_<uuid>`). */
  identity: string;
  /** @default 15000 */
  leaseDurationMs?: number;
  /** @default 10000 */
  renewDeadlineMs?: number;
  /** @default 2000 */
  retryPeriodMs?: number;
  /** Called when this candidate becomes the leader. */
  onStartedLeading?: () => void;
  /** Called when it stops being the leader (lost the lease or released it). */
  onStoppedLeading?: () => void;
  /** Called when another candidate is seen leading. */
  onNewLeader?: (identity: string) => void;
  onError?: (error: unknown) => void;
  /** Give the Lease up on stop() (client-go's ReleaseOnCancel). @default true */
  releaseOnCancel?: boolean;
}

/** Kubernetes' MicroTime: RFC 3339 with microseconds. */
const microTime = (d: Date) => d.toISOString().replace('Z', '000Z');

type LeaseObject = KubeObjectOf<'Lease'>;

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly namespace: string;
  private observed?: { key: string; at: number; holder: string };
  private lastRenew = -Infinity;
  private leading = false;
  private stopped = false;
  private wake?: () => void;
  private running?: Promise<void>;
  private lastLeader = '';

  constructor(private readonly options: LeaderElectionOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.namespace = options.namespace ?? 'kube-system';
    if (!(this.leaseDurationMs > this.renewDeadlineMs)) throw new RangeError('the lease duration must be greater than the renew deadline');
    if (!(this.renewDeadlineMs > this.retryPeriodMs * 1.2)) throw new RangeError('the renew deadline must be greater than 1.2 × the retry period');
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Campaigns, leads, and campaigns again after losing the lease, until stopped. */
  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops campaigning; a leader releases the Lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    if (this.leading) {
      if (this.options.releaseOnCancel !== false) await this.release().catch((err) => this.options.onError?.(err));
      this.setLeading(false);
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const ok = await this.tryAcquireOrRenew().catch((err) => {
        this.options.onError?.(err);
        return false;
      });
      if (this.stopped) return;
      const now = this.options.clock.monotonic();
      if (ok) {
        this.lastRenew = now;
        this.setLeading(true);
      } else if (this.leading && now - this.lastRenew >= this.renewDeadlineMs) {
        this.setLeading(false); // could not renew in time: someone else may take it from here on
      }
      // client-go jitters only the acquire wait; the renew loop runs every retry period
      await this.pause(this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + Math.random() * 0.2));
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (leading) this.options.onStartedLeading?.();
    else this.options.onStoppedLeading?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.clock.after(ms, () => resolve());
      this.wake = () => {
        timer.stop();
        resolve();
      };
    });
  }

  private leases() {
    return this.options.client.resource('Lease');
  }

  /** One attempt; true when this candidate holds the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { clock, identity, name } = this.options;
    const now = clock.now();
    const spec = (acquireTime: string, transitions: number): NonNullable<Lease['spec']> => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime,
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    const current = await this.leases().get(this.namespace, name);
    if (!current) {
      try {
        await this.leases().create({ metadata: { namespace: this.namespace, name }, spec: spec(microTime(now), 0) });
      } catch (err) {
        if (err instanceof ApiError && err.code === ErrorCode.ALREADY_EXISTS) return false;
        throw err;
      }
      this.observe(undefined, identity);
      return true;
    }
    const holder = current.spec?.holderIdentity ?? '';
    this.observe(current, holder);
    const held = holder !== '' && holder !== identity;
    if (held && this.observed!.at + this.leaseDurationMs > clock.monotonic()) return false; // someone else leads
    const mine = holder === identity;
    try {
      const renewed = await this.leases().replace({
        ...current,
        spec: spec(mine && current.spec?.acquireTime ? current.spec.acquireTime : microTime(now), (current.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1)),
      });
      this.observe(renewed, identity);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.CONFLICT) return false; // another candidate wrote first
      throw err;
    }
  }

  /** Notes when the record last changed, by this candidate's clock. */
  private observe(lease: LeaseObject | undefined, holder: string): void {
    const key = lease ? `${holder}|${lease.spec?.renewTime ?? ''}|${lease.metadata.resourceVersion}` : `${holder}|created`;
    if (this.observed?.key !== key) this.observed = { key, at: this.options.clock.monotonic(), holder };
    if (holder && holder !== this.lastLeader) {
      this.lastLeader = holder;
      if (holder !== this.options.identity) this.options.onNewLeader?.(holder);
    }
  }

  /** Gives the Lease up (client-go's ReleaseOnCancel): empty holder, 1 s duration. */
  private async release(): Promise<void> {
    const current = await this.leases().get(this.namespace, this.options.name);
    if (!current || current.spec?.holderIdentity !== this.options.identity) return;
    const now = microTime(this.options.clock.now());
    await this.leases().replace({ ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now } });
  }
}
