import { CLIENT_STATUS_PROJECTION } from '#libs/client-status';
import type { Checkpoints, Leases } from '#libs/event-store';
import {
  DISPATCH_LEASES,
  dispatchCheckpointNames,
  dispatchReaders,
  livePartitionCounts,
  type ReaderPosition,
} from '#libs/retention';
import { DELIVERY_STATS_PROJECTION } from '../delivery-stats/delivery-stats.projection.js';

/**
 * The checkpointed readers of the expiring streams, which retention never overtakes (docs/decisions/0013): the
 * projections of the clients' status and of the delivery counters and dead letters, and each dispatch partition.
 * The control plane's readers are left out: they read only its stream, which is kept forever.
 */
const PROJECTIONS = [CLIENT_STATUS_PROJECTION, DELIVERY_STATS_PROJECTION];

export async function retentionReaders(
  store: Checkpoints & Pick<Leases, 'readLeases'>,
  configuredPartitions: number,
  now: number,
): Promise<ReaderPosition[]> {
  const counts = livePartitionCounts(await store.readLeases(DISPATCH_LEASES), now, configuredPartitions);
  const names = [...PROJECTIONS, ...dispatchCheckpointNames(counts)];
  const positions = await Promise.all(names.map((name) => store.loadCheckpoint(name)));
  const checkpoints = new Map(names.map((name, index) => [name, positions[index]!]));
  return [
    ...PROJECTIONS.map((reader) => ({ reader, position: checkpoints.get(reader)! })),
    ...dispatchReaders(counts, checkpoints),
  ];
}
