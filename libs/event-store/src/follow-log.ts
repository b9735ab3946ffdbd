import { Backoff, type BackoffOptions } from '#libs/backoff';
import type { Checkpoints, EventLog, ReadAllFilter, RecordedEvent } from './event-store.port.js';
import { Wakeup } from './wakeup.js';

/** What a follower is handed: the events after `after` matching the filter, every position up to `through` seen. */
export interface LogBatch {
  events: RecordedEvent[];
  after: number;
  /** The follower may move its position here: no event at or below it is left to read. */
  through: number;
}

export interface FollowLogOptions {
  /** For logs and errors; with `from: 'stored'`, also the name of the stored checkpoint. */
  name: string;
  /**
   * Where to start (events after it): a position; `stored`: the checkpoint stored under `name`, saved by
   * followLog after each batch; or a function (a projection that commits its own checkpoint with its documents),
   * called again whenever the handler answers `restart`.
   */
  from: number | 'stored' | (() => Promise<number>);
  filter?: ReadAllFilter;
  /** Events per batch at most (default 500). */
  batchSize?: number;
  /**
   * Handles one batch, also an empty one (so a follower that stores its position moves past what the filter left
   * out). A rejection hands the same batch again after a backoff: delivery is at least once. `restart`: the
   * position moved elsewhere (another runner committed first): start again from `from()`. `stop`: a bounded scan
   * has seen enough; the follower stops there, its position not moved past the batch.
   */
  handle(batch: LogBatch): Promise<void | 'restart' | 'stop'>;
  /** Told about every failure before its retry (default: one line on stderr). */
  onError?(error: unknown, retryInMs: number): void;
  /** Retry delays (default 200 ms doubling to 30 s). */
  backoff?: BackoffOptions;
  /** Safety-net poll besides the store's append wake-ups (default 1000 ms). */
  pollIntervalMs?: number;
  /** At least this long between two batches, so a busy log is read in larger batches (default 0). */
  paceMs?: number;
}

export interface Following {
  /** Stops after the batch in flight (handled, and its checkpoint stored); a failing batch is not retried further. */
  stop(): Promise<void>;
  /** Resolves once everything up to the head at some moment is handled; rejects if stopped before. */
  caughtUp(): Promise<void>;
  /** Everything at or below it has been handled. */
  position(): number;
}

const STOPPED = Symbol('stopped');
/** What following needs of the store: the log, and the checkpoints for `from: 'stored'`. */
type Log = Pick<EventLog, 'headPosition' | 'readAll' | 'onAppended'> &
  Partial<Pick<Checkpoints, 'loadCheckpoint' | 'saveCheckpoint'>>;

/**
 * The one way to read the log: from a position, with a filter, in batches, woken by appends, retrying with
 * backoff, until stopped. Projections, dispatch, the presence followers and the control-plane view all use it.
 */
