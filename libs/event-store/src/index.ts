export * from './event-store.port.js';
export * from './errors.js';
export type { EventArchive } from './event-archive.port.js';
export { openEventStore, sqliteFileOf, type OpenEventStoreOptions } from './open-event-store.js';
export { catchUpLog, followLog, type FollowLogOptions, type Following, type LogBatch } from './follow-log.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite.event-store.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres.event-store.js';
export { appendLockKey } from './postgres/postgres.names.js';
export { eventIdFor, newEventId } from './event-id.js';
export { Wakeup } from './wakeup.js';
export {
  LogFeed,
  TooManyWatchersError,
  type LogFeedOptions,
  type LogWatch,
  type WatchOptions,
} from './log-feed.js';
export { GroupCommit, type Committable, type GroupCommitOptions } from './group-commit.js';
export { catchUpProjection, followProjection, type Projection } from './projection.js';
export {
  copyStore,
  verifyCopy,
  INCOMPLETE_COPY_LEASE,
  StoreCopyFailedError,
  StoreCopyMismatchError,
  StoreCopyRefusedError,
  type CopyProgress,
  type CopyStoreOptions,
  type CopySummary,
} from './copy-store.js';
export {
  backupStore,
  restoreStore,
  storeExists,
  storeLocation,
  BackupRefusedError,
  type StoreCopySummary,
  type StoreRestore,
} from './backup/store-backup.js';
export { isLive, liveLeases } from './live-leases.js';
