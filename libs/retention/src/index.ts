export {
  decideRetention,
  slowestReader,
  type ExpiringEvent,
  type Lagging,
  type ReaderPosition,
  type RetentionDecision,
  type RetentionState,
} from './retention.decider.js';
export {
  DISPATCH_LEASES,
  dispatchCheckpointNames,
  dispatchReaders,
  livePartitionCounts,
  type StoredLease,
} from './retention-readers.js';
