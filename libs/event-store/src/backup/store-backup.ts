import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { sqliteFileOf } from '../open-event-store.js';
import type { StoreCopySummary } from './backup-refused.js';
import { backupPostgresStore } from './postgres.backup.js';
import { restorePostgresStore } from './postgres.restore.js';
import { backupSqliteStore } from './sqlite.backup.js';
import { restoreSqliteStore } from './sqlite.restore.js';

export { BackupRefusedError, type StoreCopySummary } from './backup-refused.js';

export interface StoreRestore extends StoreCopySummary {
  /** Where the store that was in place is kept: a file (SQLite) or a schema (PostgreSQL). */
  movedAside?: string;
}

type StoreLocation =
  { adapter: 'sqlite'; file: string } | { adapter: 'postgres'; connectionString: string; schema: string };

/** The store a URL of `openEventStore` names. */
export function storeLocation(url: string): StoreLocation {
  const file = sqliteFileOf(url);
  if (file !== undefined) return { adapter: 'sqlite', file: resolve(file) };
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') || 'public';
  parsed.searchParams.delete('schema');
  return { adapter: 'postgres', connectionString: parsed.toString(), schema };
}

/** A consistent copy of the live store at `url` in `destination`: a SQLite file, or a pg_dump archive. */
export async function backupStore(
  url: string,
  destination: string,
  options: { force?: boolean } = {},
): Promise<StoreCopySummary> {
  const store = storeLocation(url);
  const file = resolve(destination);
  return store.adapter === 'sqlite'
    ? backupSqliteStore(store.file, file, options)
    : backupPostgresStore(store.connectionString, store.schema, file, options);
}

/** Puts the backup `file` in place of the store at `url`, the store in place kept aside. Apps stopped. */
export async function restoreStore(url: string, file: string): Promise<StoreRestore> {
  const store = storeLocation(url);
  return store.adapter === 'sqlite'
    ? restoreSqliteStore(resolve(file), store.file)
    : restorePostgresStore(store.connectionString, store.schema, resolve(file));
}

/** Whether there is a store at `url` (without creating one, as opening it would). */
export async function storeExists(url: string): Promise<boolean> {
  const store = storeLocation(url);
  if (store.adapter === 'sqlite') return existsSync(store.file);
  const client = new pg.Client({ connectionString: store.connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [
      store.schema,
      'leases',
    ]);
    return found.rowCount !== 0;
  } finally {
    await client.end();
  }
}
