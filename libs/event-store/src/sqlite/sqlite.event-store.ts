import type Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { AppendListeners } from '../append-listeners.js';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  Lease,
  NewEvent,
  ProjectionChanges,
  ReadAllFilter,
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
import { SqliteAppendWorker } from './sqlite.append-worker.js';
import { SqliteDocuments } from './sqlite.documents.js';
import { SqliteLeases } from './sqlite.leases.js';
import { SqliteRetention, type AutoVacuum } from './sqlite.retention.js';
import { SqliteTransfer } from './sqlite.transfer.js';
import * as sql from './sqlite.operations.js';
import { MEMORY, openSqliteDatabase } from './sqlite.schema.js';
import { prepareStatements, type SqliteStatements } from './sqlite.statements.js';

/** After a removal batch, how long the write lock is left to the appenders (see removeExpiredEvents). */
const WRITER_WINDOW_MS = 100;

export interface SqliteEventStoreOptions {
  /** How often `onAppended` looks for events appended by other processes (default 10 ms: a wake-up within 10 ms keeps dispatch's p99 latency low). */
  pollIntervalMs?: number;
  /**
   * Appends and checkpoint saves (their writes and fsync) run on a worker thread with its own connection, so this
   * process's event loop never waits on the disk; everything else stays on the main connection. For a process
   * that mostly appends and must stay responsive meanwhile (presence-ingest, dispatch); not for `:memory:`, which
   * one connection alone can see.
   * `script`: the compiled thread module, when running from the TypeScript sources (tests).
   */
  appendThread?: { script?: URL };
  /** Streams whose events retention may remove (presence and delivery); every other stream is kept forever. */
  expiringStreamPrefixes?: readonly string[];
}

/**
 * The embedded event store: one SQLite file in WAL mode, shareable by several processes. The methods are
 * async although better-sqlite3 is synchronous, so callers are ready for the writes to move to a worker thread.
 * SQLite has one writer at a time and commits positions in order, so reading by position never skips a row.
 */
export class SqliteEventStore implements EventStore {
  readonly description: string;
  private readonly listeners: AppendListeners;
  private readonly documents: SqliteDocuments;
  private readonly leases: SqliteLeases;
  private readonly retention: SqliteRetention;
  private readonly transfer: SqliteTransfer;
  private readonly appendWorker: SqliteAppendWorker | undefined;

  private constructor(
    path: string,
    private readonly db: Database.Database,
    private readonly statements: SqliteStatements,
    options: SqliteEventStoreOptions,
  ) {
    this.description = `sqlite:${path}`;
    if (options.appendThread) {
      if (path === MEMORY) throw new Error('a :memory: SQLite store cannot append from another thread');
      this.appendWorker = new SqliteAppendWorker(path, options.appendThread.script);
    }
    this.documents = new SqliteDocuments(db);
    this.leases = new SqliteLeases(db);
    this.retention = new SqliteRetention(db, options.expiringStreamPrefixes ?? []);
    this.transfer = new SqliteTransfer(db);
    this.listeners = new AppendListeners({
      readHead: async () => sql.headPosition(this.statements),
      pollIntervalMs: options.pollIntervalMs ?? 10,
    });
  }

  /** Opens the store at `path` (`:memory:` for a private in-memory store), creating file and schema if needed. */
  static async open(path: string, options: SqliteEventStoreOptions = {}): Promise<SqliteEventStore> {
    const fullPath = path === MEMORY ? path : resolve(path);
    const db = openSqliteDatabase(fullPath);
    return new SqliteEventStore(fullPath, db, prepareStatements(db), options);
  }

  async append(stream: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, events, expectedVersion }]);
    return result;
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    const results = this.appendWorker
      ? await this.appendWorker.append(appends)
      : sql.appendEvents(this.statements, appends);
    const events = appends.flatMap(({ stream, events }) => events.map(({ type }) => ({ stream, type })));
    if (events.length > 0) {
      // Wake this process's subscribers now rather than at the next poll (which then does not wake them again
      // for the same events). One writer at a time: the positions of one transaction follow each other.
      const last = results.reduce((head, result) => Math.max(head, result.position), 0);
      this.listeners.appended(last - events.length + 1, last, events);
    }
    return results;
  }

  async readStream(stream: string, fromVersion = 1): Promise<RecordedEvent[]> {
    return sql.readStream(this.statements, stream, fromVersion);
  }

  async readAll(afterPosition: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return sql.readAll(this.statements, afterPosition, options);
  }

  async headPosition(): Promise<number> {
    return sql.headPosition(this.statements);
  }

  async loadCheckpoint(name: string): Promise<number> {
    return sql.loadCheckpoint(this.statements, name);
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.saveCheckpoints([{ name, position }]);
  }

  async saveCheckpoints(checkpoints: { name: string; position: number }[]): Promise<void> {
    // On the append thread too, when there is one: a checkpoint's fsync does not stall the event loop, and the
    // process's two connections do not wait on each other's write lock (the busy handler sleeps the waiter).
    if (this.appendWorker) await this.appendWorker.saveCheckpoints(checkpoints);
    else sql.saveCheckpoints(this.statements, checkpoints);
  }

  async acquireLeases(owner: string, names: string[], ttlMs: number, now: number): Promise<string[]> {
    return this.leases.acquire(owner, names, ttlMs, now);
  }

  async releaseLeases(owner: string, names: string[]): Promise<void> {
    this.leases.releaseAll(owner, names);
  }

  async readLeases(prefix: string): Promise<Lease[]> {
    return this.leases.read(prefix);
  }

  onAppended(listener: () => void, filter?: ReadAllFilter): () => void {
    return this.listeners.add(listener, filter);
  }

  async commitProjection(
    name: string,
    position: number,
    changes: ProjectionChanges,
    expectedCheckpoint?: number,
  ): Promise<void> {
    this.documents.commit(name, position, changes, expectedCheckpoint);
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
    this.documents.reset(name, collections);
  }

  async removeExpiredEvents(
    through: number,
    limit: number,
  ): Promise<{ removed: number; remaining: boolean }> {
    const removal = this.retention.removeExpired(through, limit);
    // A writer waiting for the lock retries after sleeping up to 100 ms (SQLite's busy handler): leave it that
    // long before the caller's next batch takes the lock again, or back-to-back batches starve it.
    if (removal.removed > 0) await new Promise((resolve) => setTimeout(resolve, WRITER_WINDOW_MS));
    return removal;
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
    this.transfer.importRows(rows);
  }

  async sealImport(head: number, horizon: number): Promise<void> {
    this.transfer.sealImport(head, horizon);
  }

  /**
   * Whether removed events give their space back: `incremental` for files this version created. A file made
   * before (`none`) reuses freed pages but never shrinks until the operator runs, once, with the apps stopped:
   * `sqlite3 events.db 'PRAGMA auto_vacuum = INCREMENTAL; VACUUM;'` (needs free disk as large as the file).
   */
  autoVacuum(): AutoVacuum {
    return this.retention.autoVacuum();
  }

  async close(): Promise<void> {
    this.listeners.close();
    await this.appendWorker?.close();
    if (this.db.open) this.db.close();
  }
}
