import type pg from 'pg';
import { checkOut } from './postgres.connection.js';
import { planAppends, type AppendPlan } from '../append-plan.js';
import { DuplicateEventError } from '../errors.js';
import type { AppendResult, StreamAppend } from '../event-store.port.js';
import type { PostgresNames } from './postgres.names.js';
import {
  isExpiring,
  visibleEvents,
  type EventsLayout,
  type PartitionedAppends,
  type PartitionedLayout,
} from './postgres.layout.js';

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';

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
  partitioned?: PartitionedAppends,
): Promise<AppendResult[]> {
  refuseRepeatedIds(appends);
  try {
    return await attempt(pool, names, appends, partitioned);
  } catch (error) {
    if (!partitioned || !isMissingRange(error)) throw error;
    // The ranges ahead could not be made in time (their DDL waited on a long reader): make them now, once.
    const { rows } = await pool.query<{ last: string }>(
      `SELECT last_value AS last FROM ${names.positionSequence}`,
    );
    const events = appends.reduce((sum, append) => sum + append.events.length, 0);
    await partitioned.ranges.ensure([Number(rows[0].last) + 1, Number(rows[0].last) + events]);
    return attempt(pool, names, appends, partitioned);
  }
}

async function attempt(
  pool: pg.Pool,
  names: PostgresNames,
  appends: StreamAppend[],
  partitioned: PartitionedAppends | undefined,
): Promise<AppendResult[]> {
  const client = await checkOut(pool);
  let reusable = true;
  try {
    const results = await appendInTransaction(client, names, appends, partitioned);
    partitioned?.ranges.keepAhead(Math.max(0, ...results.map((result) => result.position)));
    return results;
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

async function appendInTransaction(
  client: pg.PoolClient,
  names: PostgresNames,
  appends: StreamAppend[],
  partitioned: PartitionedAppends | undefined,
) {
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${names.appendLockKey})`);
  const { versions, keptMax } = await currentVersions(client, names, appends, partitioned?.layout);
  const plan = planAppends(appends, (stream) => versions.get(stream) ?? 0);
  const positions = await insertEvents(client, names, plan, partitioned?.layout);
  if (partitioned) {
    const { layout, eventIds } = partitioned;
    const rows = plan.rows.map(({ stream, event }, row) => ({
      eventId: event.eventId,
      expiring: isExpiring(layout, stream),
      position: positions[row],
    }));
    await eventIds.check(client, rows, keptMax);
  }
  await updateStreams(client, names, plan);
  const results = await toResults(client, names, plan, positions, partitioned?.layout);
  // NOTIFY inside the transaction is delivered at commit, so a woken reader always finds the rows.
  await client.query(`SELECT pg_notify('${names.channel}', ''); COMMIT`);
  return results;
}

/**
 * The streams' versions; on the partitioned layout the same round trip reads the highest event ID of
 * events_kept, whose unique index does not cover the expiring events (postgres.event-ids.ts).
 */
async function currentVersions(
  client: pg.PoolClient,
  names: PostgresNames,
  appends: StreamAppend[],
  layout: PartitionedLayout | undefined,
) {
  const streams = [...new Set(appends.map((append) => append.stream))];
  const versions = `SELECT stream, version FROM ${names.streams} WHERE stream = ANY ($1::text[])`;
  // Named statements (fixed text) are parsed and planned once per connection: ~8% more appends per second.
  const { rows } = await client.query<{ stream: string | null; version: number | null }>({
    name: `${names.statementPrefix}_stream_versions${layout ? '_kept_max' : ''}`,
    text: layout ? `${versions} UNION ALL SELECT max(event_id), NULL FROM ${names.eventsKept}` : versions,
    values: [streams],
  });
  const keptMax = rows.find((row) => row.version === null)?.stream ?? undefined;
  const found = rows.flatMap((row) => (row.version === null ? [] : [[row.stream!, row.version] as const]));
  return { versions: new Map(found), keptMax };
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
  layout: PartitionedLayout | undefined,
): Promise<number[]> {
  const rows = plan.rows.map(({ stream, version, event }) => ({
    event_id: event.eventId,
    stream,
    version,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    ...(layout && { expiring: isExpiring(layout, stream) }),
  }));
  const [table, suffix] = layout ? insertTarget(names, rows) : [names.events, ''];
  const [column, type] = layout ? [', expiring', ', expiring boolean'] : ['', ''];
  const inserted = await client.query<{ position: string; event_id: string }>({
    name: `${names.statementPrefix}_insert_events${suffix}`,
    text: `INSERT INTO ${table} (event_id, stream, version, type, data, metadata${column})
           SELECT event_id, stream, version, type, data, metadata${column}
           FROM jsonb_to_recordset($1::jsonb)
             AS row (event_id text, stream text, version int, type text, data jsonb, metadata jsonb${type})
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
  layout: EventsLayout = { partitioned: false },
): Promise<AppendResult[]> {
  const results: AppendResult[] = [];
  for (const { stream, version, lastRow } of plan.results) {
    // An append without events only checks the version; report where the stream's last event is.
    const position =
      lastRow >= 0 ? positions[lastRow] : await positionOfVersion(client, names, layout, stream, version);
    results.push({ stream, version, position });
  }
  return results;
}

async function positionOfVersion(
  client: pg.PoolClient,
  names: PostgresNames,
  layout: EventsLayout,
  stream: string,
  version: number,
) {
  const { rows } = await client.query<{ position: string }>(
    `SELECT position FROM ${names.events} WHERE stream = $1 AND version = $2 AND ${visibleEvents(layout, names)}`,
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
  // events_event_id_unique on the plain layout, <table>_event_id_unique on each partition.
  if (violation.code !== UNIQUE_VIOLATION || !violation.constraint?.endsWith('event_id_unique')) return error;
  const { rows } = await client.query<{ event_id: string }>(
    `SELECT event_id FROM ${names.events} WHERE event_id = ANY ($1::text[]) LIMIT 1`,
    [appends.flatMap((append) => append.events.map((event) => event.eventId))],
  );
  return rows.length > 0 ? new DuplicateEventError(rows[0].event_id) : error;
}

/**
 * A batch of one half goes straight into that half: one routing step less per row, measured at 2–5 % of the
 * insert. A mixed batch goes through `events`, so its positions follow its rows' order.
 */
function insertTarget(names: PostgresNames, rows: { expiring?: boolean }[]): [string, string] {
  if (rows.every((row) => row.expiring)) return [names.eventsExpiring, '_expiring'];
  if (rows.every((row) => !row.expiring)) return [names.eventsKept, '_kept'];
  return [names.events, '_partitioned'];
}

/** The same event ID twice in one call: refused as a whole, as a stored one would be. */
function refuseRepeatedIds(appends: StreamAppend[]): void {
  const seen = new Set<string>();
  for (const event of appends.flatMap((append) => append.events)) {
    if (seen.has(event.eventId)) throw new DuplicateEventError(event.eventId);
    seen.add(event.eventId);
  }
}

function isMissingRange(error: unknown): boolean {
  const failure = error as Partial<pg.DatabaseError>;
  return failure.code === CHECK_VIOLATION && /no partition of relation/.test(failure.message ?? '');
}
