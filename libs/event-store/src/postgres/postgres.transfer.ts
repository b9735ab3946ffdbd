import type pg from 'pg';
import type {
  CollectionDocument,
  StoreCounts,
  StoreImportRows,
  StoredCheckpoint,
  StreamVersion,
} from '../event-store.port.js';
import { inTransaction } from './postgres.connection.js';
import type { PostgresNames } from './postgres.names.js';
import { isExpiring, visibleEvents, type PartitionedAppends } from './postgres.layout.js';

/**
 * The raw tables of a PostgreSQL store, read in key order (the primary keys' collations, so each batch walks
 * an index) and written as they are, for `npm run migrate-store`. All the SQL that knows how `position` is
 * generated is here and in `sealImport`, so a change of the events table's layout changes this file only.
 */
export class PostgresTransfer {
  constructor(
    private readonly pool: pg.Pool,
    private readonly names: PostgresNames,
    private readonly partitioned?: PartitionedAppends,
  ) {}

  async countRows(): Promise<StoreCounts> {
    const { events, streams, checkpoints, documents } = this.names;
    const visible = visibleEvents(this.partitioned?.layout ?? { partitioned: false }, this.names);
    const { rows } = await this.pool.query<StoreCounts>(
      `SELECT (SELECT count(*) FROM ${events} WHERE ${visible})::int AS events, (SELECT count(*) FROM ${streams})::int AS streams,
              (SELECT count(*) FROM ${checkpoints})::int AS checkpoints,
              (SELECT count(*) FROM ${documents})::int AS documents`,
    );
    return rows[0];
  }

  async exportStreams(afterStream: string, limit: number): Promise<StreamVersion[]> {
    const { rows } = await this.pool.query<StreamVersion>(
      `SELECT stream, version FROM ${this.names.streams} WHERE stream > $1 ORDER BY stream LIMIT $2`,
      [afterStream, limit],
    );
    return rows;
  }

  async exportCheckpoints(afterName: string, limit: number): Promise<StoredCheckpoint[]> {
    const { rows } = await this.pool.query<{ name: string; position: string }>(
      `SELECT name, position FROM ${this.names.checkpoints} WHERE name > $1 ORDER BY name LIMIT $2`,
      [afterName, limit],
    );
    return rows.map((row) => ({ name: row.name, position: Number(row.position) }));
  }

  async exportDocuments(
    after: { collection: string; id: string },
    limit: number,
  ): Promise<CollectionDocument[]> {
    const { rows } = await this.pool.query<CollectionDocument>(
      `SELECT collection, id, document FROM ${this.names.documents} WHERE (collection, id) > ($1, $2)
       ORDER BY collection, id LIMIT $3`,
      [after.collection, after.id, limit],
    );
    return rows;
  }

  /** One transaction; each table in one statement over arrays (unnest), not a statement per row. */
  async importRows({
    events = [],
    streams = [],
    checkpoints = [],
    documents = [],
  }: StoreImportRows): Promise<void> {
    const names = this.names;
    const layout = this.partitioned?.layout;
    const expiring = layout ? events.map((event) => isExpiring(layout, event.stream)) : [];
    await this.partitioned?.ranges.ensure(
      events.filter((_, i) => expiring[i]).map((event) => event.position),
    );
    const [column, array] = layout ? [', expiring', ', $8::boolean[]'] : ['', ''];
    await inTransaction(this.pool, async (client) => {
      if (events.length > 0) {
        await client.query(
          `INSERT INTO ${names.events} (position, event_id, stream, version, type, data, metadata${column})
           OVERRIDING SYSTEM VALUE
           SELECT position, event_id, stream, version, type, data::jsonb, metadata::jsonb${column}
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]${array})
             AS rows (position, event_id, stream, version, type, data, metadata${column})`,
          [
            events.map((event) => event.position),
            events.map((event) => event.eventId),
            events.map((event) => event.stream),
            events.map((event) => event.version),
            events.map((event) => event.type),
            events.map((event) => JSON.stringify(event.data)),
            events.map((event) => JSON.stringify(event.metadata)),
            ...(layout ? [expiring] : []),
          ],
        );
      }
      if (streams.length > 0) {
        await client.query(
          `INSERT INTO ${names.streams} (stream, version) SELECT * FROM unnest($1::text[], $2::int[])`,
          [streams.map((row) => row.stream), streams.map((row) => row.version)],
        );
      }
      if (checkpoints.length > 0) {
        await client.query(
          `INSERT INTO ${names.checkpoints} (name, position) SELECT * FROM unnest($1::text[], $2::bigint[])`,
          [checkpoints.map((row) => row.name), checkpoints.map((row) => row.position)],
        );
      }
      if (documents.length > 0) {
        await client.query(
          `INSERT INTO ${names.documents} (collection, id, document)
           SELECT collection, id, document::jsonb FROM unnest($1::text[], $2::text[], $3::text[])
             AS rows (collection, id, document)`,
          [
            documents.map((row) => row.collection),
            documents.map((row) => row.id),
            documents.map((row) => JSON.stringify(row.document)),
          ],
        );
      }
    });
  }

  /**
   * Restarts the sequence behind `position` (the identity's, or an owned one) after `head`, so the next append
   * gets `head + 1` or more; under the append lock, as appends take it. The ranges appends will need are made.
   */
  async sealImport(head: number, horizon: number): Promise<void> {
    await this.partitioned?.ranges.ensure([head + 1]);
    const { events, retention, appendLockKey } = this.names;
    await inTransaction(
      this.pool,
      async (client) => {
        const { rows } = await client.query<{ sequence: string | null }>(
          `SELECT pg_get_serial_sequence($1, 'position') AS sequence`,
          [events],
        );
        // Without an identity or owned sequence, setval(NULL) would do nothing and appends would start at 1.
        if (rows[0].sequence === null) throw new Error(`${events}.position has no sequence to restart`);
        await client.query('SELECT setval($1::regclass, greatest($2::bigint, 1), $2::bigint > 0)', [
          rows[0].sequence,
          head,
        ]);
        if (horizon > 0) {
          await client.query(`INSERT INTO ${retention} (id, horizon) VALUES (1, $1)`, [horizon]);
        }
      },
      `BEGIN; SELECT pg_advisory_xact_lock(${appendLockKey})`,
    );
  }
}
