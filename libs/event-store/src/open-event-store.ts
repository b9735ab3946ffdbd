import type { EventStore } from './event-store.port.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres.event-store.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite.event-store.js';

export type OpenEventStoreOptions = SqliteEventStoreOptions &
  Omit<PostgresEventStoreOptions, 'connectionString'>;

/**
 * Opens the store named by `url`:
 * - `postgres://…` or `postgresql://…`: PostgreSQL (`?schema=name` or `options.schema`, `poolSize`… from `options`);
 * - `sqlite:<path>` (also `sqlite://<path>`) or a plain file path: SQLite, file and folders created if missing.
 */
export async function openEventStore(url: string, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // `?schema=name` keeps several deployments (or test runs) apart in one database.
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    return PostgresEventStore.connect({
      ...options,
      ...(schema && { schema }),
      connectionString: parsed.toString(),
    });
  }
  if (/^sqlite:/i.test(url)) {
    return SqliteEventStore.open(sqlitePath(url), options);
  }
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(url);
  if (scheme) {
    // Report the scheme only: the rest of the URL may hold a password.
    throw new Error(
      `unsupported event store URL scheme "${scheme[1]}:" (use postgres://, sqlite: or a file path)`,
    );
  }
  if (url.trim() === '') throw new Error('the event store URL is empty');
  return SqliteEventStore.open(url, options);
}

/** The SQLite file a store URL names; undefined for PostgreSQL. */
export function sqliteFileOf(url: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(url)) return undefined;
  return /^sqlite:/i.test(url) ? sqlitePath(url) : url;
}

/** `sqlite:data/events.db` and `sqlite:/abs/events.db`, and the URL-style `sqlite:///abs/events.db`. */
function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length);
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') throw new Error('sqlite: URL without a file path');
  return path;
}
