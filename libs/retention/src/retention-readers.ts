import { DISPATCH_CHECKPOINT, partitionCheckpoint } from '#libs/notifications';
import type { ReaderPosition } from './retention.decider.js';

/** Where dispatch's leases are: `rocketmq-dispatch/<count>/<partition>` (partitionLeasePrefix) and members. */
export const DISPATCH_LEASES = `${DISPATCH_CHECKPOINT}/`;

export interface StoredLease {
  name: string;
  expiresAt: number;
}

/**
 * The partition counts dispatch runs with: those of the unexpired partition leases (two while the count is being
 * changed), else the configured DISPATCH_PARTITIONS (no dispatcher up: what it has not read must wait for it). A
 * checkpoint of any other count is stale (partitions of an earlier layout) and holds nothing back.
 */
export function livePartitionCounts(
  leases: readonly StoredLease[],
  now: number,
  configured: number,
): number[] {
  const counts = new Set<number>();
  for (const { name, expiresAt } of leases) {
    const count = /^(\d+)\/\d+$/.exec(name.slice(DISPATCH_LEASES.length))?.[1];
    if (name.startsWith(DISPATCH_LEASES) && count !== undefined && expiresAt > now) counts.add(Number(count));
  }
  return counts.size > 0 ? [...counts].sort((a, b) => a - b) : [configured];
}

/** The checkpoints that say where dispatch stands, for these partition counts. */
export function dispatchCheckpointNames(counts: readonly number[]): string[] {
  const partitions = counts.flatMap((count) =>
    Array.from({ length: count }, (_, partition) => partitionCheckpoint(partition, count)),
  );
  return [DISPATCH_CHECKPOINT, ...partitions];
}

/**
 * Each partition as a reader: at its own checkpoint or the single `rocketmq-dispatch` one, whichever is higher,
 * as a dispatcher resumes (PartitionCheckpoints.load).
 */
export function dispatchReaders(
  counts: readonly number[],
  checkpoints: ReadonlyMap<string, number>,
): ReaderPosition[] {
  const floor = checkpoints.get(DISPATCH_CHECKPOINT) ?? 0;
  return dispatchCheckpointNames(counts)
    .slice(1)
    .map((reader) => ({ reader, position: Math.max(checkpoints.get(reader) ?? 0, floor) }));
}
