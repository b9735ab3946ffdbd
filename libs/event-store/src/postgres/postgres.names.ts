import { createHash } from 'node:crypto';

/** Everything the adapter derives from the schema name: qualified tables, lock key, channel, statement names. */
export interface PostgresNames {
  schema: string;
  events: string;
  streams: string;
  checkpoints: string;
  documents: string;
  leases: string;
  /** The one-row table holding the retention horizon. */
  retention: string;
  /** Partitioned layout (decision 16): the halves of `events`, its position sequence and its bookkeeping. */
  eventsKept: string;
  eventsExpiring: string;
  positionSequence: string;
  /** One row: the size of a position range and the expiring stream prefixes the store was made with. */
  layout: string;
  /** Event-ID bounds of the closed position ranges, for the duplicate check (postgres.event-ids.ts). */
  ranges: string;
  /** The range table holding positions `first` to `first + size - 1`, unquoted and qualified. */
  rangeTable(first: number): { name: string; qualified: string };
  /** Key of the transaction-level advisory lock every append takes (a signed 64-bit integer, as text). */
  appendLockKey: string;
  /** LISTEN/NOTIFY channel on which appends are announced. */
  channel: string;
  /** Prefix of named prepared statements; differs per schema because statement text names the tables. */
  statementPrefix: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function postgresNames(schema: string): PostgresNames {
  if (!IDENTIFIER.test(schema)) {
    throw new Error(`PostgreSQL schema name "${schema}" must be letters, digits and _ (at most 63)`);
  }
  const tag = schemaDigest(schema).subarray(8, 16).toString('hex');
  const quoted = `"${schema}"`;
  return {
    schema,
    events: `${quoted}.events`,
    streams: `${quoted}.streams`,
    checkpoints: `${quoted}.checkpoints`,
    documents: `${quoted}.documents`,
    leases: `${quoted}.leases`,
    retention: `${quoted}.retention`,
    eventsKept: `${quoted}.events_kept`,
    eventsExpiring: `${quoted}.events_expiring`,
    positionSequence: `${quoted}.events_position_seq`,
    layout: `${quoted}.event_layout`,
    ranges: `${quoted}.event_ranges`,
    rangeTable: (first) => ({ name: `events_from_${first}`, qualified: `${quoted}.events_from_${first}` }),
    appendLockKey: appendLockKey(schema),
    channel: `event_store_${tag}`,
    statementPrefix: `event_store_${tag}`,
  };
}

/**
 * The advisory lock key for appends to `schema`. Exported so tests (and operators' tools) can hold the append
 * lock from a raw connection. Derived from the schema so stores in different schemas never wait for each other.
 */
export function appendLockKey(schema: string): string {
  return schemaDigest(schema).readBigInt64BE(0).toString();
}

function schemaDigest(schema: string): Buffer {
  return createHash('sha256').update(`mqtt-status-relay/event-store/${schema}`).digest();
}
