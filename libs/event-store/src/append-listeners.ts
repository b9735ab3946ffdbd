import type { ReadAllFilter } from './event-store.port.js';

export interface AppendListenersOptions {
  /** Reads the store's head position; polled while listeners are registered. */
  readHead: () => Promise<number>;
  /** How often to poll the head. */
  pollIntervalMs: number;
  /** Called when the first listener registers (`true`) and when the last one leaves (`false`). */
  onActiveChange?: (active: boolean) => void;
}

/** An event this process appended, as a listener's filter sees it. */
export interface AppendedEvent {
  stream: string;
  type: string;
}

/**
 * The listeners behind `EventStore.onAppended`. Polls the head position only while someone listens, and wakes
 * the listeners when it grew; adapters with a push channel (PostgreSQL NOTIFY) call `wake()` directly and keep
 * the poll as a slow fallback. The timer is unref'd: waiting for events must not keep a process alive.
 */
export class AppendListeners {
  /** Each registration with its filter (undefined: woken by every append). */
  private readonly listeners = new Map<() => void, ReadAllFilter | undefined>();
  private timer: NodeJS.Timeout | undefined;
  /** Bumped on every (de)activation so a poll still in flight from an earlier activation stops its chain. */
  private generation = 0;
  /**
   * -1 until the first poll, which runs at once and wakes the new listeners: an append committed while the
   * first listener registered is never missed, at the cost of one spurious wake.
   */
  private knownHead = -1;

  constructor(private readonly options: AppendListenersOptions) {}

  add(listener: () => void, filter?: ReadAllFilter): () => void {
    // A wrapper per registration, so registering the same function twice needs two unsubscribes.
    const registration = () => listener();
    this.listeners.set(registration, filter);
    if (this.listeners.size === 1) this.activate();
    return () => {
      if (!this.listeners.delete(registration)) return;
      if (this.listeners.size === 0) this.deactivate();
    };
  }

  /** Tells the listeners something was appended; `head` (when known) saves the poll a spurious wake. */
  wake(head?: number): void {
    if (head !== undefined) this.knownHead = Math.max(this.knownHead, head);
    this.call(() => true);
  }

  /**
   * Tells the listeners that this process appended `events` at positions `first`..`last` (one transaction). When
   * they come right after the head the listeners were last told of, nothing of another process lies between, so
   * only the listeners whose filter matches one of them are woken. Otherwise every listener is, as by the poll: an
   * event of another process may be there, unseen yet.
   */
  appended(first: number, last: number, events: readonly AppendedEvent[]): void {
    if (first !== this.knownHead + 1) return this.wake(last);
    this.knownHead = last;
    this.call((filter) => filter === undefined || events.some((event) => matches(filter, event)));
  }

  close(): void {
    this.listeners.clear();
    this.deactivate();
  }

  private call(concerns: (filter: ReadAllFilter | undefined) => boolean): void {
    for (const [listener, filter] of this.listeners) {
      if (!concerns(filter)) continue;
      try {
        listener();
      } catch {
        // One faulty listener must not keep the others asleep; listeners own their error handling.
      }
    }
  }

  private activate(): void {
    this.knownHead = -1;
    this.generation += 1;
    this.options.onActiveChange?.(true);
    this.schedulePoll(this.generation, 0);
  }

  private deactivate(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.generation += 1;
    this.options.onActiveChange?.(false);
  }

  private schedulePoll(generation: number, delayMs = this.options.pollIntervalMs): void {
    this.timer = setTimeout(() => void this.poll(generation), delayMs);
    this.timer.unref();
  }

  private async poll(generation: number): Promise<void> {
    try {
      const head = await this.options.readHead();
      if (generation === this.generation && head > this.knownHead) this.wake(head);
    } catch {
      // The store is briefly unavailable (PostgreSQL restarting, SQLite busy): try again on the next tick.
    }
    if (generation === this.generation) this.schedulePoll(generation);
  }
}

/** As readAll's filter: a stream prefix of the list (when given) and a type of the list (when given). */
function matches({ streamPrefixes, types }: ReadAllFilter, { stream, type }: AppendedEvent): boolean {
  return (
    (streamPrefixes?.some((prefix) => stream.startsWith(prefix)) ?? true) && (types?.includes(type) ?? true)
  );
}
