/*
 * The SQL of the SQLite adapter as small synchronous functions over plain data, so they can move to a worker
 * thread (off the broker's event loop) without change: arguments and results are structured-cloneable.
 */
import { planAppends } from '../append-plan.js';
import { DuplicateEventError } from '../errors.js';
import type { AppendResult, ReadAllOptions, RecordedEvent, StreamAppend } from '../event-store.port.js';
import { readAllStatement, type EventRow, type SqliteStatements } from './sqlite.statements.js';

const DEFAULT_LIMIT = 1000;

/** One `BEGIN IMMEDIATE` transaction for the whole batch: all appends commit together or none does. */
export function appendEvents(statements: SqliteStatements, appends: StreamAppend[]): AppendResult[] {
  return statements.db.transaction(() => appendInTransaction(statements, appends)).immediate();
}

function appendInTransaction(s: SqliteStatements, appends: StreamAppend[]): AppendResult[] {
  const plan = planAppends(appends, (stream) => s.streamVersion.get(stream)?.version ?? 0);
  const positions = plan.rows.map(({ stream, version, event }) => {
    try {
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(event.metadata);
      return Number(
        s.insertEvent.run(event.eventId, stream, version, event.type, data, metadata).lastInsertRowid,
      );
    } catch (error) {
      // Throwing rolls the transaction back, so nothing of the batch stays written.
      if (s.eventIdExists.get(event.eventId)) throw new DuplicateEventError(event.eventId);
      throw error;
    }
  });
  for (const [stream, version] of plan.streamVersions) s.upsertStream.run(stream, version);
  return plan.results.map(({ stream, version, lastRow }) => ({
    stream,
    version,
    // An append without events only checks the version; report where the stream's last event is.
    position: lastRow >= 0 ? positions[lastRow] : (s.positionOfVersion.get(stream, version)?.position ?? 0),
  }));
}

export function readStream(s: SqliteStatements, stream: string, fromVersion: number): RecordedEvent[] {
  return s.readStream.all(stream, fromVersion).map(toRecordedEvent);
}

export function readAll(s: SqliteStatements, after: number, options: ReadAllOptions = {}): RecordedEvent[] {
  const { filter = {}, limit = DEFAULT_LIMIT, toPosition = Number.MAX_SAFE_INTEGER } = options;
  const { streamPrefixes, types } = filter;
  const parameters: Record<string, string | number> = { after, to: toPosition, limit };
  streamPrefixes?.forEach((prefix, index) => (parameters[`p${index}`] = prefix));
  types?.forEach((type, index) => (parameters[`t${index}`] = type));
  const statement = readAllStatement(s, streamPrefixes?.length, types?.length);
  return statement.all(parameters).map(toRecordedEvent);
}

export function headPosition(s: SqliteStatements): number {
  return s.head.get()?.head ?? 0;
}

export function loadCheckpoint(s: SqliteStatements, name: string): number {
  return s.loadCheckpoint.get(name)?.position ?? 0;
}

export type CheckpointSave = { name: string; position: number };

/** One IMMEDIATE transaction, so one fsync for all of them. */
export function saveCheckpoints(s: SqliteStatements, checkpoints: CheckpointSave[]): void {
  s.db
    .transaction(() => checkpoints.forEach(({ name, position }) => s.saveCheckpoint.run(name, position)))
    .immediate();
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: row.position,
    stream: row.stream,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}
