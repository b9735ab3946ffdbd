import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { partitionLeasePrefix, planPartitions, type PartitionLease } from '#libs/notifications';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { Delivery } from '../delivery/delivery.js';
import { dispatchNodeId } from './node-id.js';

const PREFIX = 'rocketmq-dispatch/';
const MEMBER_PREFIX = `${PREFIX}member/`;

/**
 * Shares the partitions of the client ID hash among the dispatchers on one store, by leases in the store: each
 * dispatcher keeps a membership lease, takes its fair share of the partitions (free or expired leases only) and
 * renews them every third of DISPATCH_LEASE_TTL_MS. When its share changes it stops the delivery run (sends in
 * flight finish, outcomes and checkpoints are stored), gives back what it no longer should hold, and starts a
 * run over what it holds. A dispatcher killed keeps its leases until they expire; then the others take them.
 * One that cannot renew in time stops sending those partitions before another may take them.
 */
@Injectable()
export class PartitionLeases {
  private readonly logger = new Logger('partitions');
  readonly owner: string;
  private readonly partitionPrefix: string;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private held = new Set<number>();
  /** The partitions of the delivery run under way. */
  private running = new Set<number>();
  /** Sending is allowed until then: the last renewal's time plus the ttl less one renewal period. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private restarting: Promise<void> | undefined;
  /** Lease calls one at a time, so a renewal never takes back a lease just released. */
  private leaseCalls: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly delivery: Delivery,
  ) {
    this.owner = dispatchNodeId(config);
    this.partitionPrefix = partitionLeasePrefix(config.dispatch.partitions);
    this.ttlMs = config.dispatch.leaseTtlMs;
    this.renewMs = Math.floor(this.ttlMs / 3);
  }

  /** Takes a first share and starts delivering it, then keeps renewing and rebalancing. */
  async start(): Promise<void> {
    await this.tick();
    await this.restarting;
    this.timer = setInterval(() => void this.tick(), this.renewMs);
  }

  /** Stops delivering and gives every lease back, so the others take the partitions at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.restarting;
    await this.delivery.stop();
    const names = [MEMBER_PREFIX + this.owner, ...[...this.held].map((p) => this.leaseName(p))];
    this.held = new Set();
    await this.leaseCall(() => this.store.releaseLeases(this.owner, names)).catch((error: unknown) =>
      this.logger.warn(`could not give the leases back (they expire in ${this.ttlMs} ms): ${String(error)}`),
    );
  }

  private mayDeliver(partition: number): boolean {
    return this.held.has(partition) && Date.now() < this.validUntil;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.renew(Date.now());
      if (!this.restarting) await this.rebalance(Date.now());
      if (!this.restarting && !sameMembers(this.running, this.held)) this.restart([]);
    } catch (error) {
      this.logger.warn(`could not renew or balance the partition leases: ${String(error)}`);
    } finally {
      this.ticking = false;
    }
  }

  private async renew(now: number): Promise<void> {
    const partitions = [...this.held];
    const names = [MEMBER_PREFIX + this.owner, ...partitions.map((p) => this.leaseName(p))];
    const kept = new Set(
      await this.leaseCall(() => this.store.acquireLeases(this.owner, names, this.ttlMs, now)),
    );
    this.validUntil = now + this.ttlMs - this.renewMs;
    const lost = partitions.filter((partition) => !kept.has(this.leaseName(partition)));
    if (lost.length === 0) return;
    this.logger.warn(
      `lost the leases of partitions ${lost.join(',')} (renewed too late); another dispatcher has them`,
    );
    for (const partition of lost) this.held.delete(partition);
  }

  private async rebalance(now: number): Promise<void> {
    const leases = await this.store.readLeases(PREFIX);
    const members = leases
      .filter((lease) => lease.name.startsWith(MEMBER_PREFIX) && lease.expiresAt > now)
      .map((lease) => lease.name.slice(MEMBER_PREFIX.length));
    const partitionLeases: PartitionLease[] = leases
      .filter((lease) => lease.name.startsWith(this.partitionPrefix))
      .map((lease) => ({ ...lease, partition: Number(lease.name.slice(this.partitionPrefix.length)) }));
    const { partitions } = this.config.dispatch;
    const plan = planPartitions({ partitions, self: this.owner, members, leases: partitionLeases, now });
    // Leases of this node that this process does not know of: its previous run's (killed), taken back at once.
    const adopted = partitionLeases
      .filter(
        (lease) => lease.owner === this.owner && lease.expiresAt > now && !this.held.has(lease.partition),
      )
      .map((lease) => lease.partition)
      .filter((partition) => !plan.release.includes(partition));
    const names = [...plan.acquire, ...adopted].map((partition) => this.leaseName(partition));
    if (names.length > 0) {
      const acquired = await this.leaseCall(() =>
        this.store.acquireLeases(this.owner, names, this.ttlMs, now),
      );
      for (const name of acquired) this.held.add(Number(name.slice(this.partitionPrefix.length)));
    }
    if (plan.release.length > 0) this.restart(plan.release);
  }

  /** Stops the run, gives back `release`, and starts a run over what is held then. */
  private restart(release: number[]): void {
    this.restarting ??= (async () => {
      try {
        await this.delivery.stop();
        this.running = new Set();
        if (release.length > 0) {
          for (const partition of release) this.held.delete(partition);
          const names = release.map((partition) => this.leaseName(partition));
          await this.leaseCall(() => this.store.releaseLeases(this.owner, names));
        }
        this.running = new Set(this.held);
        if (this.running.size > 0)
          await this.delivery.start({ owned: this.running, mayDeliver: (p) => this.mayDeliver(p) });
        else this.logger.log('holding no partition: another dispatcher forwards them all');
      } catch (error) {
        this.logger.error(`could not restart delivery over the new partitions: ${String(error)}`);
        this.running = new Set(); // the next renewal tries again
      } finally {
        this.restarting = undefined;
      }
    })();
  }

  private leaseName(partition: number): string {
    return `${this.partitionPrefix}${partition}`;
  }

  private leaseCall<T>(call: () => Promise<T>): Promise<T> {
    const result = this.leaseCalls.then(call);
    this.leaseCalls = result.catch(() => undefined);
    return result;
  }
}

function sameMembers(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  return a.size === b.size && [...a].every((member) => b.has(member));
}
