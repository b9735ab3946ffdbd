import type pg from 'pg';
import { inTransaction } from './postgres.connection.js';
import { ProjectionConflictError } from '../errors.js';
import { idRange, pageOf } from '../document-range.js';
import type { DocumentQuery, ProjectionChanges, StoredDocument } from '../event-store.port.js';
import type { PostgresNames } from './postgres.names.js';

/** Read-model documents in the store's schema, committed with their projection's checkpoint. */
export class PostgresDocuments {
  constructor(
    private readonly pool: pg.Pool,
    private readonly names: PostgresNames,
  ) {}

  async commit(
    name: string,
    position: number,
    changes: ProjectionChanges,
    expectedCheckpoint?: number,
  ): Promise<void> {
    const { documents, checkpoints } = this.names;
    const upserts = changes.upserts ?? [];
    const deletes = changes.deletes ?? [];
    await inTransaction(this.pool, async (client) => {
      if (expectedCheckpoint !== undefined) {
        // One committer per projection at a time (the row may not exist yet, so lock the name, not the row).
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
          `${this.names.schema}/projection/${name}`,
        ]);
        const { rows } = await client.query<{ position: string }>(
          `SELECT position FROM ${checkpoints} WHERE name = $1`,
          [name],
        );
        const actual = rows.length > 0 ? Number(rows[0]!.position) : 0;
        if (actual !== expectedCheckpoint)
          throw new ProjectionConflictError(name, expectedCheckpoint, actual);
      }
      if (upserts.length > 0) {
        await client.query(
          `INSERT INTO ${documents} (collection, id, document)
           SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
           ON CONFLICT (collection, id) DO UPDATE SET document = excluded.document`,
          [
            upserts.map((u) => u.collection),
            upserts.map((u) => u.id),
            upserts.map((u) => JSON.stringify(u.document)),
          ],
        );
      }
      if (deletes.length > 0) {
        await client.query(
          `DELETE FROM ${documents} d USING unnest($1::text[], $2::text[]) AS gone(collection, id)
           WHERE d.collection = gone.collection AND d.id = gone.id`,
          [deletes.map((d) => d.collection), deletes.map((d) => d.id)],
        );
      }
      await client.query(
        `INSERT INTO ${checkpoints} (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
        [name, position],
      );
    });
  }

  async read(collection: string, query: DocumentQuery = {}): Promise<StoredDocument[]> {
    const { low, high } = idRange(query.idPrefix);
    const { limit, offset } = pageOf(query);
    const { rows } = await this.pool.query<StoredDocument>(
      `SELECT id, document FROM ${this.names.documents}
       WHERE collection = $1 AND id >= $2 AND ($3::text IS NULL OR id < $3)
       ORDER BY id LIMIT $4 OFFSET $5`,
      [collection, low, high, limit, offset],
    );
    return rows;
  }

  async countOf(collection: string, idPrefix?: string): Promise<number> {
    const { low, high } = idRange(idPrefix);
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.names.documents}
       WHERE collection = $1 AND id >= $2 AND ($3::text IS NULL OR id < $3)`,
      [collection, low, high],
    );
    return Number(rows[0]!.n);
  }

  async readById(collection: string, ids: string[]): Promise<StoredDocument[]> {
    const { rows } = await this.pool.query<StoredDocument>(
      `SELECT id, document FROM ${this.names.documents} WHERE collection = $1 AND id = ANY ($2::text[]) ORDER BY id`,
      [collection, ids],
    );
    return rows;
  }

  async reset(name: string, collections: string[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`DELETE FROM ${this.names.checkpoints} WHERE name = $1`, [name]);
      await client.query(`DELETE FROM ${this.names.documents} WHERE collection = ANY ($1::text[])`, [
        collections,
      ]);
    });
  }
}
