import type Database from 'better-sqlite3';

export interface EventRow {
  position: number;
  event_id: string;
  stream: string;
  version: number;
  type: string;
  data: string;
  metadata: string;
}

type ReadAllParameters = Record<string, string | number>;

/** The adapter's prepared statements, prepared once per connection. */
export interface SqliteStatements {
  db: Database.Database;
  streamVersion: Database.Statement<[string], { version: number }>;
  insertEvent: Database.Statement<[string, string, number, string, string, string]>;
  eventIdExists: Database.Statement<[string], { found: 1 }>;
  upsertStream: Database.Statement<[string, number]>;
  positionOfVersion: Database.Statement<[string, number], { position: number }>;
  readStream: Database.Statement<[string, number], EventRow>;
  head: Database.Statement<[], { head: number }>;
  loadCheckpoint: Database.Statement<[string], { position: number }>;
  saveCheckpoint: Database.Statement<[string, number]>;
  /** readAll statements by filter shape (number of prefixes and types), built on first use. */
  readAllByShape: Map<string, Database.Statement<[ReadAllParameters], EventRow>>;
}

const COLUMNS = 'position, event_id, stream, version, type, data, metadata';

export function prepareStatements(db: Database.Database): SqliteStatements {
  return {
    db,
    streamVersion: db.prepare('SELECT version FROM streams WHERE stream = ?'),
    insertEvent: db.prepare(
      'INSERT INTO events (event_id, stream, version, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    eventIdExists: db.prepare('SELECT 1 AS found FROM events WHERE event_id = ?'),
    upsertStream: db.prepare(
      'INSERT INTO streams (stream, version) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET version = excluded.version',
    ),
    positionOfVersion: db.prepare('SELECT position FROM events WHERE stream = ? AND version = ?'),
    readStream: db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? AND version >= ? ORDER BY version`,
    ),
    // Retention may have removed the last events: the head never drops below the horizon.
    head: db.prepare(
      `SELECT max(coalesce((SELECT max(position) FROM events), 0),
                  coalesce((SELECT horizon FROM retention WHERE id = 1), 0)) AS head`,
    ),
    loadCheckpoint: db.prepare('SELECT position FROM checkpoints WHERE name = ?'),
    saveCheckpoint: db.prepare(
      'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    ),
    readAllByShape: new Map(),
  };
}

/**
 * The readAll statement for a filter with `prefixCount` stream prefixes and `typeCount` types (undefined: no
 * such filter; 0: an empty list, which matches nothing). Parameters: @after, @to, @limit, @p0…, @t0….
 * Prefixes are compared with substr rather than LIKE (case-insensitive in SQLite, and `_`/`%` would need
 * escaping) or a range (which misses streams continuing with characters above U+FFFF).
 */
export function readAllStatement(
  s: SqliteStatements,
  prefixCount: number | undefined,
  typeCount: number | undefined,
): Database.Statement<[ReadAllParameters], EventRow> {
  const shape = `${prefixCount ?? '-'}/${typeCount ?? '-'}`;
  let statement = s.readAllByShape.get(shape);
  if (!statement) {
    const conditions = ['position > @after', 'position <= @to'];
    if (prefixCount !== undefined) {
      const prefixes = numbered('p', prefixCount).map((p) => `substr(stream, 1, length(${p})) = ${p}`);
      conditions.push(prefixes.length > 0 ? `(${prefixes.join(' OR ')})` : '0');
    }
    if (typeCount !== undefined) {
      conditions.push(typeCount > 0 ? `type IN (${numbered('t', typeCount).join(', ')})` : '0');
    }
    const where = conditions.join(' AND ');
    statement = s.db.prepare(`SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY position LIMIT @limit`);
    s.readAllByShape.set(shape, statement);
  }
  return statement;
}

function numbered(letter: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `@${letter}${index}`);
}
