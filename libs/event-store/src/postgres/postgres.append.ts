import type pg from 'pg';
import { checkOut } from './postgres.connection.js';
import { planAppends, type AppendPlan } from '../append-plan.js';
import { DuplicateEventError } from '../errors.js';
import type { AppendResult, StreamAppend } from '../event-store.port.js';
import type { PostgresNames } from './postgres.names.js';

const UNIQUE_VIOLATION = '23505';

/**
 * Appends a batch in one transaction. Every append first takes the schema's transaction-level advisory lock,
 * so one transaction at a time assigns positions and it commits before the next one starts. Without it, a
 * transaction holding a lower position could commit after one holding a higher position, and a reader that
 * had already moved past the higher one would skip the late row forever (DESIGN.md, perf-limits.md §3b).
 * Batches keep the single appender fast: the lock is taken once per batch, not per event.
 */
export async function appendBatch(
  pool: pg.Pool,
  names: PostgresNames,
  appends: StreamAppend[],
): Promise<AppendResult[]> {
  const client = await checkOut(pool);
  let reusable = true;
  try {
    return await appendInTransaction(client, names, appends);
  } catch (error) {
    reusable = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw reusable ? await duplicateOr(client, names, appends, error) : error;
  } finally {
    // A connection that cannot even roll back is broken: destroy it instead of returning it to the pool.
    client.release(!reusable);
  }
}

async function appendInTransaction(client: pg.PoolClient, names: PostgresNames, appends: StreamAppend[]) {
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${names.appendLockKey})`);
  const versions = await currentVersions(client, names, appends);
  const plan = planAppends(appends, (stream) => versions.get(stream) ?? 0);
  const positions = await insertEvents(client, names, plan);
  await updateStreams(client, names, plan);
  const results = await toResults(client, names, plan, positions);
  // NOTIFY inside the transaction is delivered at commit, so a woken reader always finds the rows.
  await client.query(`SELECT pg_notify('${names.channel}', ''); COMMIT`);
  return results;
}

async function currentVersions(client: pg.PoolClient, names: PostgresNames, appends: StreamAppend[]) {
  const streams = [...new Set(appends.map((append) => append.stream))];
  // Named statements (fixed text) are parsed and planned once per connection: ~8% more appends per second.
  const { rows } = await client.query<{ stream: string; version: number }>({
    name: `${names.statementPrefix}_stream_versions`,
    text: `SELECT stream, version FROM ${names.streams} WHERE stream = ANY ($1::text[])`,
    values: [streams],
  });
  return new Map(rows.map((row) => [row.stream, row.version]));
}

/**
 * One named INSERT per batch whatever its size: the rows travel as a single JSON array that PostgreSQL expands
 * with jsonb_to_recordset, so the statement is parsed and planned once per connection and the client does one
 * JSON.stringify instead of escaping thousands of parameters. Returns positions in row order.
 */
async function insertEvents(
  client: pg.PoolClient,
  names: PostgresNames,
  plan: AppendPlan,
): Promise<number[]> {
  const rows = plan.rows.map(({ stream, version, event }) => ({
    event_id: event.eventId,
    stream,
    version,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  }));
  const inserted = await client.query<{ position: string; event_id: string }>({
    name: `${names.statementPrefix}_insert_events`,
    text: `INSERT INTO ${names.events} (event_id, stream, version, type, data, metadata)
           SELECT event_id, stream, version, type, data, metadata
           FROM jsonb_to_recordset($1::jsonb)
             AS row (event_id text, stream text, version int, type text, data jsonb, metadata jsonb)
           RETURNING position, event_id`,
    values: [JSON.stringify(rows)],
  });
  // RETURNING order is not documented to follow the input order, so match the rows by event ID.
  const byEventId = new Map(inserted.rows.map((row) => [row.event_id, Number(row.position)]));
  return plan.rows.map(({ event }) => byEventId.get(event.eventId) ?? 0);
}

async function updateStreams(client: pg.PoolClient, names: PostgresNames, plan: AppendPlan): Promise<void> {
  if (plan.streamVersions.size === 0) return;
  await client.query({
    name: `${names.statementPrefix}_update_streams`,
    text: `INSERT INTO ${names.streams} (stream, version)
           SELECT * FROM unnest($1::text[], $2::int[])
           ON CONFLICT (stream) DO UPDATE SET version = excluded.version`,
    values: [[...plan.streamVersions.keys()], [...plan.streamVersions.values()]],
  });
}

async function toResults(
  client: pg.PoolClient,
  names: PostgresNames,
  plan: AppendPlan,
  positions: number[],
): Promise<AppendResult[]> {
  const results: AppendResult[] = [];
  for (const { stream, version, lastRow } of plan.results) {
    // An append without events only checks the version; report where the stream's last event is.
    const position =
      lastRow >= 0 ? positions[lastRow] : await positionOfVersion(client, names, stream, version);
    results.push({ stream, version, position });
  }
  return results;
}

async function positionOfVersion(
  client: pg.PoolClient,
  names: PostgresNames,
  stream: string,
  version: number,
) {
  const { rows } = await client.query<{ position: string }>(
    `SELECT position FROM ${names.events} WHERE stream = $1 AND version = $2`,
    [stream, version],
  );
  return rows.length > 0 ? Number(rows[0].position) : 0;
}

/** Turns a unique violation on the event ID into DuplicateEventError, naming the stored event. */
async function duplicateOr(
  client: pg.PoolClient,
  names: PostgresNames,
  appends: StreamAppend[],
  error: unknown,
) {
  const violation = error as Partial<pg.DatabaseError>;
  if (violation.code !== UNIQUE_VIOLATION || violation.constraint !== 'events_event_id_unique') return error;
  const { rows } = await client.query<{ event_id: string }>(
    `SELECT event_id FROM ${names.events} WHERE event_id = ANY ($1::text[]) LIMIT 1`,
    [appends.flatMap((append) => append.events.map((event) => event.eventId))],
  );
  return rows.length > 0 ? new DuplicateEventError(rows[0].event_id) : error;
}
