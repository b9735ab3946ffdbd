import pg from 'pg';
import { AppendListeners } from '../append-listeners.js';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  Lease,
  NewEvent,
  ProjectionChanges,
  ReadAllOptions,
  RecordedEvent,
  StoredDocument,
  DocumentQuery,
  StreamAppend,
  CollectionDocument,
  StoreCounts,
  StoreImportRows,
  StoredCheckpoint,
  StreamVersion,
} from '../event-store.port.js';
import { appendBatch } from './postgres.append.js';
import { partitionedAppends, type EventsLayout, type PartitionedAppends } from './postgres.layout.js';
import { describePostgres } from './postgres.description.js';
import { postgresNames, type PostgresNames } from './postgres.names.js';
import { NotificationListener } from './postgres.notifications.js';
import { prefixPattern, readQueries, toRecordedEvent, type EventRow } from './postgres.queries.js';
import { PostgresDocuments } from './postgres.documents.js';
import { PostgresLeases } from './postgres.leases.js';
import { PostgresRetention } from './postgres.retention.js';
import { PostgresTransfer } from './postgres.transfer.js';
import { ensureSchema } from './postgres.schema.js';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Schema holding the tables, created when missing (default `public`). */
  schema?: string;
  /** Pool size (default 10). */
  poolSize?: number;
  /** Fallback poll for `onAppended`, in case a notification is lost (default 1000 ms). */
  fallbackPollMs?: number;
  /** Background failures (idle pool connections, the LISTEN connection); the store recovers by itself. */
  onBackgroundError?: (error: Error) => void;
  /** A position range not made or dropped yet (its lock busy), tried again after `rangeRetryMs` (10 s). */
  onRangeDeferred?: (error: Error) => void;
  rangeRetryMs?: number;
  /** Streams whose events retention may remove (presence and delivery); every other stream is kept forever. */
  expiringStreamPrefixes?: readonly string[];
  /** A new store's layout (decision 16): ranges of `rangeEvents` (10 M), or `false` for the plain table. */
  partitions?: false | { rangeEvents?: number };
}

