import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const MEMORY = ':memory:';

/*
 * `streams` holds each stream's current version, so the optimistic check and version assignment for
 * `expectedVersion: 'any'` read one row instead of scanning `events`.
 * `retention` holds the one horizon row: removed events leave no trace in `events`, so the head position is
 * never reported below it.
 * No index on `type`: subscriptions read forward from their checkpoint by position, so a type index would
 * rarely be used, while every extra index costs WAL writes on the append path (perf-limits.md §3a).
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    version INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (stream, version)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS checkpoints (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS retention (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    horizon INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) WITHOUT ROWID;
`;

/**
 * Opens (and creates when missing) the event database at `path`. Several processes may open the same file:
 * WAL lets readers run beside the single writer, and the busy timeout makes a writer wait for another
 * process's transaction instead of failing with SQLITE_BUSY. `synchronous = FULL` makes every commit durable
 * (fsync per transaction), which group commit keeps cheap. New files vacuum incrementally, so the pages retention
 * frees go back to the file system (sqlite.retention.ts).
 */
export function openSqliteDatabase(path: string): Database.Database {
  if (path !== MEMORY) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5000 });
  try {
    // Only takes effect in a file without tables yet (a new store); an older file keeps its mode until a VACUUM.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // IMMEDIATE: two processes creating the schema at once queue on the write lock instead of racing.
    db.transaction(() => db.exec(SCHEMA)).immediate();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
