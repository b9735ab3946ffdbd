import { backoffDelay } from '#libs/backoff';
import { DuplicateEventError } from './errors.js';
import type { EventLog, NewEvent, StreamAppend } from './event-store.port.js';

/** An event to append to `stream`; `stored` is told once it is in the store. */
export interface Committable {
  stream: string;
  event: NewEvent;
  stored?: () => void;
}

export interface GroupCommitOptions {
  /** What the events are, for the logs: "presence events". */
  what: string;
  /** Flush when the oldest queued event is this old … */
  maxDelayMs: number;
  /** … or when this many are queued, whichever comes first. */
  maxBatch: number;
  log: { log(message: string): void; error(message: string): void };
  /** Told after each batch the store took, with how long its append took (for metrics). */
  onStored?: (batch: readonly Committable[], appendSeconds: number) => void;
}

const RETRY_BACKOFF = { initialMs: 100, maxMs: 5_000 };

/**
 * Appends events by group commit: one transaction per batch instead of one per event, and the caller never waits
 * on the store. A timer, not setImmediate, paces the flushes: under load the poll phase starves immediates
 * (reference/perf-limits.md). Events stay queued until stored: a failed batch is retried with backoff, so nothing
 * is dropped while the store is down. Event IDs are fixed before the first attempt, so an event the store already
 * holds (an attempt whose answer was lost, or an earlier run) is refused as a duplicate: it is taken as stored and
 * the rest of the batch goes again at once.
 */
export class GroupCommit {
  private queue: Committable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly store: EventLog,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Events added but not yet stored. */
  get pending(): number {
    return this.queue.length;
  }

  add(item: Committable): void {
    this.queue.push(item);
    this.schedule(this.delay());
  }

  private delay(): number {
    return this.queue.length >= this.options.maxBatch ? 0 : this.options.maxDelayMs;
  }

  /** Resolves once everything added so far is stored (used at shutdown); failed batches keep their backoff. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else if (this.failures > 0) await new Promise((resolve) => setTimeout(resolve, this.retryDelay()));
      else {
        clearTimeout(this.timer);
        await this.flush();
      }
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
    const batch = this.queue.slice(0, this.options.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    const started = performance.now();
    this.flushing = this.store
      .appendMany(toAppends(batch))
      .then(
        () => {
          this.options.onStored?.(batch, (performance.now() - started) / 1000);
          this.stored(batch);
        },
        (error: unknown) => this.failed(batch, error),
      )
      .finally(() => {
        this.flushing = undefined;
        // Paced even under load: a synchronous store (SQLite) takes nothing new while it commits, so flushing
        // again at once would commit (and fsync) a handful of events at a time.
        if (this.queue.length > 0) this.schedule(this.failures === 0 ? this.delay() : this.retryDelay());
      });
    return this.flushing;
  }

  private stored(batch: Committable[]): void {
    this.queue.splice(0, batch.length);
    if (this.failures > 0)
      this.options.log.log(`event store reachable again; ${this.queue.length} ${this.options.what} queued`);
    this.failures = 0;
    for (const { stored } of batch) stored?.();
  }

  private failed(batch: Committable[], error: unknown): void {
    if (error instanceof DuplicateEventError) {
      const index = batch.findIndex((item) => item.event.eventId === error.eventId);
      if (index >= 0) {
        this.queue.splice(index, 1)[0]!.stored?.();
        return;
      }
    }
    this.failures++;
    this.options.log.error(
      `could not store ${batch.length} ${this.options.what} (attempt ${this.failures}), retrying; ` +
        `${this.queue.length} queued: ${String(error)}`,
    );
  }

  private retryDelay(): number {
    return backoffDelay(this.failures, RETRY_BACKOFF);
  }
}

/** Consecutive events of one stream go in one append, in order: the store numbers them 1, 2, 3 … per stream. */
function toAppends(batch: Committable[]): StreamAppend[] {
  const appends: StreamAppend[] = [];
  for (const { stream, event } of batch) {
    const last = appends.at(-1);
    if (last?.stream === stream) last.events.push(event);
    else appends.push({ stream, events: [event], expectedVersion: 'any' });
  }
  return appends;
}
