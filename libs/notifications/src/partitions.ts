/*
 * Dispatch partitions: each client belongs to one of a fixed number of partitions by a hash of its ID, and each
 * partition has one owner at a time (a lease in the store), so a client's notifications are only ever sent by one
 * dispatcher and stay in order. Pure: the leases are read by the caller and passed in with the time.
 */

/** FNV-1a (32 bits) over the ID's UTF-16 code units: stable across processes, versions and platforms. */
export function partitionOf(clientId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < clientId.length; index++) {
    hash ^= clientId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

export interface PartitionLease {
  partition: number;
  owner: string;
  expiresAt: number;
}

export interface PartitionBalance {
  partitions: number;
  self: string;
  /** Dispatchers alive now (unexpired membership leases), `self` included or not. */
  members: string[];
  /** The partitions' leases as stored, expired ones included. */
  leases: PartitionLease[];
  now: number;
}

/** What `self` should do to hold its fair share: partitions to take (free or expired) and to give back. */
export interface PartitionPlan {
  acquire: number[];
  release: number[];
}

/**
 * The fair share: partitions split evenly over the live members, the first `partitions % members` (by name)
 * taking one more, so the shares add up exactly. A member above its share gives back its highest partitions;
 * one below takes the lowest free ones. Partitions another member holds are never taken before they expire.
 */
export function planPartitions({ partitions, self, members, leases, now }: PartitionBalance): PartitionPlan {
  const live = [...new Set([...members, self])].sort();
  const rank = live.indexOf(self);
  const share = Math.floor(partitions / live.length) + (rank < partitions % live.length ? 1 : 0);
  const holder = new Map<number, string>();
  for (const lease of leases) if (lease.expiresAt > now) holder.set(lease.partition, lease.owner);
  const held = [...holder].filter(([, owner]) => owner === self).map(([partition]) => partition);
  held.sort((a, b) => a - b);
  if (held.length > share) return { acquire: [], release: held.slice(share) };
  const free = Array.from({ length: partitions }, (_, partition) => partition).filter((p) => !holder.has(p));
  return { acquire: free.slice(0, share - held.length), release: [] };
}

/** The checkpoint of dispatch before partitions (and of a dispatcher that owns them all): never below it. */
export const DISPATCH_CHECKPOINT = 'rocketmq-dispatch';

/** The partition count is in the name: with another count the partitions hold other clients. */
export const partitionCheckpoint = (partition: number, partitions: number) =>
  `${DISPATCH_CHECKPOINT}/p${partition}of${partitions}`;

/** The leases of the partitions when there are `partitions` of them: the prefix, then the partition number. */
export const partitionLeasePrefix = (partitions: number) => `${DISPATCH_CHECKPOINT}/${partitions}/`;
