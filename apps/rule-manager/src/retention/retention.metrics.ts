import type { EventLog, Retention } from '#libs/event-store';
import type { AppMetrics } from '#libs/platform';
import { oldestRetainedEvent } from './retained-since.js';

/**
 * Retention on rule-manager's /metrics: events removed, the age of the oldest presence or delivery event still
 * stored (read at each scrape; 0 when none) and when this process last completed a run.
 */
export class RetentionMetrics {
  private readonly removedTotal;
  private readonly lastRun;

  constructor(
    metrics: AppMetrics,
    store: Pick<EventLog, 'readAll'> & Pick<Retention, 'retentionHorizon'>,
    clock: () => number = Date.now,
  ) {
    this.removedTotal = metrics.counter({
      name: 'retention_removed_events_total',
      help: 'Presence and delivery events removed by retention (EVENT_RETENTION)',
    });
    this.lastRun = metrics.gauge({
      name: 'retention_last_run_timestamp_seconds',
      help: 'When this rule-manager last completed a retention run (epoch seconds; 0 before the first)',
    });
    metrics.gauge({
      name: 'retention_oldest_event_age_seconds',
      help: 'Age of the oldest presence or delivery event still stored (0 when none)',
      async collect() {
        const oldest = await oldestRetainedEvent(store);
        this.set(oldest ? Math.max(0, clock() - oldest.metadata.occurredAt) / 1000 : 0);
      },
    });
  }

  removed(count: number): void {
    this.removedTotal.inc(count);
  }

  ran(at: number): void {
    this.lastRun.set(at / 1000);
  }
}
