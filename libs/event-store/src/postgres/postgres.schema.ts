import type pg from 'pg';
import { inTransaction } from './postgres.connection.js';
import type { PostgresNames } from './postgres.names.js';

const TABLES = ['events', 'streams', 'checkpoints', 'documents', 'leases', 'retention'];

/**
 * Creates the schema and tables when missing. Skipped entirely when the tables exist, so a role without
 * CREATE privileges can use a schema prepared by an administrator. Several processes may start at once: the
 * append lock serialises their DDL (concurrent CREATE ... IF NOT EXISTS can otherwise fail on a catalog race).
 */
export async function ensureSchema(pool: pg.Pool, names: PostgresNames): Promise<void> {
  const existing = await pool.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM pg_tables WHERE schemaname = $1 AND tablename = ANY ($2::text[])',
    [names.schema, TABLES],
  );
  if (existing.rows[0].count === TABLES.length) return;

  await inTransaction(
    pool,
    async (client) => {
      const schemaFound = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schema]);
      if (schemaFound.rowCount === 0) await client.query(`CREATE SCHEMA "${names.schema}"`);
      await client.query(tablesDdl(names));
    },
    `BEGIN; SELECT pg_advisory_xact_lock(${names.appendLockKey})`,
  );
}

/*
 * `position` comes from an identity column; positions are assigned under the append lock, so they also commit
 * in order (see postgres.append.ts). `streams` holds each stream's current version for the optimistic check.
 * No index on `type`: readers scan forward by position, and each index slows every append.
 */
function tablesDdl({ events, streams, checkpoints, documents, leases, retention }: PostgresNames): string {
  return `
    CREATE TABLE IF NOT EXISTS ${events} (
      position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id TEXT NOT NULL,
      stream TEXT NOT NULL,
      version INTEGER NOT NULL,
      type TEXT NOT NULL,
      data JSONB NOT NULL,
      metadata JSONB NOT NULL,
      CONSTRAINT events_event_id_unique UNIQUE (event_id),
      CONSTRAINT events_stream_version_unique UNIQUE (stream, version)
    );
    CREATE TABLE IF NOT EXISTS ${streams} (
      stream TEXT PRIMARY KEY,
      version INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${checkpoints} (
      name TEXT PRIMARY KEY,
      position BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${documents} (
      collection TEXT NOT NULL,
      -- Byte order, whatever the database's collation: ID prefixes are scanned as ranges of the key.
      id TEXT COLLATE "C" NOT NULL,
      document JSONB NOT NULL,
      PRIMARY KEY (collection, id)
    );
    CREATE TABLE IF NOT EXISTS ${leases} (
      name TEXT COLLATE "C" PRIMARY KEY,
      owner TEXT NOT NULL,
      expires_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${retention} (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      horizon BIGINT NOT NULL
    );
    -- A store made before documents were read by ID prefix keeps the database's collation: byte order it is.
    ALTER TABLE ${documents} ALTER COLUMN id TYPE TEXT COLLATE "C";`;
}