/** The production event store on PostgreSQL, through a `pg` pool. */
export class PostgresEventStore implements EventStore {
  readonly description: string;
  private readonly queries: ReturnType<typeof readQueries>;
  private readonly listeners: AppendListeners;
  private readonly notifications: NotificationListener;
  private readonly documents: PostgresDocuments;
  private readonly leases: PostgresLeases;
  private readonly retention: PostgresRetention;
  private readonly transfer: PostgresTransfer;
  private readonly partitioned: PartitionedAppends | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly names: PostgresNames,
    layout: EventsLayout,
    options: PostgresEventStoreOptions,
  ) {
    const onError = options.onBackgroundError ?? (() => undefined);
    this.description = describePostgres(options.connectionString, names.schema);
    this.queries = readQueries(names, layout);
    this.documents = new PostgresDocuments(pool, names);
    this.leases = new PostgresLeases(pool, names);
    const { onRangeDeferred = onError, rangeRetryMs, expiringStreamPrefixes = [] } = options;
    this.partitioned = partitionedAppends(pool, names, layout, onRangeDeferred, rangeRetryMs);
    this.retention = new PostgresRetention(pool, names, expiringStreamPrefixes, this.partitioned?.ranges);
    this.transfer = new PostgresTransfer(pool, names, this.partitioned);
    this.notifications = new NotificationListener({
      connectionString: options.connectionString,
      channel: names.channel,
      applicationName: `event-store-listen ${names.schema}`.slice(0, 63),
      onNotification: () => this.listeners.wake(),
      onError,
    });
    // LISTEN only while someone listens; the poll is the slow safety net behind it.
    this.listeners = new AppendListeners({
      readHead: () => this.headPosition(),
      pollIntervalMs: options.fallbackPollMs ?? 1000,
      onActiveChange: (active) => (active ? this.notifications.start() : void this.notifications.stop()),
    });
  }

  /** Connects and creates the schema if missing. */
  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const names = postgresNames(options.schema ?? 'public');
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection dropped by the server emits 'error' on the pool; unhandled, it would crash the process.
    pool.on('error', (error) => options.onBackgroundError?.(error));
    try {
      const layout = await ensureSchema(
        pool,
        names,
        options.partitions,
        options.expiringStreamPrefixes ?? [],
      );
      return new PostgresEventStore(pool, names, layout, options);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async append(stream: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, events, expectedVersion }]);
    return result;
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    return appendBatch(this.pool, this.names, appends, this.partitioned);
  }

  async readStream(stream: string, fromVersion = 1): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>({
      ...this.queries.readStream,
      values: [stream, fromVersion],
    });
    return rows.map(toRecordedEvent);
  }

  async readAll(afterPosition: number, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { filter = {}, limit = 1000, toPosition = Number.MAX_SAFE_INTEGER } = options;
    const patterns = filter.streamPrefixes?.map(prefixPattern) ?? null;
    const values = [afterPosition, toPosition, patterns, filter.types ?? null, limit];
    const { rows } = await this.pool.query<EventRow>({ ...this.queries.readAll, values });
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ head: string }>(this.queries.head);
    return Number(rows[0].head);
  }

  async loadCheckpoint(name: string): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>({
      ...this.queries.loadCheckpoint,
      values: [name],
    });
    return rows.length > 0 ? Number(rows[0].position) : 0;
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.pool.query({ ...this.queries.saveCheckpoint, values: [name, position] });
  }

  async saveCheckpoints(checkpoints: { name: string; position: number }[]): Promise<void> {
    await this.leases.saveCheckpoints(checkpoints);
  }

  async acquireLeases(owner: string, names: string[], ttlMs: number, now: number): Promise<string[]> {
    return this.leases.acquire(owner, names, ttlMs, now);
  }

  async releaseLeases(owner: string, names: string[]): Promise<void> {
    await this.leases.release(owner, names);
  }

  async readLeases(prefix: string): Promise<Lease[]> {
    return this.leases.read(prefix);
  }

  onAppended(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async commitProjection(
    name: string,
    position: number,
    changes: ProjectionChanges,
    expectedCheckpoint?: number,
  ): Promise<void> {
    await this.documents.commit(name, position, changes, expectedCheckpoint);
  }

  async readDocuments(collection: string, query?: DocumentQuery): Promise<StoredDocument[]> {
    return this.documents.read(collection, query);
  }

  async countDocuments(collection: string, idPrefix?: string): Promise<number> {
    return this.documents.countOf(collection, idPrefix);
  }

  async readDocumentsById(collection: string, ids: string[]): Promise<StoredDocument[]> {
    return this.documents.readById(collection, ids);
  }

  async resetProjection(name: string, collections: string[]): Promise<void> {
    await this.documents.reset(name, collections);
  }

  async removeExpiredEvents(
    through: number,
    limit: number,
  ): Promise<{ removed: number; remaining: boolean }> {
    return this.retention.removeExpired(through, limit);
  }

  async retentionHorizon(): Promise<number> {
    return this.retention.horizon();
  }

  async countRows(): Promise<StoreCounts> {
    return this.transfer.countRows();
  }

  async exportStreams(afterStream: string, limit: number): Promise<StreamVersion[]> {
    return this.transfer.exportStreams(afterStream, limit);
  }

  async exportCheckpoints(afterName: string, limit: number): Promise<StoredCheckpoint[]> {
    return this.transfer.exportCheckpoints(afterName, limit);
  }

  async exportDocuments(
    after: { collection: string; id: string },
    limit: number,
  ): Promise<CollectionDocument[]> {
    return this.transfer.exportDocuments(after, limit);
  }

  async importRows(rows: StoreImportRows): Promise<void> {
    await this.transfer.importRows(rows);
  }

  async sealImport(head: number, horizon: number): Promise<void> {
    await this.transfer.sealImport(head, horizon);
  }

  async close(): Promise<void> {
    this.listeners.close();
    await this.notifications.stop();
    if (!this.pool.ended) await this.pool.end();
  }
}
