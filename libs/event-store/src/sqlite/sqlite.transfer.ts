import type Database from 'better-sqlite3';
import type {
  CollectionDocument,
  StoreCounts,
  StoreImportRows,
  StoredCheckpoint,
  StreamVersion,
} from '../event-store.port.js';

/**
 * The raw tables of a SQLite store, read in key order (binary, SQLite's default for TEXT) and written as they
 * are, for `npm run migrate-store`. Writes go through the main connection, not the append thread: no app appends
 * to a store being filled.
 */
export class SqliteTransfer {
  private readonly counts;
  private readonly streams;
  private readonly checkpoints;
  private readonly documents;
  private readonly insertEvent;
  private readonly insertStream;
  private readonly insertCheckpoint;
  private readonly insertDocument;
  private readonly sequence;
  private readonly insertSequence;
  private readonly horizon;

  constructor(private readonly db: Database.Database) {
    this.counts = db.prepare<[], StoreCounts>(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM streams) AS streams,
              (SELECT count(*) FROM checkpoints) AS checkpoints, (SELECT count(*) FROM documents) AS documents`,
    );
    this.streams = db.prepare<[string, number], StreamVersion>(
      'SELECT stream, version FROM streams WHERE stream > ? ORDER BY stream LIMIT ?',
    );
    this.checkpoints = db.prepare<[string, number], StoredCheckpoint>(
      'SELECT name, position FROM checkpoints WHERE name > ? ORDER BY name LIMIT ?',
    );
    this.documents = db.prepare<
      [string, string, number],
      { collection: string; id: string; document: string }
    >(
      `SELECT collection, id, document FROM documents WHERE (collection, id) > (?, ?)
       ORDER BY collection, id LIMIT ?`,
    );
    this.insertEvent = db.prepare<[number, string, string, number, string, string, string]>(
      `INSERT INTO events (position, event_id, stream, version, type, data, metadata)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertStream = db.prepare<[string, number]>('INSERT INTO streams (stream, version) VALUES (?, ?)');
    this.insertCheckpoint = db.prepare<[string, number]>(
      'INSERT INTO checkpoints (name, position) VALUES (?, ?)',
    );
    this.insertDocument = db.prepare<[string, string, string]>(
      'INSERT INTO documents (collection, id, document) VALUES (?, ?, ?)',
    );
    // AUTOINCREMENT keeps the highest position ever given in sqlite_sequence, and never gives one at or below it.
    this.sequence = db.prepare<[number]>(
      "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'events'",
    );
    this.insertSequence = db.prepare<[number]>(
      "INSERT INTO sqlite_sequence (name, seq) SELECT 'events', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')",
    );
    this.horizon = db.prepare<[number]>('INSERT INTO retention (id, horizon) VALUES (1, ?)');
  }

  countRows(): StoreCounts {
    return this.counts.get()!;
  }

  exportStreams(afterStream: string, limit: number): StreamVersion[] {
    return this.streams.all(afterStream, limit);
  }

  exportCheckpoints(afterName: string, limit: number): StoredCheckpoint[] {
    return this.checkpoints.all(afterName, limit);
  }

  exportDocuments(after: { collection: string; id: string }, limit: number): CollectionDocument[] {
    return this.documents
      .all(after.collection, after.id, limit)
      .map((row) => ({ collection: row.collection, id: row.id, document: JSON.parse(row.document) }));
  }

  importRows(rows: StoreImportRows): void {
    this.db
      .transaction(() => {
        for (const event of rows.events ?? []) {
          const { position, eventId, stream, version, type, data, metadata } = event;
          this.insertEvent.run(
            position,
            eventId,
            stream,
            version,
            type,
            JSON.stringify(data),
            JSON.stringify(metadata),
          );
        }
        for (const { stream, version } of rows.streams ?? []) this.insertStream.run(stream, version);
        for (const { name, position } of rows.checkpoints ?? []) this.insertCheckpoint.run(name, position);
        for (const { collection, id, document } of rows.documents ?? []) {
          this.insertDocument.run(collection, id, JSON.stringify(document));
        }
      })
      .immediate();
  }

  sealImport(head: number, horizon: number): void {
    this.db
      .transaction(() => {
        this.sequence.run(head);
        this.insertSequence.run(head);
        if (horizon > 0) this.horizon.run(horizon);
      })
      .immediate();
  }
}
