import type pg from 'pg';
import { inTransaction } from './postgres.connection.js';
import type { PostgresNames } from './postgres.names.js';
import { createRange } from './postgres.ranges.js';
import { adoptPrefixes, DEFAULT_RANGE_EVENTS, readLayout, type EventsLayout } from './postgres.layout.js';

type NewStoreLayout =
  { partitioned: false } | { partitioned: true; rangeEvents: number; prefixes: readonly string[] };

const TABLES = ['events', 'streams', 'checkpoints', 'documents', 'leases', 'retention'];

/**
 * Creates the schema and tables when missing. Skipped entirely when the tables exist, so a role without
 * CREATE privileges can use a schema prepared by an administrator. Several processes may start at once: the
 * append lock serialises their DDL (concurrent CREATE ... IF NOT EXISTS can otherwise fail on a catalog race).
 */
export async function ensureSchema(
  pool: pg.Pool,
  names: PostgresNames,
  partitions: false | { rangeEvents?: number } = {},
  prefixes: readonly string[] = [],
): Promise<EventsLayout> {
  await ensureTables(
    pool,
    names,
    partitions === false
      ? { partitioned: false }
      : { partitioned: true, rangeEvents: partitions.rangeEvents ?? DEFAULT_RANGE_EVENTS, prefixes },
  );
  const layout = await readLayout(pool, names);
  return layout.partitioned ? adoptPrefixes(pool, names, layout, prefixes) : layout;
}

async function ensureTables(pool: pg.Pool, names: PostgresNames, layout: NewStoreLayout): Promise<void> {
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
      const found = await client.query('SELECT 1 FROM pg_class WHERE oid = to_regclass($1)', [names.events]);
      if (found.rowCount === 0 && layout.partitioned) await createPartitioned(client, names, layout);
      await client.query(tablesDdl(names));
    },
    `BEGIN; SELECT pg_advisory_xact_lock(${names.appendLockKey})`,
  );
}

/**
 * Decision 16: `events` split by `expiring` into events_kept and events_expiring, the latter by position range
 * (the first three made here). No index spans the partitions: each table has its own primary key on `position`
 * (a key on the parent would have to hold `expiring` too, a wider index for nothing) and unique indexes, and
 * postgres.event-ids.ts checks event IDs across them. `position` comes from a sequence (an identity column on
 * a partitioned table needs PostgreSQL 17); event IDs are byte-ordered so that the bounds of a range compare
 * in the adapter as in the index.
 */
async function createPartitioned(
  client: pg.PoolClient,
  names: PostgresNames,
  { rangeEvents, prefixes }: { rangeEvents: number; prefixes: readonly string[] },
): Promise<void> {
  const { events, eventsKept, eventsExpiring, positionSequence, layout, ranges } = names;
  await client.query(`
    CREATE SEQUENCE ${positionSequence};
    CREATE TABLE ${events} (
      position BIGINT NOT NULL DEFAULT nextval('${positionSequence}'),
      event_id TEXT COLLATE "C" NOT NULL,
      stream TEXT NOT NULL,
      version INTEGER NOT NULL,
      type TEXT NOT NULL,
      data JSONB NOT NULL,
      metadata JSONB NOT NULL,
      expiring BOOLEAN NOT NULL
    ) PARTITION BY LIST (expiring);
    ALTER SEQUENCE ${positionSequence} OWNED BY ${events}.position;
    CREATE TABLE ${eventsKept} PARTITION OF ${events} FOR VALUES IN (false);
    ALTER TABLE ${eventsKept} ADD PRIMARY KEY (position), ADD CONSTRAINT events_kept_event_id_unique UNIQUE (event_id),
      ADD CONSTRAINT events_kept_stream_version_unique UNIQUE (stream, version);
    CREATE TABLE ${eventsExpiring} PARTITION OF ${events} FOR VALUES IN (true) PARTITION BY RANGE (position);
    CREATE TABLE ${layout} (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      range_events BIGINT NOT NULL CHECK (range_events > 0),
      expiring_prefixes TEXT[] NOT NULL
    );
    CREATE TABLE ${ranges} (
      first_position BIGINT PRIMARY KEY,
      min_event_id TEXT COLLATE "C",
      max_event_id TEXT COLLATE "C"
    );`);
  await client.query(`INSERT INTO ${layout} VALUES (1, $1, $2)`, [rangeEvents, [...prefixes]]);
  for (let first = 1; first <= 3 * rangeEvents; first += rangeEvents) {
    await createRange(client, names, first, rangeEvents);
  }
}

/*
 * `position` comes from an identity column (plain layout; a sequence in the partitioned one); positions are assigned under the append lock, so they also commit
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
