import type { EventStore } from '#libs/event-store';
import { DISPATCH_CHECKPOINT, partitionCheckpoint } from '#libs/notifications';

/**
 * The checkpoints of the partitions a dispatcher owns. It reads the log from the lowest of them and skips, per
 * partition, what is at or below that partition's own checkpoint (an earlier owner settled it). Saving raises each
 * owned partition to the run's checkpoint; a dispatcher that owns every partition also keeps the single
 * `rocketmq-dispatch` checkpoint, so a store written by an earlier version (or read by it) carries on there.
 */
export class PartitionCheckpoints {
  private constructor(
    private readonly partitions: number,
    private readonly positions: Map<number, number>,
  ) {}

  static async load(
    store: EventStore,
    partitions: number,
    owned: ReadonlySet<number>,
  ): Promise<PartitionCheckpoints> {
    const [floor, ...own] = await Promise.all([
      store.loadCheckpoint(DISPATCH_CHECKPOINT),
      ...[...owned].map((partition) => store.loadCheckpoint(partitionCheckpoint(partition, partitions))),
    ]);
    const positions = new Map([...owned].map((partition, i) => [partition, Math.max(own[i]!, floor!)]));
    return new PartitionCheckpoints(partitions, positions);
  }

  /** Where the run starts reading: everything at or below it is settled in every owned partition. */
  get lowest(): number {
    return Math.min(...this.positions.values());
  }

  owns(partition: number): boolean {
    return this.positions.has(partition);
  }

  /** Whether the event at `position` of `partition` was settled by an earlier run. */
  settled(partition: number, position: number): boolean {
    return position <= (this.positions.get(partition) ?? Number.POSITIVE_INFINITY);
  }

  /** Everything of the owned partitions at or below `position` is settled. */
  async save(store: EventStore, position: number): Promise<void> {
    const raised = [...this.positions].filter(([, at]) => at < position);
    if (raised.length === 0) return;
    const saves = raised.map(([partition]) => ({
      name: partitionCheckpoint(partition, this.partitions),
      position,
    }));
    if (this.positions.size === this.partitions) saves.push({ name: DISPATCH_CHECKPOINT, position });
    await store.saveCheckpoints(saves);
    for (const [partition] of raised) this.positions.set(partition, position);
  }
}

const SAVE_INTERVAL_MS = 100;

/**
 * Step 7: stores the run's checkpoint (what its lanes have settled) at most every SAVE_INTERVAL_MS, and once more
 * when the run stops. A failed save loses nothing: a later one moves it, and after a crash the notifications
 * since the stored checkpoint are sent again with their notification IDs.
 */
export class CheckpointWriter {
  private saved: number;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: PartitionCheckpoints,
    private readonly settledUpTo: () => number,
    private readonly warn: (message: string) => void,
  ) {
    this.saved = checkpoints.lowest;
  }

  schedule(): void {
    if (this.closed) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.saving = this.save().finally(() => (this.saving = undefined));
    }, SAVE_INTERVAL_MS);
  }

  /** Saves what is settled now, after any save under way; nothing is scheduled afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.saving;
    await this.save();
  }

  private async save(): Promise<void> {
    const checkpoint = this.settledUpTo();
    if (checkpoint <= this.saved) return;
    try {
      await this.checkpoints.save(this.store, checkpoint);
      this.saved = checkpoint;
    } catch (error) {
      this.warn(`could not save the checkpoint at ${checkpoint}: ${String(error)}`);
      this.schedule();
    }
  }
}
