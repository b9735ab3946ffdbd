import type pg from 'pg';
import type { RecordedEvent } from '../event-store.port.js';
import type { PostgresNames } from './postgres.names.js';
import { visibleEvents, type EventsLayout } from './postgres.layout.js';

export interface EventRow {
  position: string;
  event_id: string;
  stream: string;
  version: number;
  type: string;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
}

/** Named prepared statements: each connection parses and plans them once (perf-limits.md §3b). */
export function readQueries(names: PostgresNames, layout: EventsLayout) {
  const { statementPrefix: prefix, events, checkpoints, retention } = names;
  const columns = 'position, event_id, stream, version, type, data, metadata';
  const visible = visibleEvents(layout, names);
  return {
    readStream: {
      name: `${prefix}_read_stream`,
      text: `SELECT ${columns} FROM ${events} WHERE stream = $1 AND version >= $2 AND ${visible} ORDER BY version`,
    },
    /** $3: LIKE patterns of the stream prefixes, $4: types; NULL means no such filter. */
    readAll: {
      name: `${prefix}_read_all`,
      text: `SELECT ${columns} FROM ${events}
             WHERE position > $1 AND position <= $2
               AND ($3::text[] IS NULL OR stream LIKE ANY ($3::text[]))
               AND ($4::text[] IS NULL OR type = ANY ($4::text[]))
               AND ${visible}
             ORDER BY position LIMIT $5`,
    },
    head: {
      name: `${prefix}_head`,
      // Retention may have removed the last events: the head never drops below the horizon.
      text: `SELECT greatest(coalesce(max(position), 0),
                             (SELECT coalesce(max(horizon), 0) FROM ${retention})) AS head
             FROM ${events}`,
    },
    loadCheckpoint: {
      name: `${prefix}_load_checkpoint`,
      text: `SELECT position FROM ${checkpoints} WHERE name = $1`,
    },
    saveCheckpoint: {
      name: `${prefix}_save_checkpoint`,
      text: `INSERT INTO ${checkpoints} (name, position) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    },
  } satisfies Record<string, pg.QueryConfig>;
}

/** A LIKE pattern matching streams that start with `prefix` literally (`_`, `%` and `\` escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    // BIGINT arrives as text (it may exceed 2^53); positions stay far below that, so a number is exact.
    position: Number(row.position),
    stream: row.stream,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  };
}
