import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import type { Notification } from '#libs/notifications';
import { AppMetrics, EVENT_STORE } from '#libs/platform';
import { RecentDurations, type DurationSummary } from './recent-durations.js';

/** Event-to-acknowledged latency: from milliseconds when caught up to minutes behind a backlog. */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

/**
 * rocketmq-dispatch's metrics. The pipeline tells it what it reads, sends and settles; the lags are computed at
 * each scrape. Rule IDs are labels: an instance has at most MAX_RULES_PER_INSTANCE rules.
 */
@Injectable()
export class DispatchMetrics {
  private readonly forwardedTotal;
  private readonly failedTotal;
  private readonly deadLetteredTotal;
  private readonly sendSeconds;
  private readonly latencySeconds;
  private readonly inFlight;
  /** Notifications read and not yet settled, oldest read first, with the time they are late from. */
  private readonly pending = new Map<Notification, number>();
  private checkpoint: (() => number) | undefined;
  private readonly recentSends = new RecentDurations();
  private readonly recentLatencies = new RecentDurations();

  constructor(metrics: AppMetrics, @Inject(EVENT_STORE) store: EventStore) {
    const rule = ['rule_id'] as const;
    this.forwardedTotal = metrics.counter({
      name: 'dispatch_notifications_forwarded_total',
      help: 'notifications RocketMQ acknowledged, by rule',
      labelNames: rule,
    });
    this.failedTotal = metrics.counter({
      name: 'dispatch_notifications_failed_total',
      help: 'failed send attempts, by rule and failure kind (each retry counts)',
      labelNames: [...rule, 'failure'] as const,
    });
    this.deadLetteredTotal = metrics.counter({
      name: 'dispatch_notifications_dead_lettered_total',
      help: 'notifications given up on after their last attempt, by rule',
      labelNames: rule,
    });
    this.sendSeconds = metrics.histogram({
      name: 'dispatch_send_duration_seconds',
      help: 'duration of the RocketMQ send call of each attempt (failed ones too; a call may carry several), by rule',
      labelNames: rule,
    });
    this.latencySeconds = metrics.histogram({
      name: 'dispatch_delivery_latency_seconds',
      help: 'from the presence event to its acknowledgement by RocketMQ, by rule (first deliveries only)',
      labelNames: rule,
      buckets: LATENCY_BUCKETS,
    });
    this.inFlight = metrics.gauge({
      name: 'dispatch_sends_in_flight',
      help: 'RocketMQ send calls under way',
    });
    const pending = this.pending;
    metrics.gauge({
      name: 'dispatch_notifications_pending',
      help: 'notifications read from the store whose outcome is not stored yet',
      collect() {
        this.set(pending.size);
      },
    });
    const lagSeconds = () => this.lagSeconds();
    metrics.gauge({
      name: 'dispatch_lag_seconds',
      help: 'age of the event of the oldest notification not settled yet; 0 when none is pending',
      collect() {
        this.set(lagSeconds());
      },
    });
    const checkpoint = () => this.checkpoint?.();
    metrics.gauge({
      name: 'dispatch_lag_events',
      help: 'store positions after the dispatch checkpoint: events not yet fully handled',
      async collect() {
        const at = checkpoint();
        if (at !== undefined) this.set(Math.max(0, (await store.headPosition()) - at));
      },
    });
  }

  /** Age of the event of the oldest notification not settled yet; 0 when none is pending. */
  lagSeconds(): number {
    const oldest = this.pending.values().next();
    return oldest.done ? 0 : Math.max(0, (Date.now() - oldest.value) / 1000);
  }

  /** The last minute's send call durations and event-to-acknowledgement latencies (first deliveries). */
  recentDurations(): { send: DurationSummary; delivery: DurationSummary } {
    return { send: this.recentSends.summary(), delivery: this.recentLatencies.summary() };
  }

  /** Where the pipeline's checkpoint (everything at or below it is settled) is read at each scrape. */
  followCheckpoint(read: () => number): void {
    this.checkpoint = read;
  }

  /** A delivery run stopped: what it left unsettled is forgotten here, as the next run reads it again. */
  runStopped(): void {
    this.pending.clear();
  }

  queued(notifications: readonly Notification[]): void {
    // A replay or redrive of an old event is late from when it was asked for, not from the event.
    const now = Date.now();
    for (const notification of notifications)
      this.pending.set(notification, notification.resend ? now : notification.event.time);
  }

  /** Runs one send call, counted in flight; its duration is each of its notifications' attempt's. */
  async timeSend<T>(notifications: readonly Notification[], send: () => Promise<T>): Promise<T> {
    this.inFlight.inc();
    const started = performance.now();
    try {
      return await send();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.recentSends.add(seconds * 1000);
      for (const { ruleId } of notifications) this.sendSeconds.observe({ rule_id: ruleId }, seconds);
      this.inFlight.dec();
    }
  }

  forwarded(notification: Notification, latencyMs: number): void {
    this.forwardedTotal.inc({ rule_id: notification.ruleId });
    if (notification.resend) return;
    this.recentLatencies.add(Math.max(0, latencyMs));
    this.latencySeconds.observe({ rule_id: notification.ruleId }, Math.max(0, latencyMs) / 1000);
  }

  failed(notification: Notification, failure: string): void {
    this.failedTotal.inc({ rule_id: notification.ruleId, failure });
  }

  deadLettered(notification: Notification): void {
    this.deadLetteredTotal.inc({ rule_id: notification.ruleId });
  }

  /** Its outcome is stored: it no longer holds the lag. */
  settled(notification: Notification): void {
    this.pending.delete(notification);
  }
}
