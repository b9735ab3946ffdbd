/** A notification taken for sending, with the log position of the event it came from. */
export interface LaneEntry<T> {
  readonly value: T;
  readonly position: number;
  readonly lane: string;
}

interface Lane<T> {
  queue: LaneEntry<T>[];
  /** Its first `out` entries are being sent, or the head waits for its retry: nothing else of it may go. */
  busy: boolean;
  out: number;
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
 * `take` hands out runs of lane heads (a client's consecutive notifications, sent in one call); `complete` ends a
 * head (sent or dead-lettered), and the lane is free again once its whole run is completed; `retry` gives a head
 * back after a failed attempt, with the rest of its run; `settle` says the outcome is durably recorded.
 */
export class DeliveryLanes<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  /** Lanes whose head may be taken, oldest first. */
  private readonly ready = new Set<string>();
  /** Events with unsettled notifications, in position order. */
  private positions: PositionCount[] = [];
  /** Where `positions` starts: shifting a long array per settle would cost its length each time. */
  private first = 0;
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
      const lane = this.lanes.get(key) ?? { queue: [], busy: false, out: 0 };
      this.lanes.set(key, lane);
      lane.queue.push({ value, position, lane: key });
      if (!lane.busy) this.ready.add(key);
    }
  }

  /** Everything up to `position` has been read, also events that gave no notification. */
  readUpTo(position: number): void {
    this.lastRead = Math.max(this.lastRead, position);
  }

  /**
   * Up to `maxLanes` runs, each of at most `maxPerLane` consecutive entries of one lane that `together` accepts
   * pairwise (the same destination, say); their lanes are marked busy.
   */
  take(
    maxLanes: number,
    maxPerLane = 1,
    together: (previous: T, next: T) => boolean = () => true,
  ): LaneEntry<T>[][] {
    const taken: LaneEntry<T>[][] = [];
    for (const key of this.ready) {
      if (taken.length >= maxLanes) break;
      this.ready.delete(key);
      const lane = this.lanes.get(key)!;
      let length = 1;
      while (
        length < Math.min(maxPerLane, lane.queue.length) &&
        together(lane.queue[length - 1]!.value, lane.queue[length]!.value)
      )
        length++;
      lane.busy = true;
      lane.out = length;
      taken.push(lane.queue.slice(0, length));
    }
    return taken;
  }

  /** A failed attempt: the head (and what was taken with it) may be taken again, the caller decides when. */
  retry(entry: LaneEntry<T>): void {
    const lane = this.headLane(entry);
    lane.busy = false;
    lane.out = 0;
    this.ready.add(entry.lane);
  }

  /** The head is done with (sent or dead-lettered); once its whole run is, the lane's next entry may go. */
  complete(entry: LaneEntry<T>): void {
    const lane = this.headLane(entry);
    lane.queue.shift();
    lane.out = Math.max(0, lane.out - 1);
    if (lane.out > 0) return;
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
    while (this.first < this.positions.length && this.positions[this.first]!.unsettled === 0) this.first++;
    if (this.first > 1_024 && this.first * 2 > this.positions.length) {
      this.positions = this.positions.slice(this.first);
      this.first = 0;
    }
  }

  /** The highest position at and below which every notification is settled. */
  checkpoint(): number {
    const oldest = this.positions[this.first];
    return oldest ? oldest.position - 1 : this.lastRead;
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
