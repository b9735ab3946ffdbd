import type Database from 'better-sqlite3';
import { ProjectionConflictError } from '../errors.js';
import { idRange, pageOf } from '../document-range.js';
import type { DocumentQuery, ProjectionChanges, StoredDocument } from '../event-store.port.js';

/** SQLite orders any BLOB after every TEXT: an upper bound no ID reaches. */
const NO_HIGHER_ID = Buffer.of(0xff) as unknown as string;

/** Read-model documents in the same SQLite file as the events, committed with their projection's checkpoint. */
export class SqliteDocuments {
  private readonly upsert;
  private readonly remove;
  private readonly list;
  private readonly count;
  private readonly byIds;
  private readonly checkpoint;
  private readonly dropCheckpoint;
  private readonly currentCheckpoint;
  private readonly dropCollection;

  constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO documents (collection, id, document) VALUES (?, ?, ?)
       ON CONFLICT (collection, id) DO UPDATE SET document = excluded.document`,
    );
    this.remove = db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?');
    this.list = db.prepare<[string, string, string, number, number], { id: string; document: string }>(
      `SELECT id, document FROM documents WHERE collection = ? AND id >= ? AND id < ?
       ORDER BY id LIMIT ? OFFSET ?`,
    );
    this.count = db.prepare<[string, string, string], { n: number }>(
      'SELECT count(*) AS n FROM documents WHERE collection = ? AND id >= ? AND id < ?',
    );
    this.byIds = db.prepare<[string, string], { id: string; document: string }>(
      'SELECT id, document FROM documents WHERE collection = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
    );
    this.checkpoint = db.prepare(
      `INSERT INTO checkpoints (name, position) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    );
    this.dropCheckpoint = db.prepare('DELETE FROM checkpoints WHERE name = ?');
    this.currentCheckpoint = db.prepare<[string], { position: number }>(
      'SELECT position FROM checkpoints WHERE name = ?',
    );
    this.dropCollection = db.prepare('DELETE FROM documents WHERE collection = ?');
  }

  commit(name: string, position: number, changes: ProjectionChanges, expectedCheckpoint?: number): void {
    this.db
      .transaction(() => {
        if (expectedCheckpoint !== undefined) {
          const actual = this.currentCheckpoint.get(name)?.position ?? 0;
          if (actual !== expectedCheckpoint)
            throw new ProjectionConflictError(name, expectedCheckpoint, actual);
        }
        for (const { collection, id, document } of changes.upserts ?? []) {
          this.upsert.run(collection, id, JSON.stringify(document));
        }
        for (const { collection, id } of changes.deletes ?? []) this.remove.run(collection, id);
        this.checkpoint.run(name, position);
      })
      .immediate();
  }

  read(collection: string, query: DocumentQuery = {}): StoredDocument[] {
    const { low, high } = idRange(query.idPrefix);
    const { limit, offset } = pageOf(query);
    return this.list
      .all(collection, low, high ?? NO_HIGHER_ID, limit ?? -1, offset)
      .map((row) => ({ id: row.id, document: JSON.parse(row.document) }));
  }

  countOf(collection: string, idPrefix?: string): number {
    const { low, high } = idRange(idPrefix);
    return this.count.get(collection, low, high ?? NO_HIGHER_ID)!.n;
  }

  readById(collection: string, ids: string[]): StoredDocument[] {
    return this.byIds
      .all(collection, JSON.stringify(ids))
      .map((row) => ({ id: row.id, document: JSON.parse(row.document) }));
  }

  reset(name: string, collections: string[]): void {
    this.db
      .transaction(() => {
        this.dropCheckpoint.run(name);
        for (const collection of collections) this.dropCollection.run(collection);
      })
      .immediate();
  }
}
