import type { EventLog, ReadAllFilter, RecordedEvent } from './event-store.port.js';
import { followLog, type Following } from './follow-log.js';
import { Wakeup } from './wakeup.js';

export interface LogFeedOptions {
  /** For logs and errors. */
  name: string;
  /** What the feed reads: every watcher's filter must be narrower. */
  filter: ReadAllFilter;
  /** Watchers at once; one more is refused with TooManyWatchersError. */
  maxWatchers: number;
  /** Events a watcher may have waiting before it is left to read the store on its own (default 20,000; the events are shared, a watcher holds references). */
  bufferLimit?: number;
  /** Events per read, of the feed and of a watcher catching up (default 500). */
  batchSize?: number;
}

export interface WatchOptions {
  /** Events after this position; `now`: after the head at the time of the call. */
  after: number | 'now';
  /** Narrows the feed's filter for the store reads of catching up. */
  filter: ReadAllFilter;
  /** Which events of the filter's the watcher wants (the filter's prefixes may match more). */
  matches(event: RecordedEvent): boolean;
}

export interface LogWatch {
  /** Everything at or below it has been handed out (or did not match). */
  readonly position: number;
  /** The next matching events in position order; resolves empty only when closed. */
  next(): Promise<RecordedEvent[]>;
  close(): void;
}

export class TooManyWatchersError extends Error {
  constructor(readonly limit: number) {
    super(`at most ${limit} watchers at once`);
    this.name = 'TooManyWatchersError';
  }
}

/**
 * One follower of the log shared by every watcher, so a hundred watchers cost one read per append, not a hundred.
 * A watcher that starts in the past reads the store until it reaches the feed; one that falls behind by more than
 * `bufferLimit` events is dropped from the feed and reads the store again from its own position, so a slow watcher
 * never holds up the feed or the others, and none sees a gap or an event twice.
 */
export class LogFeed {
  /** Open watches, for the limit; `attached` are those the feed hands its batches to. */
  private readonly open = new Set<Watch>();
  private readonly attached = new Set<Watch>();
  private opening = 0;
  private following: Following | undefined;
  private fed = 0;
  private started: Promise<void> | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly options: LogFeedOptions,
  ) {}

  get watcherCount(): number {
    return this.open.size;
  }

  /** The position the feed has handed out through; watchers attached now get everything after it. */
  get position(): number {
    return this.fed;
  }

  start(): Promise<void> {
    this.started ??= this.log.headPosition().then((head) => {
      this.fed = head;
      this.following = followLog(this.log, {
        name: this.options.name,
        from: head,
        filter: this.options.filter,
        batchSize: this.options.batchSize,
        handle: async ({ events, through }) => this.hand(events, through),
      });
    });
    return this.started;
  }

  async stop(): Promise<void> {
    for (const watch of this.open) watch.close();
    await this.following?.stop();
  }

  async watch(options: WatchOptions): Promise<LogWatch> {
    if (this.open.size + this.opening >= this.options.maxWatchers) {
      throw new TooManyWatchersError(this.options.maxWatchers);
    }
    this.opening++;
    try {
      await this.start();
      const after = options.after === 'now' ? await this.log.headPosition() : options.after;
      const watch = new Watch(this, this.log, options, after, this.options.batchSize ?? 500);
      this.open.add(watch);
      return watch;
    } finally {
      this.opening--;
    }
  }

  /** @internal */
  attach(watch: Watch): number {
    this.attached.add(watch);
    return this.fed;
  }

  /** @internal */
  detach(watch: Watch): void {
    this.attached.delete(watch);
  }

  /** @internal */
  closed(watch: Watch): void {
    this.attached.delete(watch);
    this.open.delete(watch);
  }

  /** @internal */
  get limit(): number {
    return this.options.bufferLimit ?? 20_000;
  }

  // Synchronous, so that `fed` and what each attached watch was handed never disagree.
  private hand(events: RecordedEvent[], through: number): void {
    for (const watch of this.attached) watch.receive(events);
    this.fed = through;
  }
}

class Watch implements LogWatch {
  position: number;
  private buffer: RecordedEvent[] = [];
  /** The feed's position when this watch attached: what is at or below it must come from the store. */
  private attachedAt: number | undefined;
  private closed = false;
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly feed: LogFeed,
    private readonly log: EventLog,
    private readonly options: WatchOptions,
    after: number,
    private readonly batchSize: number,
  ) {
    this.position = after;
    this.attachedAt = feed.attach(this);
  }

  receive(events: RecordedEvent[]): void {
    const wanted = events.filter((event) => this.options.matches(event));
    if (wanted.length === 0) return;
    if (this.buffer.length + wanted.length > this.feed.limit) {
      // Too far behind: read everything after `position` from the store again (the buffer may not even start
      // there while the watch is still catching up).
      this.feed.detach(this);
      this.attachedAt = undefined;
      this.buffer = [];
    } else {
      this.buffer.push(...wanted);
    }
    this.wakeup.signal();
  }

  async next(): Promise<RecordedEvent[]> {
    while (!this.closed) {
      const buffered = this.takeBuffered();
      if (buffered.length > 0) return buffered;
      this.attachedAt ??= this.feed.attach(this);
      if (this.position < this.attachedAt) {
        const read = await this.readStore(this.attachedAt);
        if (read.length > 0) return read;
        continue;
      }
      await this.wakeup.wait(60_000);
    }
    return [];
  }

  close(): void {
    this.closed = true;
    this.feed.closed(this);
    this.buffer = [];
    this.wakeup.signal();
  }

  private takeBuffered(): RecordedEvent[] {
    if (this.attachedAt !== undefined && this.position < this.attachedAt) return [];
    const events = this.buffer.filter((event) => event.position > this.position);
    this.buffer = [];
    if (events.length > 0) this.position = events.at(-1)!.position;
    return events;
  }

  private async readStore(through: number): Promise<RecordedEvent[]> {
    const events = await this.log.readAll(this.position, {
      filter: this.options.filter,
      limit: this.batchSize,
      toPosition: through,
    });
    if (this.closed) return [];
    this.position = events.length === this.batchSize ? events.at(-1)!.position : through;
    return events.filter((event) => this.options.matches(event));
  }
}
