import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DuplicateEventError,
  eventIdFor,
  newEventId,
  type EventStore,
  type StreamAppend,
} from '#libs/event-store';
import { deliveryStream, type DeliveryOutcome } from '#libs/notifications';
import { EVENT_STORE } from '#libs/platform';

const MAX_DELAY_MS = 5;
const MAX_BATCH = 500;
const MAX_RETRY_DELAY_MS = 5_000;

interface Queued {
  outcome: DeliveryOutcome;
  eventId: string;
  occurredAt: number;
  stored?: () => void;
}

/**
 * Appends delivery outcomes to the rules' delivery streams by group commit, and says when each is stored, which
 * is when dispatch may move its checkpoint past the notification. Forwarded and dead-lettered outcomes have an
 * ID derived from the notification, so the same outcome recorded again after a crash is refused as a duplicate
 * and counted once. A failed append is retried until it succeeds: outcomes are never dropped.
 */
@Injectable()
export class OutcomeRecorder {
  private readonly logger = new Logger('outcomes');
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  record(outcome: DeliveryOutcome, occurredAt: number, stored?: () => void): void {
    const eventId =
      outcome.type === 'NotificationFailed'
        ? newEventId()
        : eventIdFor(`${outcome.type}:${outcome.data.notificationId}`);
    this.queue.push({ outcome, eventId, occurredAt, ...(stored && { stored }) });
    this.schedule(this.queue.length >= MAX_BATCH ? 0 : MAX_DELAY_MS);
  }

  /** Resolves once everything recorded so far is stored. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await (this.flushing ?? this.flush());
    }
  }

  private schedule(delayMs: number): void {
    if (this.flushing || (this.timer && delayMs > 0)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
  }

  private flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.queue.slice(0, MAX_BATCH);
    if (batch.length === 0) return Promise.resolve();
    this.flushing = this.store
      .appendMany(toAppends(batch))
      .then(
        () => this.stored(batch),
        (error: unknown) => this.failed(batch, error),
      )
      .finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule(this.failures === 0 ? 0 : this.retryDelay());
      });
    return this.flushing;
  }

  private stored(batch: Queued[]): void {
    if (this.failures > 0)
      this.logger.log(`event store reachable again; ${this.queue.length} outcomes queued`);
    this.failures = 0;
    this.queue.splice(0, batch.length);
    for (const { stored } of batch) stored?.();
  }

  private failed(batch: Queued[], error: unknown): void {
    if (error instanceof DuplicateEventError) {
      // Recorded before a crash: that one is stored; the rest of the batch goes again at once.
      const index = this.queue.findIndex((queued) => queued.eventId === error.eventId);
      if (index >= 0) {
        this.queue.splice(index, 1)[0]!.stored?.();
        return;
      }
    }
    this.failures++;
    this.logger.error(
      `could not store ${batch.length} delivery outcomes (attempt ${this.failures}), retrying; ` +
        `${this.queue.length} queued: ${String(error)}`,
    );
  }

  private retryDelay(): number {
    return Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** Math.min(this.failures, 10));
  }
}

/** One append per delivery stream: a batch mostly holds outcomes of a few rules. */
function toAppends(batch: Queued[]): StreamAppend[] {
  const byStream = new Map<string, StreamAppend>();
  for (const { outcome, eventId, occurredAt } of batch) {
    const stream = deliveryStream(outcome.data.ruleId);
    const append = byStream.get(stream) ?? { stream, expectedVersion: 'any', events: [] };
    byStream.set(stream, append);
    append.events.push({
      eventId,
      type: outcome.type,
      data: outcome.data,
      metadata: { actor: 'rocketmq-dispatch', occurredAt, causationId: outcome.data.eventId },
    });
  }
  return [...byStream.values()];
}
