import type { EventStore, ReadAllFilter, RecordedEvent } from './event-store.port.js';
import { Wakeup } from './wakeup.js';

export interface SubscriptionOptions {
  /** Names the stored checkpoint: a subscription started again with the same name resumes after it. */
  name: string;
  filter?: ReadAllFilter;
  /** Events per `handle` call at most (default 500). */
  batchSize?: number;
  /** Processes a batch. A rejection retries the same batch later: delivery is at least once. */
  handle: (events: RecordedEvent[]) => Promise<void>;
  /** Told about every failure before its retry (default: one line on stderr). */
  onError?: (error: unknown) => void;
  /** First retry delay; doubles on each further failure up to `maxRetryDelayMs` (defaults 200 ms, 30 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Safety-net poll besides `store.onAppended` (default 1000 ms). */
  pollIntervalMs?: number;
}

export interface Subscription {
  /** Stops after the batch in flight (handled and checkpointed); a failing batch is not retried further. */
  stop(): Promise<void>;
  /** Resolves once the subscription has processed everything up to the head at some moment. */
  caughtUp(): Promise<void>;
  /** The checkpoint: everything at or below this position has been handled. */
  position(): number;
}

const STOPPED = Symbol('stopped');

/** Starts a durable, checkpointed subscription to the events of `store` matching `options.filter`. */
export function startSubscription(store: EventStore, options: SubscriptionOptions): Subscription {
  const { batchSize } = options;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(
      `subscription ${options.name}: batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const subscription = new CheckpointedSubscription(store, options);
  return {
    stop: () => subscription.stop(),
    caughtUp: () => subscription.caughtUp,
    position: () => subscription.checkpoint,
  };
}

class CheckpointedSubscription {
  checkpoint = 0;
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private failCaughtUp!: (error: Error) => void;
  private stopped = false;
  private readonly wakeup = new Wakeup();
  private readonly stopWaits = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private readonly loop: Promise<void>;
  private retryDelayMs: number;

  constructor(
    private readonly store: EventStore,
    private readonly options: SubscriptionOptions,
  ) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.markCaughtUp = resolve;
      this.failCaughtUp = reject;
    });
    // Nobody may be awaiting caughtUp(); a rejection on stop must not become an unhandled rejection.
    this.caughtUp.catch(() => undefined);
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.unsubscribe = store.onAppended(() => this.wakeup.signal());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.wakeup.signal();
    for (const cancelWait of this.stopWaits) cancelWait();
    await this.loop;
    this.failCaughtUp(new Error(`subscription ${this.options.name} stopped before catching up`));
  }

  private async run(): Promise<void> {
    const loaded = await this.retrying(() => this.store.loadCheckpoint(this.options.name));
    if (loaded === STOPPED) return;
    this.checkpoint = loaded;
    while (!this.stopped) {
      const moreWaiting = await this.processNextBatch();
      if (!moreWaiting && !this.stopped) await this.wakeup.wait(this.options.pollIntervalMs ?? 1000);
    }
  }

  /** Handles the next batch and advances the checkpoint; true when a full batch suggests more are waiting. */
  private async processNextBatch(): Promise<boolean> {
    const { name, filter, handle, batchSize = 500 } = this.options;
    // Reading only up to a head taken first tells us, when the batch is short, that every position up to the
    // head was looked at, so the checkpoint can move past events the filter left out instead of rescanning them.
    const head = await this.retrying(() => this.store.headPosition());
    if (head === STOPPED) return false;
    if (head <= this.checkpoint) {
      this.markCaughtUp();
      return false;
    }
    const read = () => this.store.readAll(this.checkpoint, { filter, limit: batchSize, toPosition: head });
    const events = await this.retrying(read);
    if (events === STOPPED || this.stopped) return false;
    if (events.length > 0 && (await this.retrying(() => handle(events))) === STOPPED) return false;

    const full = events.length === batchSize;
    const next = full ? events[events.length - 1].position : head;
    if ((await this.retrying(() => this.store.saveCheckpoint(name, next))) === STOPPED) return false;
    this.checkpoint = next;
    if (!full) this.markCaughtUp();
    return full;
  }

  /** Runs `operation` until it succeeds, waiting with capped exponential backoff; gives up only on stop. */
  private async retrying<T>(operation: () => Promise<T>): Promise<T | typeof STOPPED> {
    for (;;) {
      try {
        const result = await operation();
        this.retryDelayMs = this.options.retryDelayMs ?? 200;
        return result;
      } catch (error) {
        if (this.stopped) return STOPPED;
        this.report(error);
        await this.sleepUnlessStopped(this.retryDelayMs);
        if (this.stopped) return STOPPED;
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.options.maxRetryDelayMs ?? 30_000);
      }
    }
  }

  private report(error: unknown): void {
    const { name, onError } = this.options;
    try {
      if (onError) onError(error);
      else console.error(`subscription ${name}: ${error instanceof Error ? error.message : String(error)}`);
    } catch {
      // A failing error reporter must not stop the subscription.
    }
  }

  private sleepUnlessStopped(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopWaits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopWaits.add(done);
    });
  }
}
