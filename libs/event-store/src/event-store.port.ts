/**
 * The event store port. Every durable fact of the system (rule changes, presence events, delivery outcomes) is
 * an event in one global log, grouped into streams. Adapters: SQLite (embedded default) and PostgreSQL.
 */

export type JsonObject = { [key: string]: unknown };

export interface EventMetadata {
  /** Who caused it: an API token name, or the app that observed it (`presence-ingest`). */
  actor: string;
  /** Epoch milliseconds at which the fact happened (never the time of a retry). */
  occurredAt: number;
  correlationId?: string;
  causationId?: string;
  [key: string]: unknown;
}

export interface NewEvent {
  /** UUID chosen by the writer, so a retried append of the same event is rejected, not duplicated. */
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface RecordedEvent<Data extends JsonObject = JsonObject> {
  /** Global position: strictly increasing in commit order, never reused. */
  position: number;
  stream: string;
  /** Version of the event in its stream: 1, 2, 3 … */
  version: number;
  eventId: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
}

/** `no_stream`: the stream must not exist yet; `any`: append whatever the version; a number: the exact current version. */
export type ExpectedVersion = number | 'any' | 'no_stream';

export interface StreamAppend {
  stream: string;
  events: NewEvent[];
  expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  stream: string;
  /** Stream version after the append (the version of its last event). */
  version: number;
  /** Global position of the last appended event. */
  position: number;
}

export interface ReadAllFilter {
  /** Keep events whose stream starts with one of these prefixes. */
  streamPrefixes?: string[];
  /** Keep events of these types. */
  types?: string[];
}

export interface ReadAllOptions {
  filter?: ReadAllFilter;
  /** At most this many events (default 1000). */
  limit?: number;
  /** Only events at or below this position. */
  toPosition?: number;
}

/** A read-model document kept beside the events (a rule, a group, a client's status …). */
export interface StoredDocument {
  id: string;
  document: JsonObject;
}

/** A slice of a collection: IDs starting with `idPrefix` (a client's group is its ID's prefix), in ID order. */
export interface DocumentQuery {
  idPrefix?: string;
  offset?: number;
  limit?: number;
}

export interface ProjectionChanges {
  upserts?: { collection: string; id: string; document: JsonObject }[];
  deletes?: { collection: string; id: string }[];
}

/**
 * A named, time-limited claim (a dispatch partition, a live dispatcher). Times are epoch milliseconds from the
 * callers' clocks, so the processes sharing a store need clocks in step (NTP) to well within a lease's ttl.
 */
export interface Lease {
  name: string;
  owner: string;
  expiresAt: number;
}

/** The log itself: appends, reads, and a wake-up when something was appended. */
export interface EventLog {
  /** Appends atomically; throws WrongExpectedVersionError or DuplicateEventError and then writes nothing. */
  append(stream: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;

  /** Appends to several streams in one transaction (group commit): all or nothing. */
  appendMany(appends: StreamAppend[]): Promise<AppendResult[]>;

  /** The events of one stream in version order (empty when the stream does not exist). */
  readStream(stream: string, fromVersion?: number): Promise<RecordedEvent[]>;

  /** Events with position greater than `afterPosition`, in position order. */
  readAll(afterPosition: number, options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** The highest committed position (0 when the store is empty). */
  headPosition(): Promise<number>;

  /**
   * Calls `listener` soon after events are appended, by any process sharing the store
   * (PostgreSQL LISTEN/NOTIFY; SQLite polls the head position). Returns an unsubscribe function. With `filter`,
   * the store may leave it asleep for appends of this process that match none of the filter (dispatch's own
   * outcomes); an append of another process, or one that matches, always calls it.
   */
  onAppended(listener: () => void, filter?: ReadAllFilter): () => void;
}

/** How far each named reader of the log has got. */
export interface Checkpoints {
  /** Stored checkpoint of a named subscription (0 when none). */
  loadCheckpoint(name: string): Promise<number>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  /** Several checkpoints in one transaction. */
  saveCheckpoints(checkpoints: { name: string; position: number }[]): Promise<void>;
}

export interface Leases {
  /**
   * Takes or renews leases by compare-and-set: each named lease that is free, expired at `now`, or already
   * `owner`'s becomes `owner`'s until `now + ttlMs`; a lease another owner holds unexpired is left alone.
   * Returns the names `owner` holds afterwards, in the order asked.
   */
  acquireLeases(owner: string, names: string[], ttlMs: number, now: number): Promise<string[]>;
  /** Gives up `owner`'s leases of these names at once (another owner's are left alone). */
  releaseLeases(owner: string, names: string[]): Promise<void>;
  /** The leases whose name starts with `prefix`, expired ones included, ordered by name (byte order). */
  readLeases(prefix: string): Promise<Lease[]>;
}

/**
 * Read models. A projection's document changes and its checkpoint (a name as for `loadCheckpoint`) commit in
 * one transaction, so a projection replayed after a crash never applies an event twice.
 */
export interface Documents {
  commitProjection(
    name: string,
    position: number,
    changes: ProjectionChanges,
    /** When given, the commit happens only if the checkpoint is still this (else ProjectionConflictError). */
    expectedCheckpoint?: number,
  ): Promise<void>;
  /** The documents of a collection, ordered by ID (byte order, the same on every adapter). */
  readDocuments(collection: string, query?: DocumentQuery): Promise<StoredDocument[]>;
  /** How many documents the collection holds, only those whose ID starts with `idPrefix` when given. */
  countDocuments(collection: string, idPrefix?: string): Promise<number>;
  /** The documents with these IDs (those that exist), ordered by ID. */
  readDocumentsById(collection: string, ids: string[]): Promise<StoredDocument[]>;
  /** Drops a projection's checkpoint and the documents of its collections: it then rebuilds from the start. */
  resetProjection(name: string, collections: string[]): Promise<void>;
}

/**
 * Removal of old events (SPEC §9). Only events of the expiring streams (the store's `expiringStreamPrefixes`,
 * given when it is opened: presence and delivery events) are ever removed; every other event is kept forever.
 * A stream's version lives on in `streams`, so appends after a removal continue its sequence.
 */
export interface Retention {
  /**
   * Removes up to `limit` events of the expiring streams with position ≤ `through`, oldest first, in one short
   * transaction (writers are never held up for long); `remaining` says whether such events are left.
   */
  removeExpiredEvents(through: number, limit: number): Promise<{ removed: number; remaining: boolean }>;
  /** The highest position up to which expiring events may have been removed (0 when none ever were). */
  retentionHorizon(): Promise<number>;
}

/** A stream's version as `streams` holds it: it outlives the stream's events removed by retention. */
export interface StreamVersion {
  stream: string;
  version: number;
}

export interface StoredCheckpoint {
  name: string;
  position: number;
}

export interface CollectionDocument extends StoredDocument {
  collection: string;
}

/** Rows per table (leases aside), for a copy's checks. */
export interface StoreCounts {
  events: number;
  streams: number;
  checkpoints: number;
  documents: number;
}

/**
 * The raw tables besides the events (those are read with `readAll`), in the adapter's key order, in batches
 * after the last key of the previous batch, for copying a store to another (`npm run migrate-store`).
 */
export interface StoreExport {
  countRows(): Promise<StoreCounts>;
  exportStreams(afterStream: string, limit: number): Promise<StreamVersion[]>;
  exportCheckpoints(afterName: string, limit: number): Promise<StoredCheckpoint[]>;
  exportDocuments(after: { collection: string; id: string }, limit: number): Promise<CollectionDocument[]>;
}

export interface StoreImportRows {
  /** Kept as they are: position, stream, version, event ID (gaps in positions stay gaps). */
  events?: RecordedEvent[];
  streams?: StreamVersion[];
  checkpoints?: StoredCheckpoint[];
  documents?: CollectionDocument[];
}

/** Loading a copy into an empty store: rows as they are, then a seal. Only while no app uses the store. */
export interface StoreImport {
  /** Inserts the rows in one transaction. */
  importRows(rows: StoreImportRows): Promise<void>;
  /** Ends the copy: appends continue above `head`, and the retention horizon becomes `horizon`. */
  sealImport(head: number, horizon: number): Promise<void>;
}

/** The whole store, as an adapter implements it; a consumer that needs one concern takes that interface. */
export interface EventStore
  extends EventLog, Checkpoints, Leases, Documents, Retention, StoreExport, StoreImport {
  /** Which adapter this is, for logs: `sqlite:/path/events.db` or `postgres://host:port/db` (no password). */
  readonly description: string;

  close(): Promise<void>;
}
