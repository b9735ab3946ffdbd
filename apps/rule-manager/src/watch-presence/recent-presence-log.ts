import type { EventLog, ReadAllFilter, ReadAllOptions, RecordedEvent } from '#libs/event-store';
import { CLIENT_STREAM_PREFIX, PRESENCE_EVENT_TYPES } from '#libs/presence';

/** Every presence event: what the kept window holds; a watcher's filter selects within it (watchQuery). */
const ALL_PRESENCE: ReadAllFilter = { streamPrefixes: [CLIENT_STREAM_PREFIX], types: PRESENCE_EVENT_TYPES };
const READ_LIMIT = 2_000;

const selects = (filter: ReadAllFilter | undefined, event: RecordedEvent) =>
  (filter?.streamPrefixes?.some((prefix) => event.stream.startsWith(prefix)) ?? true) &&
  (filter?.types?.includes(event.type) ?? true);

/**
 * The log as the watchers read it: most watch the same recent events, so the presence events of a window behind
 * the head are read from the store once and kept, and each watcher's read of that window is answered from memory
 * (its own filter applied, as the store would). A read starting before the window (a watcher resuming from an older
 * position) goes to the store, until the watcher has caught up. Every event of the window's positions is in it:
 * `after` is the position below the oldest kept, `through` the highest read.
 */
export class RecentPresenceLog {
  private events: RecordedEvent[] = [];
  private after = -1;
  private through = -1;
  private extending: Promise<void> | undefined;

  constructor(
    private readonly store: EventLog,
    /** Presence events kept at most. */
    private readonly capacity = 20_000,
  ) {}

  headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  onAppended(listener: () => void, filter?: ReadAllFilter): () => void {
    return this.store.onAppended(listener, filter);
  }

  async readAll(after: number, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { filter, limit = 1000, toPosition } = options;
    if (toPosition === undefined) return this.store.readAll(after, options);
    if (this.through < 0) [this.after, this.through] = [after, after];
    // Looked at again after each wait: the window may have moved past `after` meanwhile.
    for (;;) {
      if (after < this.after) return this.store.readAll(after, options);
      if (this.through >= toPosition) break;
      await this.extend(toPosition);
    }
    const found: RecordedEvent[] = [];
    for (let i = this.firstAfter(after); i < this.events.length && found.length < limit; i++) {
      const event = this.events[i]!;
      if (event.position > toPosition) break;
      if (selects(filter, event)) found.push(event);
    }
    return found;
  }

  /** One read of the store at a time moves the window on; the others wait for it and look again. */
  private async extend(toPosition: number): Promise<void> {
    if (this.extending) return this.extending;
    this.extending = (async () => {
      const read = await this.store.readAll(this.through, {
        filter: ALL_PRESENCE,
        limit: READ_LIMIT,
        toPosition,
      });
      this.events.push(...read);
      this.through = read.length === READ_LIMIT ? read.at(-1)!.position : toPosition;
      const excess = this.events.length - this.capacity;
      if (excess > 0) this.after = this.events.splice(0, excess).at(-1)!.position;
    })().finally(() => (this.extending = undefined));
    return this.extending;
  }

  /** The index of the first kept event past `position`. */
  private firstAfter(position: number): number {
    let [low, high] = [0, this.events.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.events[middle]!.position <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
