/** A notification taken for sending, with the log position of the event it came from. */
export interface LaneEntry<T> {
  readonly value: T;
  readonly position: number;
  readonly lane: string;
}

interface Lane<T> {
  queue: LaneEntry<T>[];
  /** The head is being sent or waits for its retry: nothing else of this lane may go. */
  busy: boolean;
}

interface PositionCount {
  position: number;
  unsettled: number;
}

/**
 * The in-order, bounded-concurrency schedule of dispatch, as plain data: one lane per client keeps its
 * notifications in sequence order (a later one is never taken before the one ahead of it is completed), lanes
 * proceed independently, and the checkpoint only moves past an event once every notification it gave is settled.
 *
 * `take` hands out lane heads; `retry` gives a head back after a failed attempt; `complete` ends a head (sent or
 * dead-lettered), which frees the lane's next entry; `settle` says the outcome is durably recorded.
 */
export class DeliveryLanes<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  /** Lanes whose head may be taken, oldest first. */
  private readonly ready = new Set<string>();
  /** Events with unsettled notifications, in position order. */
  private readonly positions: PositionCount[] = [];
  private readonly byPosition = new Map<number, PositionCount>();
  private lastRead: number;
  private unsettled = 0;

  constructor(startPosition: number) {
    this.lastRead = startPosition;
  }

  /** Notifications given by the event at `position`, read in position order; none for most events. */
  add(position: number, entries: { lane: string; value: T }[]): void {
    if (position <= this.lastRead) {
      throw new RangeError(`position ${position} is not after the last one read (${this.lastRead})`);
    }
    this.lastRead = position;
    if (entries.length === 0) return;
    const count = { position, unsettled: entries.length };
    this.positions.push(count);
    this.byPosition.set(position, count);
    this.unsettled += entries.length;
    for (const { lane: key, value } of entries) {
      const lane = this.lanes.get(key) ?? { queue: [], busy: false };
      this.lanes.set(key, lane);
      lane.queue.push({ value, position, lane: key });
      if (!lane.busy) this.ready.add(key);
    }
  }

  /** Everything up to `position` has been read, also events that gave no notification. */
  readUpTo(position: number): void {
    this.lastRead = Math.max(this.lastRead, position);
  }

  /** Up to `max` lane heads, marked busy. */
  take(max: number): LaneEntry<T>[] {
    const taken: LaneEntry<T>[] = [];
    for (const key of this.ready) {
      if (taken.length >= max) break;
      this.ready.delete(key);
      const lane = this.lanes.get(key)!;
      lane.busy = true;
      taken.push(lane.queue[0]!);
    }
    return taken;
  }

  /** A failed attempt: the same head may be taken again (the caller decides when). */
  retry(entry: LaneEntry<T>): void {
    const lane = this.headLane(entry);
    lane.busy = false;
    this.ready.add(entry.lane);
  }

  /** The head is done with (sent or dead-lettered): the lane's next entry may go. */
  complete(entry: LaneEntry<T>): void {
    const lane = this.headLane(entry);
    lane.queue.shift();
    lane.busy = false;
    if (lane.queue.length > 0) this.ready.add(entry.lane);
    else this.lanes.delete(entry.lane);
  }

  /** The entry's outcome is stored: it no longer holds the checkpoint back. */
  settle(entry: LaneEntry<T>): void {
    const counted = this.byPosition.get(entry.position);
    if (!counted) {
      throw new RangeError(`nothing unsettled at position ${entry.position}`);
    }
    counted.unsettled--;
    this.unsettled--;
    if (counted.unsettled === 0) this.byPosition.delete(entry.position);
    while (this.positions.length > 0 && this.positions[0]!.unsettled === 0) this.positions.shift();
  }

  /** The highest position at and below which every notification is settled. */
  checkpoint(): number {
    return this.positions.length > 0 ? this.positions[0]!.position - 1 : this.lastRead;
  }

  /** The last position read: the next read starts after it. */
  get readPosition(): number {
    return this.lastRead;
  }

  /** Notifications read and not yet settled. */
  get pending(): number {
    return this.unsettled;
  }

  private headLane(entry: LaneEntry<T>): Lane<T> {
    const lane = this.lanes.get(entry.lane);
    if (lane?.queue[0] !== entry || !lane.busy) {
      throw new RangeError(`entry at position ${entry.position} is not the busy head of lane ${entry.lane}`);
    }
    return lane;
  }
}