export function followLog(log: Log, options: FollowLogOptions): Following {
  const { batchSize } = options;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`${options.name}: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (options.from === 'stored' && !(log.loadCheckpoint && log.saveCheckpoint)) {
    throw new TypeError(`${options.name}: from 'stored' needs a store that keeps checkpoints`);
  }
  const follower = new LogFollower(log, options);
  return {
    stop: () => follower.stop(),
    caughtUp: () => follower.caughtUp,
    position: () => follower.position,
  };
}

/** Follows the log until everything up to the head is handled, then stops; the first failure rejects. */
export async function catchUpLog(log: Log, options: Omit<FollowLogOptions, 'onError'>): Promise<number> {
  let failure: unknown;
  const following = followLog(log, {
    ...options,
    onError: (error) => {
      failure ??= error;
      void following.stop();
    },
  });
  await following.caughtUp().catch(() => undefined);
  await following.stop();
  if (failure !== undefined) throw failure;
  return following.position();
}

class LogFollower {
  position = 0;
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private failCaughtUp!: (error: Error) => void;
  private stopped = false;
  private readonly wakeup = new Wakeup();
  private readonly stopWaits = new Set<() => void>();
  private readonly backoff: Backoff;
  private readonly unsubscribe: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly log: Log,
    private readonly options: FollowLogOptions,
  ) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.markCaughtUp = resolve;
      this.failCaughtUp = reject;
    });
    // Nobody may be awaiting caughtUp(); a rejection on stop must not become an unhandled rejection.
    this.caughtUp.catch(() => undefined);
    this.backoff = new Backoff(options.backoff ?? { initialMs: 200, maxMs: 30_000 });
    this.unsubscribe = log.onAppended(() => this.wakeup.signal(), options.filter);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.wakeup.signal();
    for (const cancelWait of this.stopWaits) cancelWait();
    await this.loop;
    this.failCaughtUp(new Error(`${this.options.name} stopped before catching up`));
  }

  private async run(): Promise<void> {
    if (!(await this.start())) return;
    while (!this.stopped) {
      const outcome = await this.nextBatch();
      if (outcome === 'stop') return this.stopHere();
      if (outcome === 'restart' && !(await this.start())) return;
      if (this.stopped) return;
      if (outcome === 'idle') await this.wakeup.wait(this.options.pollIntervalMs ?? 1_000);
      else if (this.options.paceMs) await this.sleepUnlessStopped(this.options.paceMs);
      // On a store that answers at once (SQLite) back-to-back batches would hold the event loop until caught up:
      // dispatch read its whole window before handling the answer of its first send.
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async start(): Promise<boolean> {
    const { from, name } = this.options;
    const start = await this.retrying(async () =>
      from === 'stored' ? this.log.loadCheckpoint!(name) : typeof from === 'number' ? from : from(),
    );
    if (start === STOPPED) return false;
    this.position = start;
    return true;
  }

  private stopHere(): void {
    this.stopped = true;
    this.unsubscribe();
    this.markCaughtUp();
  }

  private async nextBatch(): Promise<'idle' | 'more' | 'restart' | 'stop' | typeof STOPPED> {
    const { filter, handle, batchSize = 500 } = this.options;
    // Reading only up to a head taken first tells us, when the batch is short, that every position up to the
    // head was looked at, so the position can move past events the filter left out instead of rescanning them.
    const head = await this.retrying(() => this.log.headPosition());
    if (head === STOPPED) return STOPPED;
    if (head <= this.position) {
      this.markCaughtUp();
      return 'idle';
    }
    const after = this.position;
    const events = await this.retrying(() =>
      this.log.readAll(after, { filter, limit: batchSize, toPosition: head }),
    );
    if (events === STOPPED || this.stopped) return STOPPED;
    const full = events.length === batchSize;
    const through = full ? events.at(-1)!.position : head;
    const handled = await this.retrying(() => handle({ events, after, through }));
    if (handled === STOPPED) return STOPPED;
    if (handled === 'restart' || handled === 'stop') return handled;
    if (this.options.from === 'stored') {
      const saved = await this.retrying(() => this.log.saveCheckpoint!(this.options.name, through));
      if (saved === STOPPED) return STOPPED;
    }
    this.position = through;
    if (full) return 'more';
    this.markCaughtUp();
    return 'idle';
  }

  /** Runs `operation` until it succeeds, waiting with capped exponential backoff; gives up only on stop. */
  private async retrying<T>(operation: () => Promise<T>): Promise<T | typeof STOPPED> {
    for (;;) {
      try {
        const result = await operation();
        this.backoff.succeeded();
        return result;
      } catch (error) {
        if (this.stopped) return STOPPED;
        const delay = this.backoff.next();
        this.report(error, delay);
        await this.sleepUnlessStopped(delay);
        if (this.stopped) return STOPPED;
      }
    }
  }

  private report(error: unknown, retryInMs: number): void {
    const { name, onError } = this.options;
    try {
      if (onError) onError(error, retryInMs);
      else console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    } catch {
      // A failing error reporter must not stop the follower.
    }
  }

  private sleepUnlessStopped(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
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
