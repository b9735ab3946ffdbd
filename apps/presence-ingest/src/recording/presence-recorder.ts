import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DuplicateEventError,
  newEventId,
  type EventStore,
  type NewEvent,
  type StreamAppend,
} from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import {
  clientStream,
  refusedConnectStream,
  type ClientConnectRefused,
  type PresenceEvent,
} from '#libs/presence';

/** Group commit: flush when the oldest queued event is this old … */
const MAX_DELAY_MS = 5;
/** … or when this many are queued, whichever comes first. */
const MAX_BATCH = 256;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Appends presence events to their clients' streams by group commit, so a connect storm costs one transaction
 * per batch and the broker never waits on the store. A timer, not setImmediate, paces the flushes: during a storm
 * the poll phase starves immediates (reference/perf-limits.md). The store assigns each client's next stream
 * version, which is its sequence number. A failed append keeps the batch and retries it with backoff: nothing
 * is dropped while the store is down.
 */
@Injectable()
export class PresenceRecorder {
  private readonly logger = new Logger('presence-recorder');
  private queue: QueuedEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failedBatch: QueuedEvent[] | undefined;
  private failures = 0;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Events recorded but not yet stored. */
  get pending(): number {
    return this.queue.length + (this.failedBatch?.length ?? 0);
  }

  record(event: PresenceEvent | ClientConnectRefused): void {
    const stream =
      event.type === 'ClientConnectRefused'
        ? refusedConnectStream(event.data.clientId)
        : clientStream(event.data.clientId);
    // The event ID is fixed now, so a retry of a batch that was in fact committed is refused, not duplicated.
    this.queue.push({
      stream,
      event: {
        eventId: newEventId(),
        type: event.type,
        data: event.data,
        metadata: { actor: 'presence-ingest', occurredAt: event.data.time },
      },
    });
    if (this.queue.length >= MAX_BATCH) this.schedule(0);
    else this.schedule(MAX_DELAY_MS);
  }

  /** Resolves when everything recorded so far is stored (used at shutdown). */
  async drain(): Promise<void> {
    while (this.pending > 0 || this.flushing) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await (this.flushing ?? this.flush());
    }
  }

  private schedule(delayMs: number): void {
    if (this.flushing) return; // the running flush reschedules when it ends
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
  }

  private flush(): Promise<void> {
    this.timer = undefined;
    // A failed batch is retried exactly as it was: if it was in fact committed, the retry is refused as a
    // duplicate and nothing else is mistaken for stored.
    const batch = this.failedBatch ?? this.queue.splice(0, MAX_BATCH);
    this.failedBatch = undefined;
    if (batch.length === 0) return Promise.resolve();
    const flushing = this.store
      .appendMany(toAppends(batch))
      .then(
        () => {
          if (this.failures > 0)
            this.logger.log(`event store reachable again; ${this.pending} events queued`);
          this.failures = 0;
        },
        (error: unknown) => {
          if (error instanceof DuplicateEventError) return; // stored by an earlier attempt whose answer was lost
          this.failedBatch = batch;
          this.failures++;
          this.logger.error(
            `could not store ${batch.length} presence events (attempt ${this.failures}), retrying; ` +
              `${this.pending} queued: ${String(error)}`,
          );
        },
      )
      .finally(() => {
        this.flushing = undefined;
        if (this.pending > 0) this.schedule(this.failures === 0 ? 0 : this.retryDelay());
      });
    this.flushing = flushing;
    return flushing;
  }

  private retryDelay(): number {
    return Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** Math.min(this.failures, 10));
  }
}

interface QueuedEvent {
  stream: string;
  event: NewEvent;
}

/** Consecutive events of one client stay together and in order; the store numbers them 1, 2, 3 … per client. */
function toAppends(batch: QueuedEvent[]): StreamAppend[] {
  const appends: StreamAppend[] = [];
  for (const { stream, event } of batch) {
    const last = appends.at(-1);
    if (last?.stream === stream) last.events.push(event);
    else appends.push({ stream, events: [event], expectedVersion: 'any' });
  }
  return appends;
}
