import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EventArchive, EventStore, RecordedEvent } from '#libs/event-store';
import { EXPIRING_STREAM_PREFIXES, type AppConfig } from '#libs/platform';
import { decideRetention, type Lagging, type RetentionDecision } from '#libs/retention';
import { retentionReaders } from './retention-readers.js';
import type { RetentionMetrics } from './retention.metrics.js';

/** The one retention runner among the rule-managers sharing a store. */
export const RETENTION_LEASE = 'rule-manager/retention';

export interface RetentionSchedule {
  /** Between two runs (at least once a minute). */
  intervalMs: number;
  /** Events examined and removed per batch: one short transaction each. */
  batchSize: number;
  /** Between two batches of one run, so writers are never held up. */
  pauseMs: number;
  /** The lease lasts this long unrenewed; it is renewed before each batch. */
  leaseTtlMs: number;
}

/** Every 30 s, or every half retention period when that is shorter (a few seconds' retention, in tests). */
export const scheduleFor = (retentionMs: number | undefined): RetentionSchedule => ({
  intervalMs: Math.min(30_000, Math.max(1_000, (retentionMs ?? 60_000) / 2)),
  batchSize: 500,
  pauseMs: 50,
  leaseTtlMs: 120_000,
});

export interface RetentionRun {
  removed: number;
  decision: RetentionDecision;
}

/**
 * Removes the presence and delivery events older than EVENT_RETENTION once every reader is past them (SPEC §9;
 * docs/decisions/0013): under a lease, batch by batch, each first archived when an archive is configured.
 */
export class RetentionWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('retention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private lastLagWarning = 0;

  constructor(
    private readonly store: EventStore,
    private readonly config: Pick<AppConfig, 'eventRetentionMs' | 'dispatch'>,
    private readonly owner: string,
    private readonly metrics: RetentionMetrics,
    private readonly archive?: EventArchive,
    private readonly schedule: RetentionSchedule = scheduleFor(config.eventRetentionMs),
    private readonly clock: () => number = Date.now,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.eventRetentionMs === undefined) {
      this.logger.log('EVENT_RETENTION=off: presence and delivery events are kept forever');
      return;
    }
    this.timer = setInterval(() => this.tick(), this.schedule.intervalMs);
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.store.releaseLeases(this.owner, [RETENTION_LEASE]).catch(() => undefined);
    await this.archive?.close();
  }

  private tick(): void {
    this.running ??= this.run()
      .catch((error: unknown) =>
        this.logger.warn(`retention run failed, next in ${this.schedule.intervalMs} ms: ${String(error)}`),
      )
      .finally(() => (this.running = undefined));
  }

  /** One run: batches until nothing more may go; undefined when another rule-manager holds the lease. */
  async run(): Promise<RetentionRun | undefined> {
    let removed = 0;
    let decision: RetentionDecision = { remove: false, why: 'off' };
    let last: RecordedEvent | undefined;
    for (;;) {
      if (!(await this.holdLease())) return undefined;
      const batch = await this.nextBatch();
      decision = batch.decision;
      if (!decision.remove) break;
      const through = decision.through;
      const events = batch.events.filter((event) => event.position <= through);
      await this.archive?.write(events);
      const removal = await this.store.removeExpiredEvents(through, this.schedule.batchSize);
      removed += removal.removed;
      last = events.at(-1) ?? last;
      this.metrics.removed(removal.removed);
      const more = events.length === this.schedule.batchSize || removal.remaining;
      if (this.stopped || removal.removed === 0 || !more) break;
      await new Promise((resolve) => setTimeout(resolve, this.schedule.pauseMs));
    }
    this.report(removed, last, decision);
    this.metrics.ran(this.clock());
    return { removed, decision };
  }

  private async holdLease(): Promise<boolean> {
    if (this.stopped) return false;
    const { leaseTtlMs } = this.schedule;
    const held = await this.store.acquireLeases(this.owner, [RETENTION_LEASE], leaseTtlMs, this.clock());
    return held.length > 0;
  }

  private async nextBatch(): Promise<{ events: RecordedEvent[]; decision: RetentionDecision }> {
    const now = this.clock();
    const horizon = await this.store.retentionHorizon();
    const readers = await retentionReaders(this.store, this.config.dispatch.partitions, now);
    const events = await this.store.readAll(horizon, {
      filter: { streamPrefixes: [...EXPIRING_STREAM_PREFIXES] },
      limit: this.schedule.batchSize,
    });
    const expiring = events.map(({ position, metadata }) => ({ position, occurredAt: metadata.occurredAt }));
    const retentionMs = this.config.eventRetentionMs;
    return { events, decision: decideRetention({ now, retentionMs, horizon, readers, expiring }) };
  }

  private report(removed: number, last: RecordedEvent | undefined, decision: RetentionDecision): void {
    const heldBack = decision.heldBackBy
      ? `; held back by ${decision.heldBackBy.reader} at position ${decision.heldBackBy.position}`
      : '';
    if (removed > 0 && last)
      this.logger.log(
        `removed ${removed} presence and delivery events up to position ${last.position} ` +
          `(${new Date(last.metadata.occurredAt).toISOString()})${heldBack}`,
      );
    if (decision.lagging) this.warnLagging(decision.lagging);
  }

  /** At most every ten minutes: a reader that stays behind should not flood the log. */
  private warnLagging({ reader, overdueMs }: Lagging): void {
    const now = this.clock();
    if (now - this.lastLagWarning < 600_000) return;
    this.lastLagWarning = now;
    const period = this.config.eventRetentionMs!;
    this.logger.warn(
      `${reader.reader} is at position ${reader.position} and holds back events past EVENT_RETENTION ` +
        `(${Math.round(period / 1000)} s) for ${Math.round(overdueMs / 1000)} s more: the store keeps growing. ` +
        `Check that it runs (rocketmq-dispatch for a dispatch partition, rule-manager for a projection)`,
    );
  }
}
